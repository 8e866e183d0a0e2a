//! Cross-module checks of the engine against docs/physics.md: exact gradients and the golden forward pass.
#![cfg(not(target_arch = "wasm32"))]

use adsdl::physics::{Network, Params, Regularizer, Sample, Workspace};
use adsdl::rng::Rng;
use adsdl::systems::model::trained_mask;
use adsdl::systems::qcd::{self, TABLE_II_H, TABLE_II_L, TABLE_II_LAMBDA};
use adsdl::systems::{ads_schwarzschild, Model, ProbeSystem, SystemId, REGISTRY};
use adsdl::train::TrainConfig;

/// The probe-network system behind `id`.
fn probe(id: SystemId) -> &'static dyn ProbeSystem {
    id.system().probe().expect("a probe system")
}

/// `per_class` training points of a system, from `rng`.
fn data_for(id: SystemId, net: &Network, per_class: usize, rng: &mut Rng) -> Vec<Sample> {
    let c = TrainConfig {
        per_class,
        ..TrainConfig::new(id)
    };
    probe(id).training_data(&c.inputs(), net, rng).unwrap()
}

/// Full loss (data + regulariser) and its analytic gradient.
fn loss_grad(net: &Network, reg: &Regularizer, p: &Params, batch: &[Sample]) -> (f64, Params) {
    let mut g = p.zeros_like();
    let mut ws = Workspace::default();
    let d = net.batch_loss_grad(p, batch, &mut g, &mut ws).data_loss;
    let r = reg.loss_grad(&net.bulk, p, Some(&mut g));
    (d + r, g)
}

fn loss(net: &Network, reg: &Regularizer, p: &Params, batch: &[Sample]) -> f64 {
    net.batch_loss(p, batch).data_loss + reg.loss_grad(&net.bulk, p, None)
}

/// Max |analytic − FD| over (analytic, FD) pairs, relative to the largest FD component.
fn relative_error(pairs: &[(f64, f64)]) -> f64 {
    let scale = pairs.iter().fold(0.0f64, |m, &(_, fd)| m.max(fd.abs()));
    assert!(scale > 1e-6, "a gradient check needs a gradient: {pairs:?}");
    pairs
        .iter()
        .fold(0.0f64, |m, &(a, fd)| m.max((a - fd).abs()))
        / scale
}

/// Max |analytic − central FD| over all trainable parameters, relative to the largest FD component.
fn gradient_error(
    preset: &Network,
    reg: &Regularizer,
    p: &Params,
    batch: &[Sample],
    couplings: bool,
) -> f64 {
    let (_, g) = loss_grad(preset, reg, p, batch);
    let e = 1e-6;
    let mut pairs = Vec::new();
    for k in 0..p.h.len() {
        let (mut a, mut b) = (p.clone(), p.clone());
        a.h[k] += e;
        b.h[k] -= e;
        pairs.push((
            g.h[k],
            (loss(preset, reg, &a, batch) - loss(preset, reg, &b, batch)) / (2.0 * e),
        ));
    }
    if couplings {
        let (mut a, mut b) = (p.clone(), p.clone());
        a.lambda += e;
        b.lambda -= e;
        pairs.push((
            g.lambda,
            (loss(preset, reg, &a, batch) - loss(preset, reg, &b, batch)) / (2.0 * e),
        ));
        let (mut a, mut b) = (p.clone(), p.clone());
        a.ads_radius += e;
        b.ads_radius -= e;
        pairs.push((
            g.ads_radius,
            (loss(preset, reg, &a, batch) - loss(preset, reg, &b, batch)) / (2.0 * e),
        ));
    }
    relative_error(&pairs)
}

fn all_regularizers() -> Regularizer {
    Regularizer {
        smooth: 0.01,
        boundary: 0.02,
        einstein: 0.5,
        curvature: 0.03,
    }
}

#[test]
fn gradients_match_finite_differences_with_substeps_for_every_system() {
    for sys in REGISTRY.iter().filter_map(|s| s.probe()) {
        let id = sys.id();
        let mut net = sys.network();
        net.substeps = 3;
        let mut rng = Rng::new(13, 0);
        let data = data_for(id, &net, 300, &mut rng);
        let c = TrainConfig::new(id);
        let p = match sys.truth(&c.inputs(), &net) {
            Some(t) => t,
            None => Params {
                h: sys
                    .reference(&c.inputs(), &net)
                    .at_layers
                    .iter()
                    .map(|&m| m * (1.0 + 0.05 * rng.normal()))
                    .collect(),
                lambda: 0.02,
                ads_radius: 3.4,
            },
        };
        let mut batch: Vec<Sample> = (0..30).map(|_| data[rng.below(data.len())]).collect();
        batch.extend(sys.bundled_points(&c.inputs()));
        let err = gradient_error(&net, &all_regularizers(), &p, &batch, sys.train_couplings());
        assert!(err < 1e-6, "{id}: relative error {err:e}");
    }
}

#[test]
fn gradients_match_finite_differences_ads() {
    let sys = probe(ads_schwarzschild::ID);
    let preset = sys.network();
    let truth = sys
        .truth(&TrainConfig::new(sys.id()).inputs(), &preset)
        .unwrap();
    let mut rng = Rng::new(11, 0);
    let data = data_for(sys.id(), &preset, 300, &mut rng);
    for trial in 0..8 {
        let mut p = truth.clone();
        for h in &mut p.h {
            *h += 0.3 * rng.normal();
        }
        let batch: Vec<Sample> = (0..20).map(|_| data[rng.below(data.len())]).collect();
        let err = gradient_error(&preset, &all_regularizers(), &p, &batch, false);
        assert!(err < 1e-6, "trial {trial}: relative error {err:e}");
    }
}

#[test]
fn gradients_match_finite_differences_qcd() {
    let preset = probe(qcd::ID).network();
    let mut rng = Rng::new(12, 0);
    let data = data_for(qcd::ID, &preset, 500, &mut rng);
    for trial in 0..8 {
        let p = Params {
            h: TABLE_II_H
                .iter()
                .map(|&(m, _)| m * (1.0 + 0.1 * rng.normal()))
                .collect(),
            lambda: TABLE_II_LAMBDA.0 + 0.05 * rng.normal(),
            ads_radius: TABLE_II_L.0 * (1.0 + 0.05 * rng.normal()),
        };
        let mut batch: Vec<Sample> = (0..30).map(|_| data[rng.below(data.len())]).collect();
        batch.extend(probe(qcd::ID).bundled_points(&TrainConfig::new(qcd::ID).inputs()));
        let err = gradient_error(&preset, &all_regularizers(), &p, &batch, true);
        assert!(err < 1e-6, "trial {trial}: relative error {err:e}");
    }
}

#[test]
fn golden_forward_table_ii_gives_the_published_outputs() {
    // docs/physics.md §4, "Forward check".
    let sys = probe(qcd::ID);
    let net = sys.network();
    let p = Params {
        h: TABLE_II_H.iter().map(|&(m, _)| m).collect(),
        lambda: 0.01243,
        ads_radius: 3.460,
    };
    let expected = [-0.0048, -0.0058, -0.0077, -0.0086, -0.0453, -0.1161];
    for (s, want) in sys
        .bundled_points(&TrainConfig::new(qcd::ID).inputs())
        .iter()
        .zip(expected)
    {
        let f = net.forward(&p, s.x)[1];
        assert!(
            (f - want).abs() < 1e-4,
            "m_q = {}: π(η_fin) = {f:.5}, docs/physics.md says {want}",
            s.x[0]
        );
    }
}

/// The loss of a tiny network, computed here by hand from docs/physics.md (2.1)–(2.4) — layer
/// by layer, with the nonlinearity on the layer's input φ, the square of the batch-mean error
/// and E_smooth weighted by η⁴ of the EARLIER layer — against the engine. An off-by-one in the
/// η index, the wrong φ in the nonlinearity or a sum instead of a mean all fail here.
#[test]
fn the_loss_of_a_tiny_network_matches_a_hand_computation() {
    use adsdl::physics::{Boundary, Bulk};
    let net = Network {
        bulk: Bulk {
            d: 3,
            m2: -1.0,
            layers: 3,
            eta_ini: 1.0,
            eta_fin: 0.4,
        },
        boundary: Boundary::Field,
        substeps: 1,
    };
    let p = Params {
        h: vec![2.0, 3.0, 5.0],
        lambda: 0.5,
        ads_radius: 1.0,
    };
    let batch = [
        Sample {
            x: [0.3, -0.05],
            y: 0.0,
        },
        Sample {
            x: [1.0, 0.5],
            y: 1.0,
        },
        Sample {
            x: [0.6, 0.02],
            y: 1.0,
        },
    ];
    // By hand: Δη = (0.4 − 1)/3 = −0.2; η = 1, 0.8, 0.6.
    let (deta, m2, lam) = (-0.2, -1.0, 0.5);
    let f_of = |(mut phi, mut pi): (f64, f64)| {
        for h in [2.0, 3.0, 5.0] {
            let (phi0, pi0) = (phi, pi);
            phi = phi0 + deta * pi0;
            pi = pi0 - deta * (h * pi0 - m2 * phi0 - lam * phi0 * phi0 * phi0);
        }
        pi
    };
    let t = |f: f64| ((100.0 * (f - 0.1)).tanh() - (100.0 * (f + 0.1)).tanh() + 2.0) / 2.0;
    let err: f64 = batch
        .iter()
        .map(|s| (t(f_of((s.x[0], s.x[1]))) - s.y).abs())
        .sum::<f64>()
        / 3.0;
    let data = err * err;
    let c = 0.01;
    let smooth =
        c * (1.0f64.powi(4) * (3.0 - 2.0f64).powi(2) + 0.8f64.powi(4) * (5.0 - 3.0f64).powi(2));
    let got = net.batch_loss(&p, &batch).data_loss;
    assert!(
        (got - data).abs() < 1e-12,
        "data loss {got} vs {data} by hand"
    );
    let reg = Regularizer {
        smooth: c,
        ..Default::default()
    };
    let r = reg.loss_grad(&net.bulk, &p, None);
    assert!(
        (r - smooth).abs() < 1e-12,
        "E_smooth {r} vs {smooth} by hand"
    );
    // And the hand values are not trivial: every point contributes.
    assert!(data > 0.01 && data < 0.99, "{data}");
}

/// Max |analytic − central FD| over every trained entry of θ, relative to the largest FD
/// component, of any model through the seam ([`Model`]): what the trainer sees.
fn model_gradient_error(model: &mut dyn Model, theta: &[f64], batch: &[usize]) -> f64 {
    let mut g = vec![0.0; theta.len()];
    let mut scratch = g.clone();
    model.load(theta);
    model.loss_grad(batch, &mut g);
    let trained = trained_mask(model.blocks());
    let e = 1e-6;
    let mut pairs = Vec::new();
    for k in (0..theta.len()).filter(|&k| trained[k]) {
        let mut at = |d: f64| {
            let mut t = theta.to_vec();
            t[k] += d;
            model.load(&t);
            model.loss_grad(batch, &mut scratch).total()
        };
        pairs.push((g[k], (at(e) - at(-e)) / (2.0 * e)));
    }
    model.load(theta);
    relative_error(&pairs)
}

#[test]
fn every_systems_model_has_the_exact_gradient_through_the_seam() {
    for sys in REGISTRY {
        let mut c = TrainConfig::new(sys.id());
        c.per_class = 40;
        c.substeps = 2;
        let mut rng = Rng::new(11, 1);
        let mut model = sys.model(&c.setup(), &mut rng).unwrap();
        let mut theta = model.init(&mut rng);
        for v in &mut theta {
            *v *= 1.0 + 0.1 * rng.normal();
        }
        let batch: Vec<usize> = (0..model.items()).step_by(3).collect();
        let err = model_gradient_error(&mut *model, &theta, &batch);
        assert!(err < 1e-6, "{}: relative gradient error {err:e}", sys.id());
        // The layout the trainer steps: every block named once, lengths summing to θ.
        let blocks = model.blocks();
        assert_eq!(blocks.iter().map(|b| b.len).sum::<usize>(), theta.len());
        assert!(blocks.iter().any(|b| b.trained));
    }
}
