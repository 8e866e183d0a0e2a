//! Show how the pinned seeded run (tests/golden.rs) differs from the golden file, and with
//! `--write` replace the file. The only way the golden file changes: on purpose, with the
//! difference in front of you.
//!
//! `cargo run --release --example update_golden [-- --write]`

#[path = "../tests/golden/run.rs"]
mod run;

fn main() {
    let got = run::losses();
    let old: Vec<f64> = std::fs::read_to_string(run::PATH)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let mut same = old.len() == got.len();
    println!(
        "{:>5} {:>24} {:>24} {:>12}",
        "epoch", "golden", "now", "difference"
    );
    for (k, g) in got.iter().enumerate() {
        let o = old.get(k).copied();
        same &= o == Some(*g);
        println!(
            "{:>5} {:>24} {:>24} {:>12.3e}",
            k + 1,
            o.map_or("—".into(), |v| format!("{v}")),
            format!("{g}"),
            o.map_or(f64::NAN, |v| g - v)
        );
    }
    if same {
        println!("identical: nothing to write");
    } else if std::env::args().any(|a| a == "--write") {
        std::fs::write(run::PATH, serde_json::to_string(&got).unwrap()).unwrap();
        println!("written to {}", run::PATH);
    } else {
        println!("differs; run with -- --write to replace {}", run::PATH);
    }
}
