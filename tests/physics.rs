//! Cross-module checks of the engine against PHYSICS.md: exact gradients and the golden forward pass.
#![cfg(not(target_arch = "wasm32"))]

use adsdl::physics::presets::{TABLE_II_H, TABLE_II_L, TABLE_II_LAMBDA};
use adsdl::physics::{Params, Preset, PresetId, Regularizer, Sample, Workspace};
use adsdl::rng::Rng;

/// Full loss (data + regulariser) and its analytic gradient.
fn loss_grad(preset: &Preset, reg: &Regularizer, p: &Params, batch: &[Sample]) -> (f64, Params) {
    let mut g = p.zeros_like();
    let mut ws = Workspace::default();
    let d = preset
        .network
        .batch_loss_grad(p, batch, &mut g, &mut ws)
        .data_loss;
    let r = reg.loss_grad(&preset.network.bulk, p, Some(&mut g));
    (d + r, g)
}

fn loss(preset: &Preset, reg: &Regularizer, p: &Params, batch: &[Sample]) -> f64 {
    preset.network.batch_loss(p, batch).data_loss + reg.loss_grad(&preset.network.bulk, p, None)
}

/// Max |analytic − central FD| over all trainable parameters, relative to the largest FD component.
fn gradient_error(
    preset: &Preset,
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
fn gradients_match_finite_differences_with_substeps() {
    for id in [PresetId::AdsSchwarzschild, PresetId::Qcd] {
        let mut preset = Preset::get(id);
        preset.network.substeps = 3;
        let mut rng = Rng::new(13, 0);
        let data = preset.training_data(300, &mut rng);
        let p = match id {
            PresetId::Qcd => Params {
                h: TABLE_II_H
                    .iter()
                    .map(|&(m, _)| m * (1.0 + 0.05 * rng.normal()))
                    .collect(),
                lambda: 0.02,
                ads_radius: 3.4,
            },
            PresetId::AdsSchwarzschild => preset.true_params().unwrap(),
        };
        let mut batch: Vec<Sample> = (0..30).map(|_| data[rng.below(data.len())]).collect();
        batch.extend(preset.bundled_points());
        let err = gradient_error(
            &preset,
            &all_regularizers(),
            &p,
            &batch,
            id == PresetId::Qcd,
        );
        assert!(err < 1e-6, "{id}: relative error {err:e}");
    }
}

#[test]
fn gradients_match_finite_differences_ads() {
    let preset = Preset::get(PresetId::AdsSchwarzschild);
    let truth = preset.true_params().unwrap();
    let mut rng = Rng::new(11, 0);
    let data = preset.training_data(300, &mut rng);
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
    let preset = Preset::get(PresetId::Qcd);
    let mut rng = Rng::new(12, 0);
    let data = preset.training_data(500, &mut rng);
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
        batch.extend(preset.bundled_points());
        let err = gradient_error(&preset, &all_regularizers(), &p, &batch, true);
        assert!(err < 1e-6, "trial {trial}: relative error {err:e}");
    }
}

#[test]
fn golden_forward_table_ii_gives_the_published_outputs() {
    // PHYSICS.md §4, "Forward check".
    let preset = Preset::get(PresetId::Qcd);
    let p = Params {
        h: TABLE_II_H.iter().map(|&(m, _)| m).collect(),
        lambda: 0.01243,
        ads_radius: 3.460,
    };
    let expected = [-0.0048, -0.0058, -0.0077, -0.0086, -0.0453, -0.1161];
    for (s, want) in preset.bundled_points().iter().zip(expected) {
        let f = preset.network.forward(&p, s.x)[1];
        assert!(
            (f - want).abs() < 1e-4,
            "m_q = {}: π(η_fin) = {f:.5}, PHYSICS.md says {want}",
            s.x[0]
        );
    }
}
