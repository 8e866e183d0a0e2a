//! The command line as a user runs it: files in, messages and exit codes out.
#![cfg(not(target_arch = "wasm32"))]

use adsdl::physics::HBAR_C_GEV_FM;
use adsdl::systems::qcd::{TABLE_II_H, TABLE_II_L, TABLE_II_LAMBDA};
use adsdl::systems::REGISTRY;
use std::process::{Command, Output};

fn adsdl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_adsdl"))
        .args(args)
        .output()
        .expect("run adsdl")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("adsdl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// A QCD model trained for one epoch on 50 + 50 points: a valid file, in well under a second
/// (far from converged, so the cut is lifted: the verdict is not what these tests are about).
fn tiny_qcd_model(name: &str) -> std::path::PathBuf {
    let model = tmp(name);
    let o = train_tiny(&model, 1);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    model
}

/// Train that tiny model of `seed` into `out`, whatever comes of it.
fn train_tiny(out: &std::path::Path, seed: u64) -> Output {
    adsdl(&[
        "train",
        "--max-loss",
        "1e9",
        "--preset",
        "qcd",
        "--epochs",
        "1",
        "--max-epochs",
        "1",
        "--per-class",
        "50",
        "--seed",
        &seed.to_string(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// `--epochs` is the protocol, `--max-epochs` the budget: under the fast and restart recipes a run
/// not converged at its epochs trains on (and says so) up to the budget; the paper recipe stops.
#[test]
fn an_unconverged_run_trains_on_within_its_budget_and_the_paper_recipe_does_not() {
    for (recipe, want) in [("fast", 6), ("restart", 6), ("paper", 2)] {
        let out = tmp(&format!("budget-{recipe}.json"));
        let o = adsdl(&[
            "train",
            "--preset",
            "qcd",
            "--per-class",
            "50",
            "--epochs",
            "2",
            "--max-epochs",
            "6",
            "--recipe",
            recipe,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "a tiny run does not converge");
        assert_eq!(read_json(&out)["epochs"], want, "{recipe}");
        assert_eq!(
            stderr(&o).contains("not converged at epoch 2: training on, up to epoch 6"),
            recipe != "paper",
            "{}",
            stderr(&o)
        );
    }
}

/// A JSON file the command wrote.
fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn train_then_eval_round_trips_the_model() {
    let model = tmp("ads.json");
    let o = adsdl(&[
        "train",
        "--preset",
        "ads-schwarzschild",
        "--epochs",
        "20",
        "--seed",
        "3",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("true") && out.contains("error"),
        "summary shows the h_k table against the truth:\n{out}"
    );
    let text = std::fs::read_to_string(&model).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(m["format"], "adsdl-model");
    assert_eq!(m["version"], 2);
    assert_eq!(m["params"]["h"].as_array().unwrap().len(), 10);
    assert_eq!(m["network"]["layers"], 10);

    let o = adsdl(&[
        "eval",
        "--model",
        model.to_str().unwrap(),
        "--train-set",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let stored = m["loss"].as_f64().unwrap();
    assert!(
        (e["loss"].as_f64().unwrap() - stored).abs() < 1e-12,
        "eval reproduces the stored loss"
    );
    assert_eq!(e["points"].as_array().unwrap().len(), 2000);
    assert_eq!(e["grad"]["h"].as_array().unwrap().len(), 10);
}

#[test]
fn eval_of_bundled_and_csv_points() {
    let model = tmp("qcd.json");
    let o = adsdl(&[
        "train",
        "--max-loss",
        "1e9",
        "--preset",
        "qcd",
        "--epochs",
        "2",
        "--per-class",
        "200",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("GeV⁻¹") && out.contains("MeV") && out.contains("λ"),
        "{out}"
    );
    let o = adsdl(&["eval", "--model", model.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pts = e["points"].as_array().unwrap();
    assert_eq!(pts.len(), 6, "the six lattice points");
    for key in ["m_q", "condensate", "label", "phi_fin", "pi_fin", "t"] {
        assert!(pts[0].get(key).is_some(), "point has {key}");
    }
    for key in ["h", "lambda", "ads_radius"] {
        assert!(e["grad"].get(key).is_some(), "grad has {key}");
    }
    let csv = tmp("points.csv");
    std::fs::write(&csv, "m_q,condensate,label\n0.005,0.03,0\n0.01,0.2,1\n").unwrap();
    let o = adsdl(&[
        "eval",
        "--model",
        model.to_str().unwrap(),
        "--data",
        csv.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["points"][1]["label"], 1.0);
}

#[test]
fn errors_are_one_clear_line_and_a_failure_code() {
    let bad_csv = tmp("bad.csv");
    std::fs::write(&bad_csv, "m_q,condensate\n0.001,0.01\n0.002,zz\n").unwrap();
    let bad_json = tmp("bad.json");
    std::fs::write(
        &bad_json,
        "{\"format\": \"adsdl-model\", \"version\": 1,\n \"preset\": \"qcd\", }",
    )
    .unwrap();
    let model = tiny_qcd_model("ok.json");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["eval", "--model", "/nonexistent/m.json"],
            "cannot read",
        ),
        (
            vec!["eval", "--model", bad_json.to_str().unwrap()],
            "line 2",
        ),
        (
            vec![
                "eval",
                "--model",
                model.to_str().unwrap(),
                "--data",
                bad_csv.to_str().unwrap(),
            ],
            "line 3, column 2",
        ),
        (vec!["train", "--preset", "qcd", "--lr", "-1"], "lr"),
        (vec!["train", "--preset", "qcd", "--lr", "fast"], "--lr"),
        (vec!["train", "--preset", "nope"], "unknown preset"),
        (vec!["train"], "--preset is required"),
        (
            vec!["train", "--preset", "qcd", "--lr", "20"],
            "lr = 20 is out of range",
        ),
        (
            vec!["train", "--preset", "qcd", "--metric", "x.csv"],
            "metric",
        ),
        (
            vec!["train", "--preset", "qcd", "--reg", "einstein"],
            "einstein",
        ),
        (
            vec!["train", "--preset", "qcd", "--bogus", "1"],
            "unexpected argument '--bogus'",
        ),
        (vec!["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (vec!["trian"], "a similar subcommand exists: 'train'"),
        (
            vec!["train", "--preset", "qcd", "--epoch", "3"],
            "a similar argument exists: '--epochs'",
        ),
    ];
    for (args, needle) in cases {
        let o = adsdl(&args);
        let err = stderr(&o);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(
            err.contains(needle),
            "{args:?}: {err:?} should mention {needle:?}"
        );
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    }
}

#[test]
fn ensemble_reports_a_table_and_json() {
    let o = adsdl(&[
        "ensemble",
        "--preset",
        "ads-schwarzschild",
        "--runs",
        "3",
        "--threads",
        "2",
        "--epochs",
        "30",
        "--json",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["summary"]["runs"], 3);
    assert_eq!(e["summary"]["h"].as_array().unwrap().len(), 10);
    let seeds: Vec<u64> = e["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seed"].as_u64().unwrap())
        .collect();
    assert_eq!(seeds, vec![1, 2, 3]);
}

#[test]
fn charts_are_written_as_svg() {
    let model = tiny_qcd_model("charts.json");
    let dir = tmp("charts");
    let o = adsdl(&[
        "charts",
        "--model",
        model.to_str().unwrap(),
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["metric", "data", "loss", "couplings", "metric-laplace"] {
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("<text") && svg.len() > 2000,
            "{name}.svg"
        );
    }
}

#[test]
fn train_on_own_data_in_lattice_units() {
    let csv = tmp("own.csv");
    std::fs::write(&csv, "m_q,condensate,error\n0.0008125,0.0111,0.0002\n0.001625,0.0202,0.0004\n0.00325,0.0375,0.0005\n0.0065,0.0666,0.0008\n0.013,0.1186,0.0005\n").unwrap();
    let model = tmp("own.json");
    let (c, m) = (csv.to_str().unwrap(), model.to_str().unwrap());
    let o = adsdl(&[
        "train",
        "--max-loss",
        "1e9",
        "--preset",
        "qcd",
        "--data",
        c,
        "--units",
        "lattice",
        "--inv-a",
        "0.829",
        "--epochs",
        "2",
        "--per-class",
        "200",
        "--out",
        m,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = adsdl(&["eval", "--model", m, "--json"]);
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pts = e["points"].as_array().unwrap();
    assert_eq!(pts.len(), 5, "eval defaults to the run's own points");
    assert!((pts[4]["condensate"].as_f64().unwrap() - 0.1186 * 0.829f64.powi(3)).abs() < 1e-12);
    std::fs::write(
        &csv,
        "m_q,condensate\n0.001,0.01\n0.001,0.02\n0.003,0.03\n0.004,0.04\n",
    )
    .unwrap();
    let o = adsdl(&["train", "--preset", "qcd", "--data", c]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("line 3, column 1 (m_q): mass 0.001 duplicates line 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn observables_of_the_table_ii_metric() {
    let model = tmp("table2.json");
    let h: Vec<f64> = TABLE_II_H.iter().map(|p| p.0).collect();
    let l = TABLE_II_L.0;
    let doc = serde_json::json!({"format": "adsdl-model", "version": 1, "preset": "qcd", "d": 4, "m2": -3, "layers": 15,
        "eta_ini": 1, "eta_fin": 1.0 / 15.0, "h": h, "lambda": TABLE_II_LAMBDA.0, "ads_radius": l});
    std::fs::write(&model, doc.to_string()).unwrap();
    let dir = tmp("obs");
    let (m, d) = (model.to_str().unwrap(), dir.to_str().unwrap());
    let o = adsdl(&[
        "observables",
        "--model",
        m,
        "--horizon-match",
        "p2",
        "--json",
        "--out-dir",
        d,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let peak = r["f_peak"][0].as_f64().unwrap();
    assert!((peak - 0.364).abs() < 0.02, "wall at {peak}");
    let screen = r["d_screen"].as_f64().unwrap();
    // Converged by root finding: 0.2575 L (docs/physics.md §5, float64 recomputation).
    assert!(
        (screen - 0.2575).abs() / 0.2575 < 0.005,
        "screening at {screen} L"
    );
    assert!((r["d_screen_fm"].as_f64().unwrap() - screen * l * HBAR_C_GEV_FM).abs() < 1e-9);
    let range = &r["continuation_range"]["d_screen"];
    assert!(
        range[0].as_f64().unwrap() < 0.1 && range[1].as_f64().unwrap() > 0.4,
        "{range}"
    );
    for name in ["fg", "potential"] {
        assert!(std::fs::read_to_string(dir.join(format!("{name}.svg")))
            .unwrap()
            .contains("<svg"));
    }
    let o = adsdl(&["observables", "--model", m]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("IR wall")
            && text.contains("screened beyond")
            && text.contains("the data do not fix how h continues to the horizon"),
        "{text}"
    );
    // The default continuation is the one the page and the ensembles use.
    assert!(text.contains("screened beyond d = 0.257 L"), "{text}");
    let o = adsdl(&["observables", "--model", m, "--g", "sinh"]);
    assert!(!o.status.success() && stderr(&o).contains("--g 'sinh'"));
}

#[test]
fn help_version_and_every_subcommands_help_answer_like_a_command_line() {
    let o = adsdl(&["--version"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(env!("CARGO_PKG_VERSION")));
    for cmd in [
        "train",
        "eval",
        "ensemble",
        "bench",
        "charts",
        "observables",
        "serve",
        "settings",
    ] {
        let o = adsdl(&[cmd, "--help"]);
        assert!(o.status.success(), "{cmd} --help: {}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Usage: adsdl"), "{cmd}: {text}");
    }
    let text = String::from_utf8_lossy(&adsdl(&["train", "--help"]).stdout).into_owned();
    for s in adsdl::settings::SETTINGS {
        if let Some(f) = s.flag {
            assert!(text.contains(&format!("--{f}")), "train --help lacks --{f}");
        }
    }
}

/// The README's parameter table is the one the settings schema generates: a setting added,
/// renamed or re-ranged without the README fails here.
#[test]
fn the_readme_table_is_the_settings_schema() {
    let o = adsdl(&["settings", "--markdown"]);
    assert!(o.status.success());
    let table = String::from_utf8_lossy(&o.stdout);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- settings:begin -->").expect("marker") + 23;
    let end = readme.find("<!-- settings:end -->").expect("marker");
    assert_eq!(
        readme[start..end].trim(),
        table.trim(),
        "README's table differs from `adsdl settings --markdown`"
    );
}

/// Registry, CLI and model file agree for every system: the CLI trains it by name and the model
/// file names it; `settings --json` lists exactly the registry.
#[test]
fn every_registered_system_trains_from_the_cli_and_names_itself_in_the_model() {
    let o = adsdl(&["settings", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = listed["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let registry: Vec<&str> = REGISTRY.iter().map(|s| s.id().name()).collect();
    assert_eq!(names, registry);
    for name in registry {
        let model = tmp(&format!("sys-{name}.json"));
        let o = adsdl(&[
            "train",
            "--max-loss",
            "1e9",
            "--preset",
            name,
            "--epochs",
            "1",
            "--per-class",
            "30",
            "--batch",
            "10",
            "--quiet",
            "--out",
            model.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let m = read_json(&model);
        assert_eq!(m["preset"], name);
        assert_eq!(m["training"]["preset"], name);
        let o = adsdl(&[
            "eval",
            "--model",
            model.to_str().unwrap(),
            "--train-set",
            "--json",
        ]);
        assert!(o.status.success(), "{name} eval: {}", stderr(&o));
    }
}

#[test]
fn your_own_metric_from_a_csv_trains_and_bad_ones_name_the_line() {
    let good = tmp("metric.csv");
    std::fs::write(&good, "eta,h\n0.1,5.8\n0.5,3.2\n1.0,3.0\n").unwrap();
    let model = tmp("custom.json");
    let o = adsdl(&[
        "train",
        "--max-loss",
        "1e9",
        "--preset",
        "custom",
        "--metric",
        good.to_str().unwrap(),
        "--epochs",
        "2",
        "--per-class",
        "50",
        "--quiet",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = read_json(&model);
    assert_eq!(m["training"]["metric"][1]["h"], 3.2);
    let bad = tmp("bad-metric.csv");
    std::fs::write(&bad, "eta,h\n0.1,5.8\n0.5,3.2\n0.5,3.0\n1.0,3\n").unwrap();
    let o = adsdl(&[
        "train",
        "--preset",
        "custom",
        "--metric",
        bad.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("CSV line 4"), "{}", stderr(&o));
}

#[test]
fn resume_applies_run_flags_and_refuses_those_of_another_run() {
    let model = tiny_qcd_model("resume.json");
    let m = model.to_str().unwrap();
    let o = adsdl(&["train", "--resume", m, "--seed", "9"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--seed conflicts"), "{}", stderr(&o));
    let o = adsdl(&["train", "--resume", m, "--preset", "ads-schwarzschild"]);
    assert!(
        stderr(&o).contains("--preset ads-schwarzschild conflicts"),
        "{}",
        stderr(&o)
    );
    let out = tmp("resumed.json");
    let o = adsdl(&[
        "train",
        "--max-loss",
        "1e9",
        "--resume",
        m,
        "--seed",
        "1",
        "--lr",
        "0.0007",
        "--epochs",
        "1",
        // No training on past the epoch asked for while unconverged.
        "--max-epochs",
        "1",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = read_json(&out);
    assert_eq!(r["training"]["lr"], 0.0007, "--lr applied");
    assert_eq!(r["epochs"], 2, "one epoch more");
}

#[test]
fn an_unconverged_run_says_so_and_exits_non_zero() {
    let model = tmp("unconverged.json");
    let o = adsdl(&[
        "train",
        "--preset",
        "qcd",
        "--epochs",
        "1",
        "--per-class",
        "50",
        "--quiet",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("verdict: NOT converged: loss"), "{out}");
    assert!(stderr(&o).contains("did not converge"), "{}", stderr(&o));
    // The model is still there to look at, and it is finite.
    let m = read_json(&model);
    assert!(m["params"]["h"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v.as_f64().unwrap().is_finite()));
    let o = adsdl(&[
        "ensemble",
        "--preset",
        "qcd",
        "--runs",
        "2",
        "--epochs",
        "1",
        "--per-class",
        "50",
        "--quiet",
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("verdict: 0 of 2 runs converged"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        stderr(&o).contains("2 of 2 runs did not converge"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn spectrum_says_which_directions_the_data_set() {
    // The Table II metric with P2's couplings: the spectrum of what the lattice data see.
    let model = tmp("table2-spectrum.json");
    let h: Vec<f64> = TABLE_II_H.iter().map(|p| p.0).collect();
    let doc = serde_json::json!({"format": "adsdl-model", "version": 1, "preset": "qcd", "d": 4, "m2": -3, "layers": 15,
        "eta_ini": 1, "eta_fin": 1.0 / 15.0, "h": h, "lambda": TABLE_II_LAMBDA.0, "ads_radius": TABLE_II_L.0});
    std::fs::write(&model, doc.to_string()).unwrap();
    let m = model.to_str().unwrap();
    let o = adsdl(&["spectrum", "--model", m, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dirs = r["directions"].as_array().unwrap();
    assert_eq!(dirs.len(), 17, "h0..h14, lambda, L");
    let g: Vec<f64> = dirs.iter().map(|d| d["data"].as_f64().unwrap()).collect();
    assert!(g.windows(2).all(|w| w[0] >= w[1]), "{g:?}");
    assert!(g[0] > 0.0 && g[0] > 1e6 * g[8].abs(), "{g:?}");
    // The Laplace band from the six lattice points, widening toward the horizon.
    let band = &r["laplace"];
    assert_eq!(band["measurements"], 6);
    let sd: Vec<f64> = band["sd"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(sd.len(), 17);
    assert!(sd[..15].windows(2).all(|w| w[0] < w[1]), "{sd:?}");
    // Table II's means are no minimum of this loss: E curves down along some directions, so
    // the exact Hessian gives no band.
    let exact = &r["exact"];
    assert!(exact["eigenvalues"][0].as_f64().unwrap() < 0.0, "{exact}");
    assert!(exact["laplace"].is_null(), "{exact}");
    let o = adsdl(&["spectrum", "--model", m]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("directions are set by the data"), "{text}");
    assert!(text.contains("not a minimum of E"), "{text}");
    assert!(text.contains("N_m = 6 measurements"), "{text}");
    let o = adsdl(&["spectrum", "--model", "/no/such/model.json"]);
    assert!(!o.status.success() && stderr(&o).contains("/no/such/model.json"));
}

#[test]
fn bench_times_the_kernel_asked_for_and_names_a_wrong_one() {
    let o = adsdl(&["bench", "--kernel", "portable", "--epochs", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("portable kernel") && text.contains("ms/epoch"),
        "{text}"
    );
    let o = adsdl(&["bench", "--kernel", "avx512", "--epochs", "1"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("--kernel avx512") && err.contains("avx2, sse4.1, portable"),
        "{err}"
    );
}

/// `adsdl invert`: the three inputs, the JSON the issue names, and bad input named by line.
#[test]
fn invert_goes_from_a_potential_back_to_the_bulk() {
    // Cornell (Eichten et al.): z increasing, T falling to σ, an infinite throat.
    let o = adsdl(&["invert", "--cornell", "0.52,0.1826", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let z: Vec<f64> = serde_json::from_value(r["z"].clone()).unwrap();
    let t: Vec<f64> = serde_json::from_value(r["tension"].clone()).unwrap();
    assert_eq!(z.len(), t.len());
    assert!(z.windows(2).all(|w| w[1] > w[0]) && t.windows(2).all(|w| w[1] < w[0]));
    // The closed form (docs/physics.md (9.3)) at the first depth, independently: σ = 0.1826.
    let (kappa, sigma) = (0.52f64, 0.1826f64);
    let m = (t[0] + sigma) / (2.0 * t[0]);
    let (mut a, mut b) = (1.0f64, (1.0 - m).sqrt());
    for _ in 0..40 {
        (a, b) = (0.5 * (a + b), (a * b).sqrt());
    }
    let k = std::f64::consts::PI / (2.0 * a);
    let exact = kappa.sqrt() / std::f64::consts::PI * (2.0 / t[0]).sqrt() * k;
    assert!((z[0] / exact - 1.0).abs() < 1e-9, "{} vs {exact}", z[0]);
    assert!(
        r["bottom"]["z"].is_null()
            && (r["bottom"]["tension"].as_f64().unwrap() - sigma).abs() < 1e-12
    );
    let h: Vec<f64> = serde_json::from_value(r["network"]["h"].clone()).unwrap();
    assert_eq!(h.len(), z.len());
    assert!((h[0] - 4.0).abs() < 0.02 && h[h.len() - 1].abs() < 1e-3);
    // A table with errors: a band, the data's depths, and the bundled sets by name.
    let table = tmp("potential.csv");
    let mut csv =
        String::from("# a Cornell potential with a constant and errors\nr_fm,V_GeV,error_GeV\n");
    for i in 0..12 {
        let r_fm = 0.15 + 0.1 * i as f64;
        let r = r_fm / HBAR_C_GEV_FM;
        csv += &format!("{r_fm},{},0.01\n", -0.41 / r + 0.19 * r + 0.5);
    }
    std::fs::write(&table, &csv).unwrap();
    let dir = tmp("invert");
    let o = adsdl(&[
        "invert",
        "--potential",
        table.to_str().unwrap(),
        "--json",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The band covers the depths the data probe.
    let band: Vec<[f64; 3]> = serde_json::from_value(r["band"].clone()).unwrap();
    let (za, zb) = (
        r["data_z"][0].as_f64().unwrap(),
        r["data_z"][1].as_f64().unwrap(),
    );
    assert!(
        za < zb && band[0][0] <= za && band[band.len() - 1][0] >= zb,
        "{za} {zb}"
    );
    assert!(band.iter().all(|b| b[1] <= b[2]));
    assert!(
        (r["fit"]["sigma"].as_f64().unwrap() - 0.19).abs() < 0.03,
        "{}",
        r["fit"]
    );
    for name in ["tension", "metric"] {
        assert!(std::fs::read_to_string(dir.join(format!("{name}.svg")))
            .unwrap()
            .contains("<svg"));
    }
    let o = adsdl(&["invert", "--set", "sommer"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("Sommer"));
    // The round trip on P2's Table II metric: √(f g) back to 10⁻³.
    let model = tmp("table2-invert.json");
    let hs: Vec<f64> = TABLE_II_H.iter().map(|p| p.0).collect();
    let doc = serde_json::json!({"format": "adsdl-model", "version": 1, "preset": "qcd", "d": 4, "m2": -3, "layers": 15,
        "eta_ini": 1, "eta_fin": 1.0 / 15.0, "h": hs, "lambda": TABLE_II_LAMBDA.0, "ads_radius": TABLE_II_L.0});
    std::fs::write(&model, doc.to_string()).unwrap();
    let o = adsdl(&["invert", "--model", model.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    let worst: f64 = text
        .split("largest relative difference ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(worst < 1e-3, "{text}");
    // Bad input: what and where, and a failure code.
    for (csv, want) in [
        (
            "r_fm,V_GeV\n0.1,-1\n0.2,-0.5\n0.3,nan\n0.4,-0.1\n",
            "line 4",
        ),
        ("r_fm,V_GeV\n0.1,-1\n0.2,-0.5\n0.3,-0.3\n", "at least 4"),
        (
            "r_fm,V_GeV\n0.1,-1\n0.3,-0.5\n0.2,-0.4\n0.4,-0.1\n",
            "line 4",
        ),
        (
            "r_fm,V_GeV\n0.1,-1\n0.2,-0.5\n0.3,-0.8\n0.4,-0.1\n",
            "V′ ≤ 0",
        ),
        (
            "r_fm,V_GeV,error_GeV\n0.1,-1,0.01\n0.2,-0.9,0.01\n0.3,-0.5,0.01\n0.4,-0.4,0.01\n",
            "V″ > 0",
        ),
    ] {
        std::fs::write(&table, csv).unwrap();
        let o = adsdl(&["invert", "--potential", table.to_str().unwrap()]);
        assert!(
            !o.status.success() && stderr(&o).contains(want),
            "{csv}: {}",
            stderr(&o)
        );
    }
    let o = adsdl(&["invert", "--cornell", "0.52"]);
    assert!(!o.status.success() && stderr(&o).contains("two numbers"));
    let o = adsdl(&["invert"]);
    assert!(!o.status.success() && stderr(&o).contains("say what to invert"));
}

/// Sharded = unsharded: three shards of an ensemble, joined by `adsdl merge`, give the same
/// report (summary, observables, runs, verdict) as the ensemble run whole; a missing or doubled
/// shard is named.
#[test]
fn sharded_ensembles_merge_into_the_unsharded_report() {
    let common = [
        "--preset",
        "qcd",
        "--runs",
        "5",
        "--seed",
        "7",
        "--per-class",
        "100",
        "--epochs",
        "3",
        "--max-epochs",
        "3",
        "--max-loss",
        "1e9",
        "--quiet",
    ];
    let mut shards = Vec::new();
    for k in 1..=3 {
        let o = adsdl(
            &[
                &["ensemble"],
                &common[..],
                &["--shard", &format!("{k}/3"), "--jsonl"],
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let path = tmp(&format!("shard{k}.jsonl"));
        std::fs::write(&path, &o.stdout).unwrap();
        shards.push(path);
    }
    let paths: Vec<&str> = shards.iter().map(|p| p.to_str().unwrap()).collect();
    let merged = adsdl(&[&["merge"], &paths[..], &["--json"]].concat());
    assert!(merged.status.success(), "{}", stderr(&merged));
    let whole = adsdl(&[&["ensemble"], &common[..], &["--json"]].concat());
    assert!(whole.status.success(), "{}", stderr(&whole));
    let strip = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for r in v["runs"].as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("seconds");
        }
        v.as_object_mut().unwrap().remove("seconds");
        v
    };
    let (m, w) = (strip(&merged), strip(&whole));
    assert_eq!(m["runs"].as_array().unwrap().len(), 5);
    assert_eq!(m, w, "the merged report differs from the unsharded one");
    let o = adsdl(&["merge", paths[0], paths[1]]);
    assert!(
        !o.status.success() && stderr(&o).contains("missing (seeds 9"),
        "{}",
        stderr(&o)
    );
    let o = adsdl(&["merge", paths[0], paths[0], paths[1], paths[2]]);
    assert!(
        !o.status.success() && stderr(&o).contains("appears twice"),
        "{}",
        stderr(&o)
    );
    let o = adsdl(&[&["ensemble"], &common[..], &["--shard", "0/3", "--jsonl"]].concat());
    assert!(!o.status.success() && stderr(&o).contains("K/N"));
}

/// A write that fails is a failure: exit code 74 (not 1, "not converged") with a message, and the
/// file that was there is kept whole. Standard output on a full disk (`/dev/full`) too, since a
/// Slurm shard redirected to a full disk must not report success with nothing in it.
#[test]
fn failed_writes_exit_74_and_keep_what_was_there() {
    let model = tiny_qcd_model("write-fail.json");
    let m = model.to_str().unwrap();
    let full = std::fs::File::create("/dev/full").unwrap();
    for args in [
        &["eval", "--model", m, "--json"][..],
        &[
            "ensemble",
            "--preset",
            "qcd",
            "--runs",
            "2",
            "--epochs",
            "1",
            "--max-epochs",
            "1",
            "--max-loss",
            "1e9",
            "--jsonl",
            "--quiet",
        ][..],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_adsdl"))
            .args(args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(74), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write to standard output"),
            "{}",
            stderr(&o)
        );
    }
    // An unwritable --out is found before training, not after.
    let o = adsdl(&[
        "train",
        "--preset",
        "qcd",
        "--epochs",
        "100000",
        "--out",
        "/nonexistent/folder/m.json",
    ]);
    assert_eq!(o.status.code(), Some(74), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty() && stderr(&o).contains("/nonexistent/folder/m.json"),
        "{}",
        stderr(&o)
    );
}

/// `train --out` onto a full disk (a 64 KiB tmpfs, where the test runs as root, as CI does) keeps
/// the good model that was there: the new one goes to a temporary file and a rename.
#[test]
fn a_full_disk_keeps_the_good_model() {
    if is_root() {
        let dir = tmp("tmpfs");
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.to_str().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs", d])
            .status()
            .unwrap();
        assert!(mounted.success(), "root could not mount a tmpfs at {d}");
        let good = tiny_qcd_model("full-good.json");
        let target = dir.join("model.json");
        std::fs::copy(&good, &target).unwrap();
        let before = std::fs::read_to_string(&target).unwrap();
        // Fill the disk to the last block.
        let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
        let _ = std::io::Write::write_all(&mut filler, &vec![0u8; 1 << 20]);
        drop(filler);
        let o = train_tiny(&target, 2);
        let after = std::fs::read_to_string(&target).unwrap();
        let _ = Command::new("umount").arg(d).status();
        assert_eq!(o.status.code(), Some(74), "{}", stderr(&o));
        assert_eq!(after, before, "the good model was overwritten");
    } else {
        eprintln!("not root: the tmpfs case is left to CI (the injected-writer test in src/files.rs covers the logic)");
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A killed ensemble keeps every finished run: `--jsonl` lines go out as runs end, `merge` names
/// the missing seeds, and `--resume` trains only those.
#[test]
fn a_killed_ensemble_keeps_its_finished_runs_and_resumes() {
    use std::io::{BufRead, BufReader};
    let common = [
        "ensemble",
        "--preset",
        "qcd",
        "--runs",
        "30",
        "--seed",
        "40",
        "--epochs",
        "20",
        "--max-epochs",
        "20",
        "--max-loss",
        "1e9",
        "--threads",
        "1",
        "--quiet",
        "--jsonl",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_adsdl"))
        .args(common)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut kept = String::new();
    for _ in 0..2 {
        reader.read_line(&mut kept).unwrap();
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the lines came only when the job had ended"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // A line cut short by the kill, as a shell redirection can leave it.
    let file = tmp("killed.jsonl");
    std::fs::write(&file, format!("{kept}{{\"format\": \"adsdl-ensem")).unwrap();
    let f = file.to_str().unwrap();
    let o = adsdl(&["merge", f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("28 of 30 runs are missing") && stderr(&o).contains("cut short"),
        "{}",
        stderr(&o)
    );
    let rest = adsdl(&[&common[..], &["--resume", f]].concat());
    assert!(rest.status.success(), "{}", stderr(&rest));
    assert_eq!(String::from_utf8_lossy(&rest.stdout).lines().count(), 28);
    let mut all = kept.clone();
    all.push_str(&String::from_utf8_lossy(&rest.stdout));
    std::fs::write(&file, all).unwrap();
    let o = adsdl(&["merge", f, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["runs"].as_array().unwrap().len(), 30);
}

/// Numbers a file may carry but no run has: refused with what and where, never an abort or a
/// wrapped counter.
#[test]
fn absurd_counts_in_files_are_refused() {
    let o = adsdl(&[
        "ensemble",
        "--preset",
        "qcd",
        "--runs",
        "1",
        "--epochs",
        "1",
        "--max-epochs",
        "1",
        "--max-loss",
        "1e9",
        "--quiet",
        "--jsonl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for runs in [
        serde_json::json!(1_000_000_000_000u64),
        serde_json::json!(0),
        serde_json::json!(1e12),
    ] {
        let mut l = line.clone();
        l["runs"] = runs.clone();
        let file = tmp("absurd.jsonl");
        std::fs::write(&file, format!("{l}\n")).unwrap();
        let o = adsdl(&["merge", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "runs {runs}");
        assert!(
            stderr(&o).contains("\"runs\" must be a whole number 1 … 100000"),
            "runs {runs}: {}",
            stderr(&o)
        );
    }
    // A model that says it trained 2⁶⁴−1 epochs: refused when read, not wrapped into "converged".
    let model = tiny_qcd_model("absurd-epochs.json");
    let mut m = read_json(&model);
    m["epochs"] = serde_json::json!(u64::MAX);
    std::fs::write(&model, m.to_string()).unwrap();
    let o = adsdl(&[
        "train",
        "--resume",
        model.to_str().unwrap(),
        "--epochs",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("epochs") && stderr(&o).contains("at most"),
        "{}",
        stderr(&o)
    );
}

/// One seed range everywhere (0 … 2⁵³−1, what a JavaScript number holds): the command line
/// refuses a larger seed, and so does a model file carrying one, so no file the CLI writes can
/// stop the page.
#[test]
fn one_seed_range_for_the_command_line_and_model_files() {
    let o = adsdl(&[
        "train",
        "--preset",
        "qcd",
        "--seed",
        "9007199254740992",
        "--epochs",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("9007199254740991"), "{}", stderr(&o));
    let o = adsdl(&[
        "train",
        "--preset",
        "qcd",
        "--seed",
        "18446744073709551615",
        "--epochs",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // In the run's configuration or in the file's own `seed` field, alone or both.
    for (top, run) in [(true, true), (true, false), (false, true)] {
        let model = tiny_qcd_model("big-seed.json");
        let mut m = read_json(&model);
        if top {
            m["seed"] = serde_json::json!(u64::MAX);
        }
        if run {
            m["training"]["seed"] = serde_json::json!(u64::MAX);
        }
        std::fs::write(&model, m.to_string()).unwrap();
        let o = adsdl(&["eval", "--model", model.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "top {top}, run {run}");
        assert!(
            stderr(&o).contains("seed") && stderr(&o).contains("9007199254740991"),
            "{}",
            stderr(&o)
        );
    }
}

/// Model files written by the build before version 2 (`tests/data/model-v1-*.json`, made with
/// commit 3b4fcac's `adsdl train`) still load, evaluate to the loss they were saved with, resume,
/// and are written back as version 2 with the same parameters.
#[test]
fn version_1_model_files_of_the_last_build_still_load() {
    let dir = tmp("v1");
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["model-v1-qcd.json", "model-v1-ads.json"] {
        let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
        let v1 = read_json(std::path::Path::new(&path));
        assert_eq!(v1["version"], 1);
        let o = adsdl(&["eval", "--model", &path, "--train-set", "--json"]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(e["loss"], v1["loss"], "{file}: the saved loss, bit for bit");
        let out = dir.join(file);
        let o = adsdl(&[
            "train",
            "--resume",
            &path,
            "--epochs",
            "1",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.code() != Some(2), "{file}: {}", stderr(&o));
        let v2 = read_json(&out);
        assert_eq!(v2["version"], 2);
        assert_eq!(v2["params"].as_object().unwrap().len(), 3);
        assert_eq!(v2["network"]["layers"], v1["layers"]);
        assert_eq!(v2["epochs"], v1["epochs"].as_u64().unwrap() + 1);
        // The keys a version-1 file has are the keys its errors name.
        let mut bad = v1.clone();
        bad["layers"] = serde_json::json!(7);
        std::fs::write(dir.join("bad.json"), bad.to_string()).unwrap();
        let o = adsdl(&["eval", "--model", dir.join("bad.json").to_str().unwrap()]);
        assert!(stderr(&o).contains("\"layers\""), "{}", stderr(&o));
    }
}

/// `train --json` reports any system's run as one JSON object on stdout: θ by block, the model's
/// scalars, the loss in parts, the verdict, the events; the exit code still says the verdict.
#[test]
fn train_json_reports_every_system_as_one_object() {
    for sys in adsdl::systems::REGISTRY {
        let name = sys.id().name();
        let o = adsdl(&[
            "train",
            "--preset",
            name,
            "--epochs",
            "2",
            "--max-epochs",
            "2",
            "--per-class",
            "60",
            "--quiet",
            "--json",
        ]);
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "{name}: {}",
            stderr(&o)
        );
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "{name}: stdout is one JSON object ({e}): {}",
                String::from_utf8_lossy(&o.stdout)
            )
        });
        assert_eq!(r["preset"], name);
        assert_eq!(r["epochs"], 2);
        for b in sys.blocks() {
            let v = &r["params"][b.name];
            let len = if b.scalar {
                assert!(v.is_number(), "{name}: {}", b.name);
                1
            } else {
                v.as_array()
                    .unwrap_or_else(|| panic!("{name}: {}", b.name))
                    .len()
            };
            assert_eq!(len, b.len, "{name}: {}", b.name);
        }
        if sys.probe().is_some() {
            assert_eq!(r["scalars"]["lambda"], r["params"]["lambda"]);
        }
        let loss = &r["loss"];
        let (d, g) = (
            loss["data"].as_f64().unwrap(),
            loss["reg"].as_f64().unwrap(),
        );
        assert_eq!(loss["total"].as_f64().unwrap(), d + g);
        let converged = r["verdict"]["verdict"] == "converged";
        assert_eq!(
            converged,
            o.status.success(),
            "{name}: the exit code follows the verdict"
        );
        assert!(r["events"].is_array());
    }
}
