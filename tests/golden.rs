//! The per-epoch losses of one small seeded run, pinned in `tests/golden/seed7_losses.json`.
//! The wasm test (`tests/web_browser.rs`) compares the page's engine with the same file, so
//! "same seed, same run" is checked bit for bit across native and WebAssembly. The test never
//! writes the file: after an intended numerical change, `cargo run --example update_golden`
//! prints the difference and `-- --write` replaces it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "golden/run.rs"]
mod run;

#[test]
fn seeded_losses_match_the_golden_file() {
    let want: Vec<f64> =
        serde_json::from_str(&std::fs::read_to_string(run::PATH).unwrap()).unwrap();
    assert_eq!(run::losses(), want, "native run differs from {}", run::PATH);
}
