//! AdS-Schwarzschild in d = 3 (P1; docs/physics.md §3): a test with a known answer,
//! h(η) = 3 coth 3η, with data made by the true discretised metric.

use super::{
    probe::{self, field_data},
    Block, DataPlane, Defaults, Inputs, Mark, Model, ProbeSystem, Recipe, Reference, Setup, System,
    SystemId,
};
use crate::chart_kind::ChartKind;
use crate::physics::{Boundary, Bulk, Network, Params, RegChoice, Sample};
use crate::rng::Rng;

/// The system's identifier.
pub const ID: SystemId = SystemId::new("ads-schwarzschild");

/// Sampling box of the data: φ ∈ [0, 1.5], π ∈ [−0.2, 0.2] at η_ini (docs/physics.md §3).
pub const FIELD_BOX: [[f64; 2]; 2] = [[0.0, 1.5], [-0.2, 0.2]];

/// Centre of the positive band at η_ini for the true metric (docs/physics.md §3).
pub const BAND_CENTRE: [(f64, f64); 7] = [
    (0.05, -0.016),
    (0.25, -0.072),
    (0.55, -0.113),
    (0.75, -0.092),
    (0.95, -0.025),
    (1.05, 0.028),
    (1.25, 0.173),
];

/// The geometry shared by the field-boundary systems: d = 3, m² = −1, N = 10, η from 1 to 0.1.
pub fn field_network() -> Network {
    Network {
        bulk: Bulk {
            d: 3,
            m2: -1.0,
            layers: 10,
            eta_ini: 1.0,
            eta_fin: 0.1,
        },
        boundary: Boundary::Field,
        substeps: 1,
    }
}

/// The true metric h(η) = 3 coth 3η.
pub fn true_h(eta: f64) -> f64 {
    3.0 / libm::tanh(3.0 * eta)
}

/// h_k ~ N(1/η_k, 1), λ = 1 fixed (P1).
pub fn field_init(network: &Network, rng: &mut Rng) -> Params {
    Params {
        h: (0..network.bulk.layers)
            .map(|k| 1.0 / network.bulk.eta(k) + rng.normal())
            .collect(),
        lambda: 1.0,
        ads_radius: 1.0,
    }
}

/// The data plane of a field-boundary system with its marked points.
pub fn field_plane(title: &'static str, marks: Vec<Mark>, marks_label: &'static str) -> DataPlane {
    DataPlane {
        x: (FIELD_BOX[0][0], FIELD_BOX[0][1]),
        y: (FIELD_BOX[1][0], FIELD_BOX[1][1]),
        x_desc: "φ(η_ini)",
        y_desc: "π(η_ini)",
        title,
        marks,
        marks_label,
    }
}

/// AdS-Schwarzschild (P1).
#[derive(Debug)]
pub struct AdsSchwarzschild;

impl System for AdsSchwarzschild {
    fn id(&self) -> SystemId {
        ID
    }
    fn title(&self) -> &'static str {
        crate::i18n::t("system.ads-schwarzschild.title")
    }
    fn short_title(&self) -> &'static str {
        crate::i18n::t("system.ads-schwarzschild.short")
    }
    fn defaults(&self) -> Defaults {
        Defaults {
            lr: 0.003,
            batch: 10,
            epochs: 500,
            per_class: 1000,
            // The exact Einstein condition recovers the horizon layers the data cannot fix.
            reg: RegChoice::Einstein,
            recipe: Recipe::Paper,
        }
    }
    fn reg_choices(&self) -> &'static [RegChoice] {
        &[RegChoice::Paper, RegChoice::Einstein, RegChoice::Curvature]
    }
    /// P1's 3·10⁻³ for the difference penalties; 100 for the Einstein residual (docs/findings.md).
    fn default_reg_c(&self, reg: RegChoice) -> f64 {
        match reg {
            RegChoice::Einstein => 100.0,
            RegChoice::Paper | RegChoice::Curvature => 3e-3,
        }
    }
    fn charts(&self) -> &'static [ChartKind] {
        &[
            ChartKind::Metric,
            ChartKind::Data,
            ChartKind::Loss,
            ChartKind::Spectrum,
        ]
    }
    fn model(&self, setup: &Setup, rng: &mut Rng) -> Result<Box<dyn Model>, String> {
        probe::model(&AdsSchwarzschild, setup, rng)
    }
    fn blocks(&self) -> Vec<Block> {
        probe::system_blocks(self)
    }
    fn probe(&self) -> Option<&dyn ProbeSystem> {
        Some(self)
    }
}

impl ProbeSystem for AdsSchwarzschild {
    fn network(&self) -> Network {
        field_network()
    }
    fn init_params(&self, network: &Network, rng: &mut Rng) -> Params {
        field_init(network, rng)
    }
    fn training_data(
        &self,
        inputs: &Inputs,
        network: &Network,
        rng: &mut Rng,
    ) -> Result<Vec<Sample>, String> {
        let truth = self.truth(inputs, network).expect("the answer is known");
        field_data(network, &truth, FIELD_BOX, inputs.per_class, rng)
            .ok_or_else(|| "too few positive points in the sampling box".into())
    }
    fn truth(&self, _inputs: &Inputs, network: &Network) -> Option<Params> {
        Some(Params {
            h: network.bulk.etas().into_iter().map(true_h).collect(),
            lambda: 1.0,
            ads_radius: 1.0,
        })
    }
    fn reference_caption(&self) -> &'static str {
        crate::i18n::t("system.ads-schwarzschild.caption")
    }
    fn reference(&self, inputs: &Inputs, network: &Network) -> Reference {
        let b = &network.bulk;
        Reference {
            label: crate::i18n::t("system.ads-schwarzschild.reference"),
            csv_column: "h_true",
            at_layers: self.truth(inputs, network).expect("known").h,
            curve: (0..=60)
                .map(|i| b.eta_fin + (b.eta_ini - b.eta_fin) * i as f64 / 60.0)
                .map(|e| (e, true_h(e)))
                .collect(),
            band: None,
            mark_layers: true,
            h_max: 20.0,
        }
    }
    fn bundled_points(&self, _inputs: &Inputs) -> Vec<Sample> {
        BAND_CENTRE
            .iter()
            .map(|&(phi, pi)| Sample {
                x: [phi, pi],
                y: 0.0,
            })
            .collect()
    }
    fn input_columns(&self) -> [&'static str; 2] {
        ["phi", "pi"]
    }
    fn data_plane(&self, _inputs: &Inputs) -> DataPlane {
        field_plane(
            crate::i18n::t("system.ads-schwarzschild.plane"),
            BAND_CENTRE
                .iter()
                .map(|&(x, y)| Mark { x, y, error: None })
                .collect(),
            crate::i18n::t("system.ads-schwarzschild.marks"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> Inputs<'static> {
        Inputs {
            per_class: 200,
            ..Inputs::default()
        }
    }

    #[test]
    fn grid_is_the_papers() {
        assert!((field_network().bulk.eta(9) - 0.19).abs() < 1e-12);
    }

    #[test]
    fn true_metric_matches_physics_table() {
        let t = AdsSchwarzschild.truth(&inputs(), &field_network()).unwrap();
        let table = [
            3.015, 3.026, 3.044, 3.076, 3.132, 3.230, 3.405, 3.731, 4.374, 5.821,
        ];
        for (a, b) in t.h.iter().zip(table) {
            assert!((a - b).abs() < 6e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn data_are_balanced_and_labelled_by_the_true_metric() {
        let net = field_network();
        let c = Inputs {
            per_class: 200,
            ..Inputs::default()
        };
        let d = AdsSchwarzschild
            .training_data(&c, &net, &mut Rng::new(1, 0))
            .unwrap();
        assert_eq!(d.len(), 400);
        assert_eq!(d.iter().filter(|s| s.y == 0.0).count(), 200);
        let truth = AdsSchwarzschild.truth(&c, &net).unwrap();
        for s in &d {
            assert_eq!(net.forward(&truth, s.x)[1].abs() < 0.1, s.y == 0.0);
        }
    }

    #[test]
    fn band_centre_points_are_positive_for_the_true_metric() {
        let net = field_network();
        let truth = AdsSchwarzschild.truth(&inputs(), &net).unwrap();
        for s in AdsSchwarzschild.bundled_points(&inputs()) {
            let f = net.forward(&truth, s.x)[1];
            assert!(f.abs() < 0.1, "{:?} gives F = {f}", s.x);
        }
    }
}
