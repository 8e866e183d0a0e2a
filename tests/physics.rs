//! Cross-module checks of the engine against docs/physics.md: exact gradients and the golden forward pass.
#![cfg(not(target_arch = "wasm32"))]

use adsdl::physics::{Network, Params, Regularizer, Sample, Workspace};
use adsdl::rng::Rng;
use adsdl::systems::qcd::{self, TABLE_II_H, TABLE_II_L, TABLE_II_LAMBDA};
use adsdl::systems::{ads_schwarzschild, SystemId, REGISTRY};
use adsdl::train::TrainConfig;

/// `per_class` training points of a system, from `rng`.
fn data_for(id: SystemId, net: &Network, per_class: usize, rng: &mut Rng) -> Vec<Sample> {
    let c = TrainConfig {
        per_class,
        ..TrainConfig::new(id)
    };
    id.system().training_data(&c, net, rng).unwrap()
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
    let scale = pairs.iter().fold(0.0f64, |m, &(_, fd)| m.max(fd.abs()));
    assert!(scale > 1e-6, "a gradient check needs a gradient: {pairs:?}");
    pairs
        .iter()
        .fold(0.0f64, |m, &(a, fd)| m.max((a - fd).abs()))
        / scale
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
    for sys in REGISTRY {
        let id = sys.id();
        let mut net = sys.network();
        net.substeps = 3;
        let mut rng = Rng::new(13, 0);
        let data = data_for(id, &net, 300, &mut rng);
        let c = TrainConfig::new(id);
        let p = match sys.truth(&c, &net) {
            Some(t) => t,
            None => Params {
                h: sys
                    .reference(&c, &net)
                    .at_layers
                    .iter()
                    .map(|&m| m * (1.0 + 0.05 * rng.normal()))
                    .collect(),
                lambda: 0.02,
                ads_radius: 3.4,
            },
        };
        let mut batch: Vec<Sample> = (0..30).map(|_| data[rng.below(data.len())]).collect();
        batch.extend(sys.bundled_points(&c));
        let err = gradient_error(&net, &all_regularizers(), &p, &batch, sys.train_couplings());
        assert!(err < 1e-6, "{id}: relative error {err:e}");
    }
}

#[test]
fn gradients_match_finite_differences_ads() {
    let sys = ads_schwarzschild::ID.system();
    let preset = sys.network();
    let truth = sys.truth(&TrainConfig::new(sys.id()), &preset).unwrap();
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
    let preset = qcd::ID.system().network();
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
        batch.extend(qcd::ID.system().bundled_points(&TrainConfig::new(qcd::ID)));
        let err = gradient_error(&preset, &all_regularizers(), &p, &batch, true);
        assert!(err < 1e-6, "trial {trial}: relative error {err:e}");
    }
}

#[test]
fn golden_forward_table_ii_gives_the_published_outputs() {
    // docs/physics.md §4, "Forward check".
    let sys = qcd::ID.system();
    let net = sys.network();
    let p = Params {
        h: TABLE_II_H.iter().map(|&(m, _)| m).collect(),
        lambda: 0.01243,
        ads_radius: 3.460,
    };
    let expected = [-0.0048, -0.0058, -0.0077, -0.0086, -0.0453, -0.1161];
    for (s, want) in sys
        .bundled_points(&TrainConfig::new(qcd::ID))
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
