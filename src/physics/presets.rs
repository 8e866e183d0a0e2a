//! The two presets of PHYSICS.md: AdS-Schwarzschild (P1, a known answer) and lattice QCD (P2).

use super::lattice::{polyfit, polyval, TABLE_I};
use super::network::{Boundary, Bulk, Network, Params, Sample};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which physical system the network models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PresetId {
    /// d = 3 AdS-Schwarzschild with the known answer h = 3 coth 3η (PHYSICS.md §3).
    AdsSchwarzschild,
    /// Lattice QCD at T = 207 MeV (PHYSICS.md §4).
    Qcd,
}

impl PresetId {
    /// Every preset, in menu order.
    pub const ALL: [PresetId; 2] = [PresetId::Qcd, PresetId::AdsSchwarzschild];

    /// The name used on the command line, in URLs and in model files.
    pub fn name(self) -> &'static str {
        match self {
            PresetId::AdsSchwarzschild => "ads-schwarzschild",
            PresetId::Qcd => "qcd",
        }
    }
}

impl fmt::Display for PresetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PresetId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PresetId::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| format!("unknown preset '{s}' (expected 'qcd' or 'ads-schwarzschild')"))
    }
}

/// Which regulariser family to train with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegChoice {
    /// The papers' E_smooth (+ E_bdry for QCD) with their c.
    Paper,
    /// The exact-on-the-grid Einstein condition (AdS-Schwarzschild only; it forbids the QCD wall).
    Einstein,
    /// Second differences (η⁴-weighted like the paper's first differences; + E_bdry for QCD).
    Curvature,
}

impl RegChoice {
    /// Name on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            RegChoice::Paper => "paper",
            RegChoice::Einstein => "einstein",
            RegChoice::Curvature => "curvature",
        }
    }
}

impl FromStr for RegChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "paper" => Ok(RegChoice::Paper),
            "einstein" => Ok(RegChoice::Einstein),
            "curvature" => Ok(RegChoice::Curvature),
            _ => Err(format!(
                "unknown regulariser '{s}' (expected 'paper', 'einstein' or 'curvature')"
            )),
        }
    }
}

/// Defaults of the papers' training protocols.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainDefaults {
    /// Adam learning rate.
    pub lr: f64,
    /// Mini-batch size.
    pub batch: usize,
    /// Number of epochs.
    pub epochs: usize,
    /// Positive and negative samples each.
    pub per_class: usize,
}

/// A preset: network, regulariser, trainable set, initialisation and data.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Which one.
    pub id: PresetId,
    /// Geometry and boundary map.
    pub network: Network,
    /// Whether λ and L are trained (QCD) or fixed (AdS-Schwarzschild: λ = 1).
    pub train_couplings: bool,
    /// Training defaults.
    pub defaults: TrainDefaults,
}

/// P2 Table II: mean and sd of h_k over 8 runs (PHYSICS.md §4).
pub const TABLE_II_H: [(f64, f64); 15] = [
    (3.0818, 0.0081),
    (2.296, 0.016),
    (1.464, 0.025),
    (0.627, 0.035),
    (-0.141, 0.045),
    (-0.727, 0.049),
    (-0.974, 0.043),
    (-0.687, 0.032),
    (0.374, 0.087),
    (2.50, 0.19),
    (6.03, 0.30),
    (11.46, 0.35),
    (19.47, 0.27),
    (31.07, 0.17),
    (46.70, 0.52),
];
/// P2: λ = 0.01243(60).
pub const TABLE_II_LAMBDA: (f64, f64) = (0.01243, 0.00060);
/// P2: L = 3.460(21) GeV⁻¹.
pub const TABLE_II_L: (f64, f64) = (3.460, 0.021);

/// Sampling box of the QCD training data: m_q ∈ [0, 0.022] GeV, ⟨q̄q⟩ ∈ [0, 0.11] GeV³.
pub const QCD_BOX: [f64; 2] = [0.022, 0.11];
/// Standard deviation of the random band half-width ν (PHYSICS.md §4).
pub const QCD_NU_SD: f64 = 0.004;
/// Sampling box of the AdS-Schwarzschild data: φ ∈ [0, 1.5], π ∈ [−0.2, 0.2].
pub const ADS_BOX: [[f64; 2]; 2] = [[0.0, 1.5], [-0.2, 0.2]];

impl Preset {
    /// The preset with the papers' conventions.
    pub fn get(id: PresetId) -> Preset {
        match id {
            PresetId::AdsSchwarzschild => Preset {
                id,
                network: Network {
                    bulk: Bulk {
                        d: 3,
                        m2: -1.0,
                        layers: 10,
                        eta_ini: 1.0,
                        eta_fin: 0.1,
                    },
                    boundary: Boundary::Field,
                    substeps: 1,
                },
                train_couplings: false,
                defaults: TrainDefaults {
                    lr: 0.003,
                    batch: 10,
                    epochs: 500,
                    per_class: 1000,
                },
            },
            PresetId::Qcd => Preset {
                id,
                network: Network {
                    bulk: Bulk {
                        d: 4,
                        m2: -3.0,
                        layers: 15,
                        eta_ini: 1.0,
                        eta_fin: 1.0 / 15.0,
                    },
                    boundary: Boundary::Qcd,
                    substeps: 1,
                },
                train_couplings: true,
                defaults: TrainDefaults {
                    lr: 0.002,
                    batch: 100,
                    epochs: 1500,
                    per_class: 10_000,
                },
            },
        }
    }

    /// The default regulariser family: the exact Einstein condition for AdS-Schwarzschild (it
    /// recovers the horizon layers the data cannot fix, see README), the paper's for QCD.
    pub fn default_reg_choice(&self) -> RegChoice {
        match self.id {
            PresetId::AdsSchwarzschild => RegChoice::Einstein,
            PresetId::Qcd => RegChoice::Paper,
        }
    }

    /// Random initial parameters: h_k ~ N(1/η_k, 1) (P1) or N(4, 3²), λ = 0.2, L = 0.8 GeV⁻¹ (P2).
    pub fn init_params(&self, rng: &mut Rng) -> Params {
        let bulk = &self.network.bulk;
        match self.id {
            PresetId::AdsSchwarzschild => Params {
                h: (0..bulk.layers)
                    .map(|k| 1.0 / bulk.eta(k) + rng.normal())
                    .collect(),
                lambda: 1.0,
                ads_radius: 1.0,
            },
            PresetId::Qcd => Params {
                h: (0..bulk.layers).map(|_| 4.0 + 3.0 * rng.normal()).collect(),
                lambda: 0.2,
                ads_radius: 0.8,
            },
        }
    }

    /// The true discretised metric h_k = 3 coth(3η_k), λ = 1 (AdS-Schwarzschild only).
    pub fn true_params(&self) -> Option<Params> {
        (self.id == PresetId::AdsSchwarzschild).then(|| Params {
            h: self
                .network
                .bulk
                .etas()
                .iter()
                .map(|&e| 3.0 / libm::tanh(3.0 * e))
                .collect(),
            lambda: 1.0,
            ads_radius: 1.0,
        })
    }

    /// Generate the training set (PHYSICS.md §3, §4): `per_class` positive and negative points.
    pub fn training_data(&self, per_class: usize, rng: &mut Rng) -> Vec<Sample> {
        match self.id {
            PresetId::AdsSchwarzschild => {
                let truth = self.true_params().expect("AdS preset has a true metric");
                collect_balanced(per_class, || {
                    let x = [
                        rng.range(ADS_BOX[0][0], ADS_BOX[0][1]),
                        rng.range(ADS_BOX[1][0], ADS_BOX[1][1]),
                    ];
                    let f = self.network.forward(&truth, x)[1];
                    (x, f.abs() < 0.1)
                })
                .expect("2.5 % of uniform draws are positive")
            }
            PresetId::Qcd => {
                let pts: Vec<[f64; 2]> = TABLE_I
                    .iter()
                    .map(|p| [p.m_q_gev(), p.condensate_gev3()])
                    .collect();
                qcd_training_data(&pts, QCD_BOX, QCD_NU_SD, per_class, rng)
                    .expect("Table I determines a cubic")
            }
        }
    }

    /// The preset's own reference points, all labelled positive: the six lattice points (QCD) or
    /// the centre of the positive band at η_ini (AdS-Schwarzschild, PHYSICS.md §3).
    pub fn bundled_points(&self) -> Vec<Sample> {
        match self.id {
            PresetId::Qcd => TABLE_I
                .iter()
                .map(|p| Sample {
                    x: [p.m_q_gev(), p.condensate_gev3()],
                    y: 0.0,
                })
                .collect(),
            PresetId::AdsSchwarzschild => [
                (0.05, -0.016),
                (0.25, -0.072),
                (0.55, -0.113),
                (0.75, -0.092),
                (0.95, -0.025),
                (1.05, 0.028),
                (1.25, 0.173),
            ]
            .iter()
            .map(|&(phi, pi)| Sample {
                x: [phi, pi],
                y: 0.0,
            })
            .collect(),
        }
    }
}

/// Draw until both classes hold `per_class` points; positives first, then negatives
/// (the trainer shuffles). `draw` returns a point and whether it is positive.
/// `None` when a class stays too rare to fill (user data whose curve leaves the box).
fn collect_balanced(
    per_class: usize,
    mut draw: impl FnMut() -> ([f64; 2], bool),
) -> Option<Vec<Sample>> {
    let (mut pos, mut neg) = (Vec::with_capacity(per_class), Vec::with_capacity(per_class));
    // P1's positives are ~2.5 % of draws, P2's ~10 %: a thousandfold margin.
    let max_draws = 40_000 * per_class as u64 + 1_000_000;
    let mut draws = 0u64;
    while pos.len() < per_class || neg.len() < per_class {
        draws += 1;
        if draws > max_draws {
            return None;
        }
        let (x, positive) = draw();
        if positive && pos.len() < per_class {
            pos.push(Sample { x, y: 0.0 });
        } else if !positive && neg.len() < per_class {
            neg.push(Sample { x, y: 1.0 });
        }
    }
    pos.extend(neg);
    Some(pos)
}

/// QCD training data from measured points (m_q [GeV], ⟨q̄q⟩ [GeV³]) (PHYSICS.md §4): fit a cubic
/// f(m_q), draw uniformly in [0, box₀] × [0, box₁]; positive when |⟨q̄q⟩ − f(m_q)| < |ν|,
/// ν ~ N(0, nu_sd²) (P2: 0.004 GeV³) drawn afresh for each point. `None` when no cubic fits
/// (fewer than 4 distinct masses) or the curve leaves too few positives in the box.
pub fn qcd_training_data(
    points: &[[f64; 2]],
    bx: [f64; 2],
    nu_sd: f64,
    per_class: usize,
    rng: &mut Rng,
) -> Option<Vec<Sample>> {
    let xs: Vec<f64> = points.iter().map(|p| p[0]).collect();
    let ys: Vec<f64> = points.iter().map(|p| p[1]).collect();
    let c = polyfit(&xs, &ys, 3)?;
    collect_balanced(per_class, || {
        let m = rng.range(0.0, bx[0]);
        let q = rng.range(0.0, bx[1]);
        let nu = nu_sd * rng.normal();
        ([m, q], (q - polyval(&c, m)).abs() < nu.abs())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_the_papers() {
        let a = Preset::get(PresetId::AdsSchwarzschild);
        assert!((a.network.bulk.eta(9) - 0.19).abs() < 1e-12);
        let q = Preset::get(PresetId::Qcd);
        assert!((q.network.bulk.deta() + 0.062_222_222).abs() < 1e-8);
    }

    #[test]
    fn true_metric_matches_physics_table() {
        let t = Preset::get(PresetId::AdsSchwarzschild)
            .true_params()
            .unwrap();
        let table = [
            3.015, 3.026, 3.044, 3.076, 3.132, 3.230, 3.405, 3.731, 4.374, 5.821,
        ];
        for (a, b) in t.h.iter().zip(table) {
            assert!((a - b).abs() < 6e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn data_are_balanced_and_labelled_by_the_true_metric() {
        let p = Preset::get(PresetId::AdsSchwarzschild);
        let d = p.training_data(200, &mut Rng::new(1, 0));
        assert_eq!(d.len(), 400);
        assert_eq!(d.iter().filter(|s| s.y == 0.0).count(), 200);
        let truth = p.true_params().unwrap();
        for s in &d {
            assert_eq!(p.network.forward(&truth, s.x)[1].abs() < 0.1, s.y == 0.0);
        }
    }

    #[test]
    fn band_centre_points_are_positive_for_the_true_metric() {
        let p = Preset::get(PresetId::AdsSchwarzschild);
        let truth = p.true_params().unwrap();
        for s in p.bundled_points() {
            let f = p.network.forward(&truth, s.x)[1];
            assert!(f.abs() < 0.1, "{:?} gives F = {f}", s.x);
        }
    }

    #[test]
    fn qcd_positives_hug_the_fitted_curve() {
        let p = Preset::get(PresetId::Qcd);
        let d = p.training_data(500, &mut Rng::new(2, 0));
        let pts: Vec<f64> = TABLE_I.iter().map(|p| p.m_q_gev()).collect();
        let ys: Vec<f64> = TABLE_I.iter().map(|p| p.condensate_gev3()).collect();
        let c = polyfit(&pts, &ys, 3).unwrap();
        let far = d
            .iter()
            .filter(|s| s.y == 0.0 && (s.x[1] - polyval(&c, s.x[0])).abs() > 0.016)
            .count();
        assert_eq!(
            far, 0,
            "4 sd of ν is the widest a positive can be (almost surely)"
        );
    }
}
