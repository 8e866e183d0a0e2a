//! The papers' results, reproduced by the engine: the AdS-Schwarzschild recovery and an 8-seed QCD
//! ensemble against P2 Table II run every time; the 20-seed convergence count is `#[ignore]`d
//! (`cargo test --release -- --ignored`).
#![cfg(not(target_arch = "wasm32"))]

use adsdl::physics::RegChoice;
use adsdl::systems::custom::parse_metric_csv;
use adsdl::systems::qcd::has_published_shape;
use adsdl::systems::{ads_schwarzschild, custom, qcd};
use adsdl::train::ensemble::{summarize, train_member};
use adsdl::train::{Recipe, TrainConfig, Trainer};

/// Default `train --preset ads-schwarzschild`, 5 seeds: median error every layer < 10 %, layers 0–7 < 3 %.
#[test]
fn ads_schwarzschild_recovers_the_true_metric() {
    let mut errors: Vec<Vec<f64>> = vec![Vec::new(); 10];
    for seed in 1..=5 {
        let mut c = TrainConfig::new(ads_schwarzschild::ID);
        c.seed = seed;
        let mut t = Trainer::new(c.clone()).unwrap();
        while t.epoch() < c.epochs {
            t.epoch_step().unwrap();
        }
        let truth = t
            .probe_system()
            .truth(&t.config().inputs(), t.network())
            .unwrap();
        for (k, (h, tr)) in t.params().h.iter().zip(&truth.h).enumerate() {
            errors[k].push(((h - tr) / tr).abs());
        }
    }
    let med: Vec<f64> = errors.into_iter().map(median).collect();
    for (k, m) in med.iter().enumerate() {
        let bound = if k <= 7 { 0.03 } else { 0.10 };
        assert!(
            *m < bound,
            "layer {k}: median error {:.2} % (bound {:.0} %); all: {med:?}",
            100.0 * m,
            100.0 * bound
        );
    }
}

/// The paper's own smoothness regulariser, for contrast: the horizon layer comes out far too low.
#[test]
fn paper_regulariser_leaves_the_horizon_low() {
    let mut c = TrainConfig::new(ads_schwarzschild::ID);
    c.reg = adsdl::physics::RegChoice::Paper;
    c.reg_c = 3e-3;
    let mut t = Trainer::new(c.clone()).unwrap();
    while t.epoch() < c.epochs {
        t.epoch_step().unwrap();
    }
    let truth = t
        .probe_system()
        .truth(&t.config().inputs(), t.network())
        .unwrap();
    assert!(
        t.params().h[9] < 0.85 * truth.h[9],
        "h_9 = {}",
        t.params().h[9]
    );
}

/// One QCD run of the default recipe reaches the published shape and the metric (seed 1: ~2 s in
/// release). Where the couplings end is the ensemble's test below.
#[test]
fn qcd_default_recipe_reaches_the_published_shape() {
    let c = TrainConfig::new(qcd::ID);
    let r = train_member(c, &|| 0.0).unwrap();
    let p = r.probe_params().expect("P2's network");
    assert!(has_published_shape(&p.h), "{:?}", p.h);
    assert!(r.loss <= qcd::ID.system().keep_loss(), "loss {}", r.loss);
    assert!(
        qcd::reached_metric(r.loss, p.ads_radius),
        "L = {}",
        p.ads_radius
    );
}

/// Issue 9: the fast recipe (the default) crosses the loss plateau sooner than the restart
/// recipe at P2's rate throughout — seed 1 reaches the metric (the page benchmark's criterion)
/// at epoch 547 against 847 — and the test above checks where it ends.
#[test]
fn the_fast_recipe_reaches_the_metric_sooner_than_the_restart_recipe() {
    let to_metric = |recipe| {
        let mut t = Trainer::new(TrainConfig {
            recipe,
            ..TrainConfig::new(qcd::ID)
        })
        .unwrap();
        while t.epoch() < 1500 {
            t.epoch_step().unwrap();
            if qcd::reached_metric(t.last_epoch_loss().unwrap(), t.params().ads_radius) {
                return t.epoch();
            }
        }
        panic!("{} did not reach the metric in 1500 epochs", recipe.name());
    };
    let (fast, restart) = (to_metric(Recipe::Fast), to_metric(Recipe::Restart));
    assert!(4 * fast < 3 * restart, "{fast} against {restart} epochs");
}

/// How far an 8-run ensemble's median L [GeV⁻¹], median λ and median h_k may sit from P2
/// Table II. Chosen on four ensembles of the default recipe (`adsdl ensemble --preset qcd --runs 8
/// --seed S --json`, S = 9001, 9101, 9201, 9301; all 8 kept in each): each bound is twice the
/// largest distance seen there (h_k: at least three of P2's errors), rounded up. Medians, since
/// one run kept at another minimum with the published shape (L = 2.99, λ = 0.053 was seen under
/// an earlier recipe) moves a mean of eight by −0.06 and +0.005. Seen on the tuning sets:
/// median L 3.441–3.459, median λ 0.01095–0.01323 (3 standard errors of a median of 8 is ≈ 0.003
/// for λ), h_k largest at the horizon (h₁₄ +0.87). Reported on disjoint seeds: 9401–9408 gave
/// median L 3.452, λ 0.01184 and every h_k within 0.41 of its bound; this test's seeds 9501–9508
/// gave 3.481, 0.01213 and 0.65 of the bound at most. The earlier bounds (mean L ± 0.12, mean
/// λ ± 0.007, no h_k) were 3× and 2.3× wider and let any h through.
const ENSEMBLE_L_TOL: f64 = 0.04;
/// See [`ENSEMBLE_L_TOL`].
const ENSEMBLE_LAMBDA_TOL: f64 = 0.003;
/// See [`ENSEMBLE_L_TOL`]: |median h_k − Table II h_k| at most this, layer by layer.
const ENSEMBLE_H_TOL: [f64; 15] = [
    0.025, 0.048, 0.076, 0.11, 0.14, 0.15, 0.13, 0.096, 0.29, 0.58, 0.9, 1.1, 0.81, 1.2, 1.8,
];

/// The median (of an even count, the mean of the middle two).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// P2 Table II from 8 seeds no threshold was chosen on, with P2's cut 0.08: at least 7 kept, all
/// kept runs with the published shape, median L, λ and every h_k within the bounds above (~6 s on
/// 2 cores).
#[test]
fn qcd_ensemble_of_eight_unseen_seeds_reproduces_table_ii() {
    let seeds: Vec<u64> = (9501..=9508).collect();
    let results: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = seeds
            .chunks(4)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|&seed| {
                            let c = TrainConfig {
                                seed,
                                ..TrainConfig::new(qcd::ID)
                            };
                            train_member(c, &|| 0.0).unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let s = summarize(qcd::ID, &results, 0.08);
    let (l, lambda) = (qcd::TABLE_II_L.0, qcd::TABLE_II_LAMBDA.0);
    let kept: Vec<_> = results.iter().filter(|r| r.loss <= 0.08).collect();
    let med = |f: &dyn Fn(&adsdl::physics::Params) -> f64| {
        median(
            kept.iter()
                .map(|r| f(&r.probe_params().expect("P2's network")))
                .collect(),
        )
    };
    let (med_l, med_lambda) = (med(&|p| p.ads_radius), med(&|p| p.lambda));
    eprintln!(
        "seeds 9501–9508: kept {} of 8, median L = {med_l:.4}, median λ = {med_lambda:.5}",
        s.kept
    );
    assert!(s.kept >= 7, "kept {} of 8", s.kept);
    assert_eq!(s.with_shape, s.kept);
    assert!((med_l - l).abs() <= ENSEMBLE_L_TOL, "median L = {med_l}");
    assert!(
        (med_lambda - lambda).abs() <= ENSEMBLE_LAMBDA_TOL,
        "median λ = {med_lambda}"
    );
    for (k, ((want, _), tol)) in qcd::TABLE_II_H.iter().zip(ENSEMBLE_H_TOL).enumerate() {
        let got = med(&|p| p.h[k]);
        assert!(
            (got - want).abs() <= tol,
            "median h_{k} = {got:.4}, Table II {want} (bound ± {tol})"
        );
    }
}

/// Issue 6: at least 19 of 20 seeds reach the shape with the default recipe (`fast` since
/// issue 9; `restart` before).
#[test]
#[ignore = "minutes: run with `cargo test --release -- --ignored`"]
fn qcd_default_recipe_converges_on_nineteen_of_twenty_seeds() {
    let ok = (1..=20)
        .filter(|&seed| {
            let mut c = TrainConfig::new(qcd::ID);
            c.seed = seed;
            assert_eq!(c.recipe, Recipe::Fast);
            let r = train_member(c, &|| 0.0).unwrap();
            r.loss <= 0.1 && has_published_shape(r.params.get("h").unwrap())
        })
        .count();
    assert!(ok >= 19, "{ok}/20");
}

/// Issue 6: the detectors fire on a seed known to fail under the paper protocol (seed 2: λ drifts
/// upward), at the first check (epoch 10 since issue 23), and not on one known to converge
/// (seed 1) through every early check (10, 25 and 50).
#[test]
fn detectors_fire_on_a_failing_seed_and_not_on_a_good_one() {
    let run = |seed, epochs| {
        let mut c = TrainConfig::new(qcd::ID);
        c.seed = seed;
        let mut t = Trainer::new(c).unwrap();
        while t.epoch() < epochs {
            t.epoch_step().unwrap();
        }
        t
    };
    let good = run(1, 51);
    assert_eq!(good.attempt(), 0, "{:?}", good.events());
    let bad = run(2, qcd::recipe::QCD_DRIFT_EPOCH + 1);
    assert_eq!(bad.attempt(), 1, "{:?}", bad.events());
    assert_eq!(bad.events()[0].epoch, qcd::recipe::QCD_DRIFT_EPOCH);
    assert!(
        bad.events()[0]
            .message
            .to_string()
            .contains("drifting upward"),
        "{}",
        bad.events()[0].message
    );
}

/// Median relative error of h_k over seeds 1–5 against the truth, per layer.
fn median_errors(base: &TrainConfig) -> Vec<f64> {
    let mut errors: Vec<Vec<f64>> = Vec::new();
    for seed in 1..=5 {
        let c = TrainConfig {
            seed,
            ..base.clone()
        };
        let mut t = Trainer::new(c.clone()).unwrap();
        while t.epoch() < c.epochs {
            t.epoch_step().unwrap();
        }
        let truth = t
            .probe_system()
            .truth(&t.config().inputs(), t.network())
            .unwrap();
        errors.resize(truth.h.len(), Vec::new());
        for (k, (h, tr)) in t.params().h.iter().zip(&truth.h).enumerate() {
            errors[k].push((h - tr) / tr);
        }
    }
    errors.into_iter().map(median).collect()
}

/// Issue 12: 3 coth 3η given as a CSV to the custom system (interpolated onto the layers) is
/// learned back about as well as by the AdS-Schwarzschild preset with the same regulariser.
#[test]
fn a_custom_metric_of_3coth3eta_is_recovered_like_ads_schwarzschild() {
    let csv: String = std::iter::once("eta,h".to_string())
        .chain((0..=90).map(|i| {
            let eta = 0.1 + 0.01 * i as f64;
            format!("{eta},{}", 3.0 / (3.0 * eta).tanh())
        }))
        .collect::<Vec<_>>()
        .join("\n");
    let mut ads = TrainConfig::new(ads_schwarzschild::ID);
    ads.reg = RegChoice::Paper;
    ads.reg_c = 3e-3;
    let mut own = TrainConfig::new(custom::ID);
    own.metric = Some(parse_metric_csv(&csv).unwrap());
    assert_eq!(
        (own.reg, own.reg_c),
        (ads.reg, ads.reg_c),
        "same regulariser"
    );
    let (a, c) = (median_errors(&ads), median_errors(&own));
    println!("median signed error per layer, ads-schwarzschild: {a:.4?}");
    println!("median signed error per layer, custom 3coth3η CSV: {c:.4?}");
    for k in 0..a.len() {
        assert!(
            (a[k] - c[k]).abs() < 0.01,
            "layer {k}: ads {:.2} % vs custom {:.2} %",
            100.0 * a[k],
            100.0 * c[k]
        );
    }
    let worst = c[..8].iter().fold(0.0f64, |m, e| m.max(e.abs()));
    assert!(
        worst < 0.07,
        "custom: worst of layers 0–7 {:.2} %",
        100.0 * worst
    );
}

/// Issue 11: once a run has converged it is not restarted, and when it leaves the metric it is
/// brought back to its converged state (here the departure is forced: λ thrown far away).
#[test]
fn a_converged_run_that_leaves_the_metric_is_brought_back() {
    let mut t = Trainer::new(TrainConfig::new(qcd::ID)).unwrap();
    while !t.settled() && t.epoch() < 1500 {
        t.epoch_step().unwrap();
    }
    assert!(
        t.settled(),
        "seed 1 converges by epoch 1500: {:?}",
        t.events()
    );
    let converged_at = t.epoch();
    let mut p = t.params().clone();
    p.lambda = 60.0;
    p.ads_radius = 0.5;
    t.set_params(p).unwrap();
    let attempts = t.attempt();
    t.epoch_step().unwrap();
    let last = t.events().last().unwrap().message.clone();
    assert!(last.to_string().contains("left the metric"), "{last}");
    assert_eq!(t.attempt(), attempts, "brought back, not restarted");
    assert!(
        t.full_loss().total() <= qcd::P2_KEEP_LOSS,
        "back at the converged state of epoch ≥ {converged_at}: loss {}",
        t.full_loss().total()
    );
    assert!(
        (t.params().ads_radius - 3.4).abs() < 0.6,
        "L = {}",
        t.params().ads_radius
    );
}
