//! The papers' results, reproduced by the engine. The AdS-Schwarzschild recovery is fast and always
#![cfg(not(target_arch = "wasm32"))]
//! runs; the QCD ensembles take minutes and are `#[ignore]`d (`cargo test --release -- --ignored`),
//! the same measurement as `adsdl ensemble --preset qcd --runs 24`.

use adsdl::physics::RegChoice;
use adsdl::systems::custom::parse_metric_csv;
use adsdl::systems::qcd::has_published_shape;
use adsdl::systems::{ads_schwarzschild, custom, qcd};
use adsdl::train::ensemble::{summarize, train_member};
use adsdl::train::{Recipe, TrainConfig, Trainer};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

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
        let truth = t.system().truth(t.config(), t.network()).unwrap();
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
    let truth = t.system().truth(t.config(), t.network()).unwrap();
    assert!(
        t.params().h[9] < 0.85 * truth.h[9],
        "h_9 = {}",
        t.params().h[9]
    );
}

/// One QCD run of the default recipe reaches the published shape (seed 1: ~7 s in release).
#[test]
fn qcd_default_recipe_reaches_the_published_shape() {
    let c = TrainConfig::new(qcd::ID);
    let r = train_member(c, &|| 0.0).unwrap();
    assert!(has_published_shape(&r.params.h), "{:?}", r.params.h);
    assert!(r.loss <= 0.1, "loss {}", r.loss);
    assert!(
        (3.2..=4.4).contains(&r.params.ads_radius),
        "L = {}",
        r.params.ads_radius
    );
    assert!(
        r.params.lambda > 0.0 && r.params.lambda < 0.03,
        "λ = {}",
        r.params.lambda
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
            let l = t.params().ads_radius;
            if t.last_epoch_loss().unwrap() < 0.1 && (3.2..=4.4).contains(&l) {
                return t.epoch();
            }
        }
        panic!("{} did not reach the metric in 1500 epochs", recipe.name());
    };
    let (fast, restart) = (to_metric(Recipe::Fast), to_metric(Recipe::Restart));
    assert!(4 * fast < 3 * restart, "{fast} against {restart} epochs");
}

/// Issue targets for the 8-run ensemble with the CLI's default recipe.
#[test]
#[ignore = "minutes: run with `cargo test --release -- --ignored`"]
fn qcd_ensemble_of_eight_reproduces_table_ii() {
    let results: Vec<_> = (1..=8)
        .map(|seed| {
            let mut c = TrainConfig::new(qcd::ID);
            c.seed = seed;
            train_member(c, &|| 0.0).unwrap()
        })
        .collect();
    let s = summarize(qcd::ID, &results, 0.1);
    assert_eq!(s.kept, 8);
    assert_eq!(s.with_shape, 8);
    assert!((3.2..=4.4).contains(&s.ads_radius.mean));
    assert!(s.lambda.mean > 0.0 && s.lambda.mean < 0.03);
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
            r.loss <= 0.1 && has_published_shape(&r.params.h)
        })
        .count();
    assert!(ok >= 19, "{ok}/20");
}

/// Issue 6: the detectors fire on a seed known to fail under the paper protocol (seed 2: λ drifts
/// upward) and not on one known to converge (seed 1), by epoch 50.
#[test]
fn detectors_fire_on_a_failing_seed_and_not_on_a_good_one() {
    let run = |seed| {
        let mut c = TrainConfig::new(qcd::ID);
        c.seed = seed;
        let mut t = Trainer::new(c).unwrap();
        while t.epoch() < 51 {
            t.epoch_step().unwrap();
        }
        t
    };
    let good = run(1);
    assert_eq!(good.attempt(), 0, "{:?}", good.events());
    let bad = run(2);
    assert_eq!(bad.attempt(), 1);
    assert_eq!(bad.events()[0].epoch, 50);
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
        let truth = t.system().truth(t.config(), t.network()).unwrap();
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
