//! The pinned run: QCD, seed 7, 100 points per class, batch 20, 3 epochs, recipe `restart` (P2's
//! rate throughout; the pin predates the default `fast`, which the trainer's tests check against
//! `restart` at twice the rate, bit for bit). Shared by the test (which only reads the golden
//! file) and `examples/update_golden.rs` (which alone writes it).

use adsdl::systems::qcd;
use adsdl::train::{Recipe, TrainConfig, Trainer};

/// Where the golden losses live.
pub const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/seed7_losses.json"
);

/// The per-epoch losses of the pinned run.
pub fn losses() -> Vec<f64> {
    let c = TrainConfig {
        seed: 7,
        per_class: 100,
        batch: 20,
        recipe: Recipe::Restart,
        ..TrainConfig::new(qcd::ID)
    };
    let mut t = Trainer::new(c).unwrap();
    for _ in 0..3 {
        t.epoch_step().unwrap();
    }
    t.history().loss.clone()
}
