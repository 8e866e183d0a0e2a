//! The run configuration. Its fields are declared as settings in [`crate::settings::SETTINGS`],
//! from which the CLI, the URL, the page's controls and the checks follow.

use super::optim::OptKind;
use crate::physics::{RegChoice, Regularizer};
use crate::points::{validate_measurements, Measured};
use crate::systems::custom::{by_point, validate_metric, MetricPoint};
use crate::systems::{Inputs, Recipe, Setup, System, SystemId, REGISTRY};
use serde::{Deserialize, Serialize};

/// Everything that determines a training run. Same configuration → bit-identical run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The physical system.
    pub preset: SystemId,
    /// Seed of data, initialisation and shuffling.
    pub seed: u64,
    /// Learning rate.
    pub lr: f64,
    /// Mini-batch size.
    pub batch: usize,
    /// Epochs to train (the CLI stops there; the page keeps going until paused).
    pub epochs: usize,
    /// With the restart recipe, a run not yet converged after `epochs` goes on training, up to
    /// this many epochs in all (docs/physics.md §4): `epochs` is the protocol, this the budget.
    #[serde(default = "default_max_epochs")]
    pub max_epochs: usize,
    /// Optimiser.
    pub optimizer: OptKind,
    /// Regulariser family.
    pub reg: RegChoice,
    /// Its strength c.
    pub reg_c: f64,
    /// Training recipe (restart runs the system's failure detector judges dead ends, or not).
    pub recipe: Recipe,
    /// Positive and negative training points each.
    pub per_class: usize,
    /// Euler sub-steps per layer (1: the papers' network).
    #[serde(default = "one")]
    pub substeps: usize,
    /// The user's own measurements (systems that accept them); `None`: the system's own data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<Measured>>,
    /// The user's own metric (systems that accept one); `None`: the system's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Vec<MetricPoint>>,
    /// The user's own table (systems with an input table, e.g. the mesons' towers, as CSV);
    /// `None`: the system's own data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

impl TrainConfig {
    /// The system's protocol, with this project's default regulariser and recipe.
    pub fn new(preset: SystemId) -> Self {
        let sys = preset.system();
        let d = sys.defaults();
        TrainConfig {
            preset,
            seed: 1,
            lr: d.lr,
            batch: d.batch,
            epochs: d.epochs,
            max_epochs: default_max_epochs(),
            optimizer: OptKind::Adam,
            reg: d.reg,
            reg_c: sys.default_reg_c(d.reg),
            recipe: d.recipe,
            per_class: d.per_class,
            substeps: 1,
            data: None,
            metric: None,
            table: None,
        }
    }

    /// The regulariser strengths this configuration trains with.
    pub fn regularizer(&self) -> Regularizer {
        self.preset.system().regularizer(self.reg, self.reg_c)
    }

    /// What the system's model is made from (besides the seed).
    pub fn setup(&self) -> Setup<'_> {
        Setup {
            inputs: self.inputs(),
            substeps: self.substeps,
            reg: self.regularizer(),
        }
    }

    /// What the system reads to make the data and the reference.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            per_class: self.per_class,
            data: self.data.as_deref(),
            metric: self.metric.as_deref(),
            table: self.table.as_deref(),
        }
    }

    /// Check every field; the message names the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        crate::settings::check_ranges(&serde_json::json!({ "config": self }))?;
        validate_for_system(self)?;
        if let Some(d) = &self.data {
            validate_measurements(d).map_err(|e| e.of("data"))?;
        }
        if let Some(m) = &self.metric {
            validate_metric(m, &by_point).map_err(|e| e.of("metric"))?;
        }
        // The probe network's training set is 2·per_class points; other models bring their own.
        if self.preset.system().probe().is_some() && self.batch > 2 * self.per_class {
            return Err(format!(
                "batch = {} is larger than the training set ({} points)",
                self.batch,
                2 * self.per_class
            ));
        }
        Ok(())
    }
}

/// Checks of a configuration that depend on the system: regulariser family and inputs.
fn validate_for_system(c: &TrainConfig) -> Result<(), String> {
    let sys = c.preset.system();
    if !sys.reg_choices().contains(&c.reg) {
        return Err(format!(
            "reg = {} is not offered for {} (choose {})",
            c.reg.name(),
            c.preset,
            sys.reg_choices()
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let who = |f: fn(&dyn System) -> bool| {
        REGISTRY
            .iter()
            .filter(|s| f(**s))
            .map(|s| s.id().name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if c.data.is_some() && !sys.accepts_measurements() {
        return Err(format!(
            "own data are for the {} preset (m_q, condensate)",
            who(|s| s.accepts_measurements())
        ));
    }
    if let Some(text) = &c.table {
        let table = sys.input_table().ok_or_else(|| {
            format!(
                "a data table is read only by the {} preset",
                who(|s| s.input_table().is_some())
            )
        })?;
        (table.check)(text).map_err(|e| e.of("data").to_string())?;
    }
    if c.metric.is_some() && !sys.accepts_metric() {
        return Err(format!(
            "a metric is given only to the {} preset",
            who(|s| s.accepts_metric())
        ));
    }
    Ok(())
}

fn one() -> usize {
    1
}

/// The budget of a slow run: 5000 epochs, where every one of the 100 unseen seeds 1001–1100
/// that had reached the metric still held it (docs/findings.md, "Every press of Play").
fn default_max_epochs() -> usize {
    5000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_systems_defaults_are_valid() {
        for s in REGISTRY {
            let c = TrainConfig::new(s.id());
            c.validate().unwrap_or_else(|e| panic!("{}: {e}", s.id()));
        }
    }

    #[test]
    fn a_regulariser_the_system_does_not_offer_is_named() {
        // QCD's wall is not a vacuum solution: the Einstein condition is not offered there.
        let qcd = crate::systems::qcd::ID;
        assert!(!qcd.system().reg_choices().contains(&RegChoice::Einstein));
        let c = TrainConfig {
            reg: RegChoice::Einstein,
            ..TrainConfig::new(qcd)
        };
        let e = c.validate().unwrap_err();
        assert!(e.contains("einstein") && e.contains("not offered"), "{e}");
    }
}
