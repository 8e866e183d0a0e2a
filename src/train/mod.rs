//! Training: configuration, optimisers, recipes and the [`Trainer`] whose `step` the CLI, the
//! page and the tests all drive.

pub mod config;
pub mod ensemble;
pub mod optim;
pub mod recipe;
pub mod trainer;

pub use config::TrainConfig;
pub use optim::{OptKind, Optimizer};
pub use recipe::Recipe;
pub use trainer::{Diverged, Event, History, LossParts, StepInfo, Trainer};
