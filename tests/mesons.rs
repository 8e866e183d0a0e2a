//! The meson system (docs/physics.md §M): the soft wall recovered from its own towers, levels
//! converged in the grid and the wall, the PDG towers fitted, and the command line.
//!
//! The tolerances were read off seeds 1–4 (soft wall) and 21–28 (PDG); the seeds here are
//! others, and docs/physics.md §M.6 reports seeds 41–56.

use adsdl::systems::mesons::data::PDG;
use adsdl::systems::mesons::model::{MesonModel, GRID, Z_MAX};
use adsdl::systems::mesons::schrodinger::Grid;
use adsdl::systems::mesons::{self};
use adsdl::systems::Model;
use adsdl::train::{TrainConfig, Trainer};
use std::process::Command;

/// The soft wall's c \[GeV²\] of these tests: m² = 4c(n + S) puts ρ's ground state at 0.89 GeV.
const C: f64 = 0.2;

fn soft_wall_mass(spin: u32, n: u32) -> f64 {
    (4.0 * C * (n + spin) as f64).sqrt()
}

/// The soft wall's ρ tower n = 0–2 and a₂ tower n = 0–1, as a user's table.
fn soft_wall_table() -> String {
    let mut t = String::from("spin,n,mass_GeV\n");
    for (spin, top) in [(1, 2), (2, 1)] {
        for n in 0..=top {
            t += &format!("{spin},{n},{}\n", soft_wall_mass(spin, n));
        }
    }
    t
}

/// A run of the protocol (the system's defaults) on `table` (None: PDG).
fn train(table: Option<String>, seed: u64) -> Trainer {
    let c = TrainConfig {
        seed,
        table,
        ..TrainConfig::new(mesons::ID)
    };
    let epochs = c.epochs;
    let mut t = Trainer::new(c).unwrap();
    t.train_budget(epochs, |_| {}).expect("no divergence");
    t.keep_converged();
    t
}

fn meson_model(t: &Trainer) -> &MesonModel {
    t.model().as_any().downcast_ref().expect("the meson model")
}

#[test]
fn the_soft_wall_is_recovered_from_its_towers() {
    let t = train(Some(soft_wall_table()), 5);
    let m = meson_model(&t);
    // Trained masses within 0.5 %, the next state of each tower (held out) within 5 %.
    let (rho, a2) = (m.masses(1, 4), m.masses(2, 3));
    for (spin, tower, fitted) in [(1, &rho, 3), (2, &a2, 2)] {
        for (n, &mass) in tower.iter().enumerate() {
            let err = (mass / soft_wall_mass(spin, n as u32) - 1.0).abs();
            let bound = if n < fitted { 0.005 } else { 0.05 };
            assert!(err < bound, "S = {spin}, n = {n}: {mass} ({err:.2e})");
        }
    }
    // A = −ln z and Φ = cz² where the states live: the highest fitted level (ρ, n = 2) turns
    // at z = 2√(3/c) = 7.7 GeV⁻¹; up to z = 6 every fitted level has weight. Beyond, the data
    // say little and the prior decides.
    let z: Vec<f64> = (4..=24).map(|i| i as f64 * 0.25).collect();
    let (a, phi) = m.profile(&z);
    for ((&z, a), phi) in z.iter().zip(a).zip(phi) {
        let warp = a + z.ln();
        assert!(warp.abs() < 0.1, "z = {z}: A + ln z = {warp}");
        let soft = C * z * z;
        assert!(
            (phi - soft).abs() < 0.05 * soft + 0.02,
            "z = {z}: Φ = {phi}, cz² = {soft}"
        );
    }
}

#[test]
fn the_levels_do_not_move_with_the_grid_or_the_wall() {
    let t = train(None, 7);
    let theta = t.theta().to_vec();
    let masses = |grid: Grid| {
        let mut m = MesonModel::with_grid(PDG.to_vec(), 0.1, grid);
        m.load(&theta);
        let mut out = m.masses(1, 5);
        out.extend(m.masses(2, 4));
        out
    };
    let base = masses(Grid::new(Z_MAX, GRID));
    let finer = masses(Grid::new(Z_MAX, 2 * GRID + 1));
    let wider = masses(Grid::new(1.2 * Z_MAX, GRID * 6 / 5));
    for (k, b) in base.iter().enumerate() {
        for (what, other) in [("grid doubled", &finer), ("wall moved", &wider)] {
            let change = (other[k] / b - 1.0).abs();
            assert!(
                change < 1e-4,
                "level {k}, {what}: {b} → {} ({change:.1e})",
                other[k]
            );
        }
    }
}

#[test]
fn the_pdg_towers_are_fitted_within_their_errors_or_two_percent() {
    let t = train(None, 6);
    let m = meson_model(&t);
    for s in PDG {
        let mass = m.masses(s.spin, s.n as usize + 1)[s.n as usize];
        let miss = (mass - s.mass).abs();
        assert!(
            miss <= s.error || miss <= 0.02 * s.mass,
            "S = {}, n = {}: {mass} vs {} ± {}",
            s.spin,
            s.n,
            s.mass,
            s.error
        );
    }
}

fn adsdl(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_adsdl"))
        .args(args)
        .output()
        .unwrap()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("adsdl-mesons-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn train_json_reports_the_towers_and_the_profile() {
    let o = adsdl(&[
        "train", "--preset", "mesons", "--seed", "3", "--quiet", "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let masses = r["observables"]["masses"].as_array().unwrap();
    // ρ measured to n = 2 and a₂ to n = 1: their towers to n = 4 and n = 3.
    for (spin, top) in [(1, 4), (2, 3)] {
        let ns: Vec<u64> = masses
            .iter()
            .filter(|m| m["spin"] == spin)
            .map(|m| m["n"].as_u64().unwrap())
            .collect();
        assert_eq!(ns, (0..=top).collect::<Vec<_>>(), "spin {spin}");
    }
    let rho0 = masses
        .iter()
        .find(|m| m["spin"] == 1 && m["n"] == 0)
        .unwrap();
    assert!((rho0["mass_gev"].as_f64().unwrap() - 0.7753).abs() < 0.0155);
    let p = &r["observables"]["profile"];
    let z: Vec<f64> = serde_json::from_value(p["z"].clone()).unwrap();
    assert!(z.windows(2).all(|w| w[1] > w[0]) && z[0] > 0.0);
    for key in ["A", "Phi"] {
        assert_eq!(p[key].as_array().unwrap().len(), z.len(), "{key}");
    }
    assert!(r["params"]["A_zz"].is_array() && r["params"]["Phi_zz"].is_array());
}

#[test]
fn own_towers_train_and_a_bad_table_names_its_line_and_changes_nothing() {
    let good = tmp("towers.csv");
    std::fs::write(&good, soft_wall_table()).unwrap();
    let model = tmp("towers.json");
    let o = adsdl(&[
        "train",
        "--preset",
        "mesons",
        "--data",
        good.to_str().unwrap(),
        "--quiet",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("(predicted)") && text.contains("converged"),
        "{text}"
    );
    // The model file evaluates to its loss, on its own towers.
    let o = adsdl(&["eval", "--model", model.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(r["loss"], saved["loss"]);
    // A falling tower: the line and the column, and the model file untouched.
    let bad = tmp("bad.csv");
    std::fs::write(&bad, "spin,n,mass_GeV\n1,0,0.8\n1,1,0.7\n").unwrap();
    let before = std::fs::read(&model).unwrap();
    let o = adsdl(&[
        "train",
        "--preset",
        "mesons",
        "--data",
        bad.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("line 3") && e.contains("mass_gev"), "{e}");
    assert_eq!(std::fs::read(&model).unwrap(), before);
}

#[test]
fn a_meson_ensemble_reports_its_towers_with_bands_and_merges_from_shards() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "ensemble", "--preset", "mesons", "--runs", "2", "--seed", "3", "--quiet",
        ];
        args.extend_from_slice(extra);
        adsdl(&args)
    };
    let o = run(&["--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let whole: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &whole["summary"];
    assert_eq!((s["runs"].as_u64(), s["kept"].as_u64()), (Some(2), Some(2)));
    let masses = s["observables"]["masses"].as_array().unwrap();
    assert_eq!(masses.len(), 9, "ρ n = 0–4 and a₂ n = 0–3");
    let rho0 = &masses[0]["mass_gev"];
    assert!(
        (rho0["mean"].as_f64().unwrap() - 0.7753).abs() < 0.0155,
        "{rho0}"
    );
    assert!(rho0["sd"].as_f64().unwrap() >= 0.0);
    let band = &s["observables"]["profile"]["Phi"];
    assert_eq!(band.as_array().unwrap().len(), 120);
    assert!(whole["runs"][0]["params"]["A_zz"].is_array());
    // Two shards merge into the same summary.
    let mut files = Vec::new();
    for k in ["1/2", "2/2"] {
        let o = run(&["--shard", k, "--jsonl"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let f = tmp(&format!("shard-{}.jsonl", &k[..1]));
        std::fs::write(&f, &o.stdout).unwrap();
        files.push(f);
    }
    let mut args = vec!["merge".to_string()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_string()));
    args.push("--json".into());
    let o = adsdl(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let merged: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(merged["summary"], whole["summary"]);
}
