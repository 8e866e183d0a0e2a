//! The per-epoch losses of one small seeded run, pinned in `tests/golden/seed7_losses.json`.
//! The wasm test (`tests/web_browser.rs`) compares the page's engine with the same file, so
//! "same seed, same run" is checked bit for bit across native and WebAssembly.
//! Regenerate after an intended numerical change with `UPDATE_GOLDEN=1 cargo test --test golden`.
#![cfg(not(target_arch = "wasm32"))]

use adsdl::systems::qcd;
use adsdl::train::{TrainConfig, Trainer};

#[test]
fn seeded_losses_match_the_golden_file() {
    let mut c = TrainConfig::new(qcd::ID);
    c.seed = 7;
    c.per_class = 100;
    c.batch = 20;
    let mut t = Trainer::new(c).unwrap();
    for _ in 0..3 {
        t.epoch_step().unwrap();
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/seed7_losses.json"
    );
    let got = serde_json::to_string(&t.history().loss).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &got).unwrap();
    }
    let want: Vec<f64> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(t.history().loss, want, "native run differs from {path}");
}
