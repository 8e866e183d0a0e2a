//! The run configuration: one typed schema for the CLI, the page's controls and its URL.

use super::optim::OptKind;
use super::recipe::Recipe;
use crate::physics::{Preset, PresetId, RegChoice, Regularizer};
use crate::points::{validate_measurements, Measured};
use serde::{Deserialize, Serialize};

/// Everything that determines a training run. Same configuration → bit-identical run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The physical system.
    pub preset: PresetId,
    /// Seed of data, initialisation and shuffling.
    pub seed: u64,
    /// Learning rate.
    pub lr: f64,
    /// Mini-batch size.
    pub batch: usize,
    /// Epochs to train (the CLI stops there; the page keeps going until paused).
    pub epochs: usize,
    /// Optimiser.
    pub optimizer: OptKind,
    /// Regulariser family.
    pub reg: RegChoice,
    /// Its strength c.
    pub reg_c: f64,
    /// Training recipe (QCD: restart failing runs, or the raw paper protocol).
    pub recipe: Recipe,
    /// Positive and negative training points each.
    pub per_class: usize,
    /// Euler sub-steps per layer (1: the papers' network).
    #[serde(default = "one")]
    pub substeps: usize,
    /// The user's own measurements (QCD only); `None` trains on P2 Table I.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<Measured>>,
}

/// Bounds every configuration must respect; the page clamps URL values to them.
pub mod limits {
    /// Learning rate range.
    pub const LR: (f64, f64) = (1e-6, 10.0);
    /// Batch size range.
    pub const BATCH: (usize, usize) = (1, 10_000);
    /// Epoch range.
    pub const EPOCHS: (usize, usize) = (1, 1_000_000);
    /// Regulariser strength range.
    pub const REG_C: (f64, f64) = (0.0, 1e4);
    /// Points per class.
    pub const PER_CLASS: (usize, usize) = (10, 200_000);
    /// Euler sub-steps per layer.
    pub const SUBSTEPS: (usize, usize) = (1, 64);
}

impl TrainConfig {
    /// The papers' protocol for a preset, with this project's default regulariser and recipe.
    pub fn new(preset: PresetId) -> Self {
        let p = Preset::get(preset);
        let reg = p.default_reg_choice();
        TrainConfig {
            preset,
            seed: 1,
            lr: p.defaults.lr,
            batch: p.defaults.batch,
            epochs: p.defaults.epochs,
            optimizer: OptKind::Adam,
            reg,
            reg_c: default_reg_c(preset, reg),
            recipe: Recipe::default_for(preset),
            per_class: p.defaults.per_class,
            substeps: 1,
            data: None,
        }
    }

    /// The regulariser strengths this configuration trains with.
    pub fn regularizer(&self) -> Regularizer {
        let c = self.reg_c;
        // QCD keeps E_bdry (the AdS asymptotics) with every family.
        let boundary = if self.preset == PresetId::Qcd { c } else { 0.0 };
        match self.reg {
            RegChoice::Paper => Regularizer {
                smooth: c,
                boundary,
                ..Default::default()
            },
            RegChoice::Einstein => Regularizer {
                einstein: c,
                ..Default::default()
            },
            RegChoice::Curvature => Regularizer {
                curvature: c,
                boundary,
                ..Default::default()
            },
        }
    }

    /// Check every field; the message names the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        fn in_range<T: PartialOrd + std::fmt::Display>(
            name: &str,
            v: T,
            (lo, hi): (T, T),
        ) -> Result<(), String> {
            if v >= lo && v <= hi {
                Ok(())
            } else {
                Err(format!(
                    "{name} = {v} is out of range (allowed {lo} … {hi})"
                ))
            }
        }
        if !self.lr.is_finite() {
            return Err("lr must be a finite number".into());
        }
        in_range("lr", self.lr, limits::LR)?;
        in_range("batch", self.batch, limits::BATCH)?;
        in_range("epochs", self.epochs, limits::EPOCHS)?;
        if !self.reg_c.is_finite() {
            return Err("reg_c must be a finite number".into());
        }
        in_range("reg_c", self.reg_c, limits::REG_C)?;
        in_range("per_class", self.per_class, limits::PER_CLASS)?;
        in_range("substeps", self.substeps, limits::SUBSTEPS)?;
        if self.preset == PresetId::Qcd && self.reg == RegChoice::Einstein {
            return Err("reg = einstein is for ads-schwarzschild only: the vacuum Einstein condition forbids the QCD wall".into());
        }
        if let Some(d) = &self.data {
            if self.preset != PresetId::Qcd {
                return Err("own data are for the qcd preset (m_q, condensate)".into());
            }
            validate_measurements(d).map_err(|e| format!("data: {e}"))?;
        }
        if self.batch > 2 * self.per_class {
            return Err(format!(
                "batch = {} is larger than the training set ({} points)",
                self.batch,
                2 * self.per_class
            ));
        }
        Ok(())
    }
}

fn one() -> usize {
    1
}

/// The default strength c of a regulariser family (P1: 3·10⁻³; P2: 0.01).
pub fn default_reg_c(preset: PresetId, reg: RegChoice) -> f64 {
    match (preset, reg) {
        (PresetId::Qcd, _) => 0.01,
        (PresetId::AdsSchwarzschild, RegChoice::Paper | RegChoice::Curvature) => 3e-3,
        (PresetId::AdsSchwarzschild, RegChoice::Einstein) => 100.0,
    }
}
