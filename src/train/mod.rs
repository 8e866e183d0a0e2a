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

/// The benchmark run of `adsdl bench` and the page's `bench`: the default system's protocol with
/// the raw recipe, so that every epoch does the same work.
pub fn bench_config() -> TrainConfig {
    TrainConfig {
        recipe: Recipe::Paper,
        ..TrainConfig::new(crate::systems::SystemId::default_system())
    }
}
