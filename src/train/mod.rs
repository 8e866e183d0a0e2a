//! Training: configuration, optimisers, recipes and the [`Trainer`] whose `step` the CLI, the
//! page and the tests all drive.

pub mod config;
pub mod ensemble;
pub mod optim;
pub mod trainer;

pub use crate::systems::LossParts;
pub use crate::systems::Recipe;
pub use config::TrainConfig;
pub use optim::{OptKind, Optimizer};
pub use trainer::{Diverged, Event, History, StepInfo, Trainer};

/// The benchmark run of `adsdl bench` and the page's `bench`: the default system's protocol with
/// the raw recipe, so that every epoch does the same work.
pub fn bench_config() -> TrainConfig {
    TrainConfig {
        recipe: Recipe::Paper,
        ..TrainConfig::new(crate::systems::SystemId::default_system())
    }
}

/// How a run ended, as the CLI and the page report it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// Finite, with loss ≤ the keep-cut.
    Converged {
        /// The loss over the training set as one batch.
        loss: f64,
        /// The cut.
        cut: f64,
    },
    /// Finite, but the loss is above the cut.
    NotConverged {
        /// The loss over the training set as one batch.
        loss: f64,
        /// The cut.
        cut: f64,
    },
    /// A step diverged; the parameters are the last finite ones.
    Diverged {
        /// What went wrong, and when.
        message: String,
    },
}

impl Verdict {
    /// The verdict on a trainer's current state (`diverged`: the message of a divergence that
    /// stopped it), against the cut `cut`.
    pub fn of(t: &Trainer, diverged: Option<&str>, cut: f64) -> Verdict {
        let loss = t.full_loss().total();
        match diverged {
            Some(m) => Verdict::Diverged {
                message: m.to_string(),
            },
            None if !(loss.is_finite() && t.theta().iter().all(|v| v.is_finite())) => {
                Verdict::Diverged {
                    message: format!("the loss is {loss}"),
                }
            }
            None if loss <= cut => Verdict::Converged { loss, cut },
            None => Verdict::NotConverged { loss, cut },
        }
    }

    /// Whether the run converged.
    pub fn ok(&self) -> bool {
        matches!(self, Verdict::Converged { .. })
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Converged { loss, cut } => write!(f, "converged: loss {loss:.4} ≤ {cut}"),
            Verdict::NotConverged { loss, cut } => {
                write!(f, "NOT converged: loss {loss:.4} > {cut}")
            }
            Verdict::Diverged { message } => write!(f, "DIVERGED: {message}"),
        }
    }
}
