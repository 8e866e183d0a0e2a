//! `adsdl`: the engine headless — train, evaluate, ensembles, benchmarks and charts.

use adsdl::model_file::ModelFile;
use adsdl::physics::{t_of_f, Kernel, Network, Params, Regularizer, Sample, Workspace};
use adsdl::points::{parse_csv, parse_measurements, Measured, Units};
use adsdl::settings::{self, Kind, OnResume, SETTINGS};
use adsdl::systems::custom::parse_metric_csv;
use adsdl::systems::model::Named;
use adsdl::systems::{ProbeSystem, SystemId};
use adsdl::train::{bench_config, TrainConfig, Trainer, Verdict};
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Instant;

/// `println!` that ends quietly when stdout is closed (`adsdl eval | head`), instead of panicking,
/// and exits with [`EXIT_WRITE`] when stdout cannot take the output (a full disk behind
/// `> out.json`): a shard that wrote nothing must not report success.
macro_rules! out {
    ($($t:tt)*) => {{
        let r = writeln!(std::io::stdout(), $($t)*);
        $crate::stdout_failed(r);
    }};
}

mod ensemble;
mod invert;

fn out_raw(s: &str) {
    stdout_failed(std::io::stdout().write_all(s.as_bytes()));
}

/// The exit code of a failed write (a file or standard output): sysexits' `EX_IOERR`, apart
/// from 1, "the run did not converge", so a script can tell the two.
const EXIT_WRITE: u8 = 74;

/// Set when a file could not be written: the command then exits with [`EXIT_WRITE`].
static WRITE_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A write to stdout failed for another reason than a closed pipe: say so and exit now, since
/// nothing more can reach the reader.
fn stdout_failed(r: std::io::Result<()>) {
    if let Err(e) = r {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("adsdl: cannot write to standard output: {e}");
            std::process::exit(EXIT_WRITE.into());
        }
    }
}

/// The command line: subcommands and flags, the run flags generated from the settings schema.
fn cli() -> Command {
    let value = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .help(help)
            .allow_hyphen_values(true)
            .num_args(1)
    };
    let switch = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .help(help)
            .action(ArgAction::SetTrue)
    };
    let run_args = || {
        let mut args: Vec<Arg> = SETTINGS
            .iter()
            .filter_map(|s| {
                s.flag.map(|f| {
                    value(f, "").value_name(s.key).help(format!(
                        "{} [{}]",
                        s.help(),
                        s.range_text().replace('`', "")
                    ))
                })
            })
            .collect();
        args.push(value(
            "units",
            "units of --data: gev (GeV, GeV³) or lattice (with --inv-a)",
        ));
        args.push(value(
            "inv-a",
            "1/a in GeV for --units lattice (e.g. 0.829)",
        ));
        args.push(switch("quiet", "no progress output"));
        args
    };
    Command::new("adsdl")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The holographic deep-learning network of arXiv:1802.08313 / arXiv:1809.10536")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("train")
                .about("train one network and print its metric")
                .args(run_args())
                .arg(value("out", "write the model file here"))
                .arg(value(
                    "resume",
                    "continue a model file for --epochs more (run-changing flags are refused)",
                ))
                .arg(value(
                    "max-loss",
                    "the run converged when its loss is at most this (default: the system's cut; qcd: 0.08, as P2)",
                ))
                .arg(switch(
                    "json",
                    "print the final report as one JSON object (progress and events stay on stderr)",
                )),
        )
        .subcommand(
            Command::new("eval")
                .about("loss, gradient and outputs of a model on points")
                .arg(value("model", "the model file").required(true))
                .arg(value(
                    "data",
                    "CSV points (the system's two inputs[,label])",
                ))
                .arg(switch("train-set", "the run's own training set"))
                .arg(switch("json", "print JSON")),
        )
        .subcommand(
            Command::new("ensemble")
                .about("train many seeds and summarise them as P2 Table II")
                .args(run_args())
                .arg(value("runs", "number of seeds (default 8)"))
                .arg(value("threads", "threads (default: all cores)"))
                .arg(value(
                    "max-loss",
                    "a run converged (and is kept) when its loss is at most this (default: the system's cut; qcd: 0.08, as P2)",
                ))
                .arg(value(
                    "shard",
                    "K/N: train only shard K of N (runs K−1, K−1+N, …); with --jsonl, for `adsdl merge`",
                ))
                .arg(switch(
                    "jsonl",
                    "print one JSON line per run as it finishes (for `adsdl merge`) instead of the report",
                ))
                .arg(value(
                    "resume",
                    "with --jsonl: train only the runs not already in this file (a killed shard's output; append with >>)",
                ))
                .arg(switch("json", "print JSON")),
        )
        .subcommand(
            Command::new("merge")
                .about("join the --jsonl shards of an ensemble into its report (the same as unsharded)")
                .arg(
                    Arg::new("files")
                        .help("the shard files")
                        .num_args(1..)
                        .required(true),
                )
                .arg(switch("json", "print JSON")),
        )
        .subcommand(
            Command::new("bench")
                .about("milliseconds per epoch of the benchmark run")
                .arg(value("epochs", "epochs to time (default 30)"))
                .arg(value(
                    "kernel",
                    "avx2, sse4.1 (the page's vector width) or portable: the compiled kernel to time, all with the same bits (default: the widest this CPU runs)",
                )),
        )
        .subcommand(
            Command::new("spectrum")
                .about("what the data determine: eigen-directions of the Gauss-Newton matrix of a model's training points, against the regulariser's curvature")
                .arg(value("model", "the model file").required(true))
                .arg(switch("json", "print JSON")),
        )
        .subcommand(
            Command::new("charts")
                .about("the page's charts of a model as SVG")
                .arg(value("model", "the model file").required(true))
                .arg(value("out-dir", "folder for the SVG files").required(true)),
        )
        .subcommand(
            Command::new("observables")
                .about("f, g and the quark–antiquark potential of a model with physical units")
                .arg(value("model", "the model file").required(true))
                .arg(value("placement", "p2 (default) or network"))
                .arg(value("g", "exp (default) or cosh"))
                .arg(value(
                    "horizon-match",
                    "where h is continued to the horizon: p2 (default, as the page and ensembles) , end or an η",
                ))
                .arg(value("out-dir", "write fg.svg and potential.svg here"))
                .arg(switch("json", "print JSON")),
        )
        .subcommand(
            Command::new("invert")
                .about("from a quark–antiquark potential back to the bulk: the string tension T(z) and the metric in the network's variables")
                .args(invert::args()),
        )
        .subcommand(
            Command::new("serve")
                .about("serve a folder (the built page) over HTTP")
                .arg(value("dir", "folder (default dist)"))
                .arg(value("port", "port (default 8000)"))
                .arg(value("host", "address (default 127.0.0.1)"))
                .arg(value("prefix", "URL prefix (default /)"))
                .arg(value(
                    "max-connections",
                    "connections held at once; at the cap the oldest idle one is closed (default 1024, fewer under a low descriptor limit)",
                ))
                .arg(value(
                    "header-timeout",
                    "seconds a client may take to send a request head (default 10)",
                ))
                .arg(switch(
                    "follow-symlinks",
                    "serve files reached through symbolic links in the folder (refused by default)",
                ))
                .arg(switch(
                    "dotfiles",
                    "serve names that start with a dot (refused by default)",
                )),
        )
        .subcommand(
            Command::new("settings")
                .about("the settings table (URL keys, CLI flags, defaults, ranges) and the systems")
                .arg(switch("markdown", "as the README's Markdown table"))
                .arg(switch("json", "systems, settings and the default page's controls as JSON")),
        )
}

/// The flags of one subcommand, read as the types the commands want.
struct Flags<'a> {
    m: &'a ArgMatches,
}

impl Flags<'_> {
    fn get<T: FromStr>(&self, name: &str) -> Result<Option<T>, String>
    where
        T::Err: std::fmt::Display,
    {
        match self.m.get_one::<String>(name) {
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|e| format!("--{name} '{v}': {e}")),
            None => Ok(None),
        }
    }

    fn has(&self, name: &str) -> bool {
        self.m.get_flag(name)
    }

    /// The flag was given on the command line.
    fn given(&self, name: &str) -> bool {
        self.m.contains_id(name)
    }
}

fn read_file(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read '{path}': {e}"))
}

/// The message of a failed write to `path`, marking the command's exit code [`EXIT_WRITE`].
fn write_failed(path: &str, e: std::io::Error, tail: &str) -> String {
    WRITE_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    format!("cannot write '{path}': {e}{tail}")
}

/// Write `text` to `path` atomically (adsdl::files): on failure the file keeps what it had.
fn write_file(path: &str, text: &str) -> Result<(), String> {
    adsdl::files::write_atomic(std::path::Path::new(path), text.as_bytes())
        .map_err(|e| write_failed(path, e, " (the file, if any, is unchanged)"))
}

/// Fail now, before any work, when `path` cannot be written.
fn check_writable(path: &str) -> Result<(), String> {
    adsdl::files::check_writable(std::path::Path::new(path)).map_err(|e| write_failed(path, e, ""))
}

/// Measurements from `--data FILE` with `--units` and `--inv-a`.
fn read_measurements(flags: &Flags, path: &str) -> Result<Vec<Measured>, String> {
    let units = match flags.get::<String>("units")?.as_deref() {
        None | Some("gev") => Units::Physical,
        Some("lattice") => Units::Lattice {
            inv_a_gev: flags
                .get("inv-a")?
                .ok_or("--units lattice needs --inv-a (1/a in GeV, e.g. 0.829)")?,
        },
        Some(u) => return Err(format!("--units '{u}': expected 'gev' or 'lattice'")),
    };
    parse_measurements(&read_file(path)?, units).map_err(|e| format!("{path}: {e}"))
}

/// The run settings given on the command line, parsed by the settings schema for `preset`
/// (the system itself excluded).
fn run_values(
    flags: &Flags,
    preset: SystemId,
) -> Result<Vec<(&'static settings::Setting, serde_json::Value)>, String> {
    let mut values = Vec::new();
    for s in SETTINGS.iter().filter(|s| !matches!(s.kind, Kind::System)) {
        let Some(flag) = s.flag else { continue };
        let Some(raw) = flags.get::<String>(flag)? else {
            continue;
        };
        if matches!(s.kind, Kind::Measurements) && preset.system().input_table().is_some() {
            // `--data FILE` of a system with its own input table is that table.
            let table = SETTINGS
                .iter()
                .find(|t| matches!(t.kind, Kind::Table))
                .expect("the table setting");
            let text = read_file(&raw)?;
            let v = table
                .parse(preset, &text, true)
                .map_err(|e| format!("{raw}: {e}"))?
                .0;
            values.push((table, v));
            continue;
        }
        if !s.applies_to(preset) {
            return Err(format!("--{flag} is not used by {preset}"));
        }
        let v = match s.kind {
            Kind::Measurements => {
                serde_json::to_value(read_measurements(flags, &raw)?).expect("json")
            }
            Kind::Metric => serde_json::to_value(
                parse_metric_csv(&read_file(&raw)?).map_err(|e| format!("{raw}: {e}"))?,
            )
            .expect("json"),
            _ => {
                s.parse(preset, &raw, true)
                    .map_err(|e| format!("--{flag}: {e}"))?
                    .0
            }
        };
        values.push((s, v));
    }
    Ok(values)
}

/// A configuration from the run flags common to `train` and `ensemble`.
fn config_from(flags: &Flags, preset: SystemId) -> Result<TrainConfig, String> {
    let c = adsdl::url_state::state_from(preset, &run_values(flags, preset)?)?.config;
    c.validate()?;
    Ok(c)
}

fn preset_flag(flags: &Flags) -> Result<SystemId, String> {
    flags
        .get("preset")?
        .ok_or_else(|| format!("--preset is required ({})", SystemId::names().join(", ")))
}

/// `train --resume`: continue the model's run. Flags that would make it another run (system,
/// seed, data, …) are refused when they differ from the model's; the others apply, and
/// `--epochs` counts epochs more.
fn resume_from(flags: &Flags, path: &str) -> Result<Trainer, String> {
    let m = ModelFile::from_json(&read_file(path)?).map_err(|e| format!("{path}: {e}"))?;
    let old = m.config();
    if let Some(p) = flags
        .get::<SystemId>("preset")?
        .filter(|p| *p != old.preset)
    {
        return Err(format!(
            "--preset {p} conflicts with {path} (a {} model): --resume continues that run",
            old.preset
        ));
    }
    let given = run_values(flags, old.preset)?;
    let mut v = json!({ "config": &old });
    for (s, x) in &given {
        let had = settings::get(&v, s.path);
        if s.on_resume == OnResume::Refuse && had != x {
            return Err(format!(
                "--{} conflicts with {path}, whose run has {} = {had}: --resume continues that run; train anew to change it",
                s.flag.unwrap_or(s.key),
                s.key
            ));
        }
    }
    for (s, x) in &given {
        settings::set(&mut v, s.path, x.clone());
    }
    let mut c: TrainConfig =
        serde_json::from_value(v["config"].take()).map_err(|e| e.to_string())?;
    // A new regulariser family without a strength takes the family's default.
    if flags.given("reg") && !flags.given("reg-c") {
        c.reg_c = c.preset.system().default_reg_c(c.reg);
    }
    if flags.given("epochs") {
        c.epochs = c.epochs.checked_add(m.epochs).ok_or_else(|| {
            format!(
                "{path} has {} epochs: --epochs more would overflow",
                m.epochs
            )
        })?;
    }
    c.validate()?;
    let mut t = Trainer::new(c)?;
    t.set_theta(m.theta()?)?;
    t.set_epoch(m.epochs);
    Ok(t)
}

/// Progress: a bar redrawn in place on a terminal, a plain line every 10 % otherwise.
struct Progress {
    tty: bool,
    total: usize,
    last_pct: usize,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Progress {
        Progress {
            tty: !quiet && std::io::stderr().is_terminal(),
            total: if quiet { 0 } else { total },
            last_pct: 0,
        }
    }

    /// A run that goes on past its epochs: the bar now runs to the budget.
    fn extend(&mut self, total: usize) {
        if self.total > 0 {
            self.total = total;
        }
    }

    /// End the bar's line where the run stopped short of the total (it converged early).
    fn done(&self, t: &Trainer) {
        if self.tty && self.total > 0 && t.epoch() < self.total {
            eprintln!();
        }
    }

    fn show(&mut self, t: &Trainer) {
        if self.total == 0 {
            return;
        }
        let e = t.epoch();
        let loss = t.last_epoch_loss().unwrap_or(f64::NAN);
        let extra = if t.system().learns_couplings() {
            let p = t.params();
            format!("  L {:.3} GeV⁻¹  λ {:+.4}", p.ads_radius, p.lambda)
        } else {
            String::new()
        };
        let pct = 100 * e / self.total;
        if self.tty {
            let filled = 30 * e / self.total;
            eprint!(
                "\r[{}{}] epoch {e}/{}  loss {loss:.5}{extra}   ",
                "#".repeat(filled),
                "-".repeat(30 - filled),
                self.total
            );
            if e == self.total {
                eprintln!();
            }
        } else if pct >= self.last_pct + 10 || e == self.total {
            self.last_pct = pct;
            eprintln!("epoch {e}/{}  loss {loss:.5}{extra}", self.total);
        }
        let _ = std::io::stderr().flush();
    }
}

fn cmd_train(flags: &Flags) -> Result<(), String> {
    if let Some(out) = flags.get::<String>("out")? {
        check_writable(&out)?;
    }
    let mut t = match flags.get::<String>("resume")? {
        Some(path) => resume_from(flags, &path)?,
        None => Trainer::new(config_from(flags, preset_flag(flags)?)?)?,
    };
    let cut: f64 = flags
        .get("max-loss")?
        .unwrap_or_else(|| t.system().keep_loss());
    let target = t.config().epochs.max(t.epoch());
    let mut progress = Progress::new(target, flags.has("quiet"));
    let start = Instant::now();
    let mut seen_events = 0;
    let mut diverged = None;
    let budget = t.budget(target);
    let run = t.train_budget(target, |t| {
        for ev in &t.events()[seen_events..] {
            eprintln!("\n[epoch {}] {}", ev.epoch, ev.message);
        }
        seen_events = t.events().len();
        if t.epoch() == target + 1 {
            eprintln!(
                "\nnot converged at epoch {target}: training on, up to epoch {budget} (--max-epochs)"
            );
            progress.extend(budget);
        }
        progress.show(t);
    });
    progress.done(&t);
    if let Err(d) = run {
        eprintln!(
            "training diverged: {} (parameters rolled back to the last finite state)",
            d.message
        );
        diverged = Some(d.message.to_string());
    }
    if diverged.is_none() && t.keep_converged() {
        eprintln!("the run had drifted above its cut: it ends in its last converged state");
    }
    let secs = start.elapsed().as_secs_f64();
    let json = flags.has("json");
    let verdict = Verdict::of(&t, diverged.as_deref(), cut);
    if !json {
        print_summary(&t, secs);
        out!("verdict: {verdict}");
    }
    let out = flags.get::<String>("out")?;
    if let Some(out) = &out {
        // Never a model that cannot be evaluated: the divergence guard keeps the last finite
        // parameters, and a non-finite one is refused here.
        if t.theta().iter().any(|v| !v.is_finite()) {
            return Err(format!("not writing {out}: the parameters are not finite"));
        }
        write_file(out, &ModelFile::from_trainer(&t).to_json())?;
        if !json {
            out!("model written to {out}");
        }
    }
    if json {
        let report = train_report(&t, secs, &verdict, out.as_deref());
        out!("{}", serde_json::to_string_pretty(&report).expect("json"));
    }
    if verdict.ok() {
        Ok(())
    } else {
        Err(format!("the run did not converge ({verdict})"))
    }
}

/// `train --json`: the run's final report as one object, for any system — θ by block, the
/// model's scalars, the loss in parts, the verdict, the recipe's events, and what the system can
/// say of the result (the published shape, the emergent-metric criterion; `null` where it has
/// nothing to compare with).
fn train_report(t: &Trainer, secs: f64, verdict: &Verdict, out: Option<&str>) -> serde_json::Value {
    let model = t.model();
    let loss = t.full_loss();
    let c = t.config();
    let scalars: serde_json::Map<String, serde_json::Value> = model
        .scalar_names()
        .iter()
        .zip(model.scalars())
        .map(|(n, v)| (n.to_string(), v.into()))
        .collect();
    let events: Vec<serde_json::Value> = t
        .events()
        .iter()
        .map(|e| serde_json::json!({"epoch": e.epoch, "message": e.message.to_string()}))
        .collect();
    let reached = t.system().probe().and_then(|p| {
        t.last_epoch_loss()
            .and_then(|l| p.reached_metric(l, t.params()))
    });
    let mut observables = model.observables();
    observables.insert("published_shape".into(), model.published_shape().into());
    observables.insert("reached_metric".into(), reached.into());
    serde_json::json!({
        "preset": c.preset,
        "seed": c.seed,
        "epochs": t.epoch(),
        "restarts": t.attempt(),
        "seconds": secs,
        "params": Named::of(model.blocks(), t.theta()),
        "scalars": scalars,
        "loss": {"data": loss.data, "reg": loss.reg, "total": loss.total()},
        "verdict": verdict,
        "events": events,
        "observables": observables,
        "model_file": out,
    })
}

fn print_summary(t: &Trainer, secs: f64) {
    let loss = t.full_loss();
    let c = t.config();
    out!(
        "preset {}  seed {}  epochs {}  ({:.2} s, {:.2} ms/epoch)  restarts {}",
        c.preset,
        c.seed,
        t.epoch(),
        secs,
        1e3 * secs / t.epoch().max(1) as f64,
        t.attempt()
    );
    out!(
        "loss {:.5}  (data {:.5} + regulariser {:.5}, training set as one batch)",
        loss.total(),
        loss.data,
        loss.reg
    );
    let Some(probe) = t.system().probe() else {
        for line in t.model().summary() {
            out!("{line}");
        }
        return;
    };
    let p = t.params();
    let truth = probe.truth(&c.inputs(), t.network());
    out!(
        "{:>3} {:>8} {:>10} {}",
        "k",
        "eta_k",
        "h_k",
        if truth.is_some() {
            "   true     error"
        } else {
            ""
        }
    );
    for (k, h) in p.h.iter().enumerate() {
        let eta = t.network().bulk.eta(k);
        match &truth {
            Some(tr) => out!(
                "{k:>3} {eta:>8.4} {h:>10.4} {:>8.4} {:>+8.2}%",
                tr.h[k],
                100.0 * (h - tr.h[k]) / tr.h[k]
            ),
            None => out!("{k:>3} {eta:>8.4} {h:>10.4}"),
        }
    }
    if let Some(line) = probe.couplings_line(p) {
        out!("{line}");
    }
}

/// The system behind `id` as a probe system, or why a command that reads P2's network cannot
/// run on it.
fn probe_of(id: SystemId) -> Result<&'static dyn ProbeSystem, String> {
    id.system().probe().ok_or_else(|| {
        format!(
            "this command reads P2's probe-scalar network, which the system '{id}' does not use"
        )
    })
}

fn cmd_eval(flags: &Flags) -> Result<(), String> {
    let path: String = flags.get("model")?.ok_or("--model is required")?;
    let m = ModelFile::from_json(&read_file(&path)?).map_err(|e| format!("{path}: {e}"))?;
    if m.preset.system().probe().is_none() {
        return eval_model(flags, &m);
    }
    let sys = probe_of(m.preset)?;
    let points: Vec<Sample> = if let Some(csv) = flags.get::<String>("data")? {
        parse_csv(&read_file(&csv)?, sys.input_columns()).map_err(|e| format!("{csv}: {e}"))?
    } else if flags.has("train-set") {
        Trainer::new(m.config())?.data().to_vec()
    } else {
        sys.bundled_points(&m.config().inputs())
    };
    let report = evaluate(&m.network(), &m.params(), &m.regularizer(), &points, sys);
    if flags.has("json") {
        out!("{}", serde_json::to_string_pretty(&report).expect("json"));
    } else {
        out!(
            "loss {:.6}  (data {:.6} + regulariser {:.6}) on {} points",
            report["loss"],
            report["data_loss"],
            report["reg_loss"],
            points.len()
        );
        for p in report["points"].as_array().into_iter().flatten() {
            out!("{}", p);
        }
    }
    Ok(())
}

/// Loss, gradient and per-point outputs of a model on points evaluated as one batch.
/// `eval` of a system with its own model: the model file's θ on its training data or on the
/// table of `--data FILE` (the loss in parts, and the model's observables).
fn eval_model(flags: &Flags, m: &ModelFile) -> Result<(), String> {
    let mut config = m.config();
    if let Some(file) = flags.get::<String>("data")? {
        config.table = Some(read_file(&file)?);
        config.validate().map_err(|e| format!("{file}: {e}"))?;
    }
    let mut t = Trainer::new(config)?;
    t.set_theta(m.theta()?)?;
    let loss = t.full_loss();
    if flags.has("json") {
        let report = json!({
            "loss": loss.total(),
            "data_loss": loss.data,
            "reg_loss": loss.reg,
            "items": t.model().items(),
            "observables": t.model().observables(),
        });
        out!("{}", serde_json::to_string_pretty(&report).expect("json"));
    } else {
        out!(
            "loss {:.6}  (data {:.6} + regulariser {:.6}) on {} items",
            loss.total(),
            loss.data,
            loss.reg,
            t.model().items()
        );
        for line in t.model().summary() {
            out!("{line}");
        }
    }
    Ok(())
}

fn evaluate(
    net: &Network,
    p: &Params,
    reg: &Regularizer,
    points: &[Sample],
    sys: &dyn ProbeSystem,
) -> serde_json::Value {
    let mut g = p.zeros_like();
    let data = net
        .batch_loss_grad(p, points, &mut g, &mut Workspace::default())
        .data_loss;
    let r = reg.loss_grad(&net.bulk, p, Some(&mut g));
    let names = sys.input_columns();
    let pts: Vec<_> = points
        .iter()
        .map(|s| {
            let [phi, pi] = net.forward(p, s.x);
            json!({ names[0]: s.x[0], names[1]: s.x[1], "label": s.y, "phi_fin": phi, "pi_fin": pi, "t": t_of_f(pi) })
        })
        .collect();
    let grad = if sys.train_couplings() {
        json!({ "h": g.h, "lambda": g.lambda, "ads_radius": g.ads_radius })
    } else {
        json!({ "h": g.h })
    };
    json!({ "loss": data + r, "data_loss": data, "reg_loss": r, "grad": grad, "points": pts })
}

fn cmd_bench(flags: &Flags) -> Result<(), String> {
    let epochs: usize = flags.get("epochs")?.unwrap_or(30);
    if let Some(name) = flags.get::<String>("kernel")? {
        Kernel::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = Kernel::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "--kernel {name}: not a kernel (one of {})",
                    names.join(", ")
                )
            })?
            .choose()
            .map_err(|e| format!("--kernel {name}: {e}"))?;
    }
    let mut t = Trainer::new(bench_config())?;
    let layers = t.network().bulk.layers as f64;
    let samples = t.data().len() as f64;
    t.epoch_step().map_err(|d| d.message.to_string())?; // warm-up
    let mut times = Vec::new();
    for _ in 0..epochs {
        let s = Instant::now();
        t.epoch_step().map_err(|d| d.message.to_string())?;
        times.push(s.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    out!(
        "{} epoch (paper protocol: {} samples, batch {}, Adam, float64, one thread, {} kernel):",
        t.system().short_title(),
        samples,
        t.config().batch,
        Kernel::current().name()
    );
    out!(
        "  median {:.3} ms/epoch, best {:.3} ms, over {epochs} epochs",
        1e3 * median,
        1e3 * times[0]
    );
    out!(
        "  forward+backward throughput {:.3e} sample·layers/s",
        samples * layers / median
    );
    out!("  1500 epochs ≈ {:.2} s", 1500.0 * median);
    Ok(())
}

fn cmd_charts(flags: &Flags) -> Result<(), String> {
    let path: String = flags.get("model")?.ok_or("--model is required")?;
    let dir: String = flags.get("out-dir")?.ok_or("--out-dir is required")?;
    let m = ModelFile::from_json(&read_file(&path)?).map_err(|e| format!("{path}: {e}"))?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create '{dir}': {e}"))?;
    let t = m.resume()?;
    for (name, svg) in adsdl::charts::all_svgs(&t, &adsdl::charts::Theme::light())? {
        let file = format!("{dir}/{name}.svg");
        write_file(&file, &svg)?;
        out!("wrote {file}");
    }
    Ok(())
}

fn cmd_spectrum(flags: &Flags) -> Result<(), String> {
    let path: String = flags.get("model")?.ok_or("--model is required")?;
    let m = ModelFile::from_json(&read_file(&path)?).map_err(|e| format!("{path}: {e}"))?;
    probe_of(m.preset)?;
    let t = m.resume()?;
    let s = adsdl::charts::spectrum_of(&t).with_exact(
        t.network(),
        t.params(),
        t.data(),
        t.regularizer(),
    );
    if flags.has("json") {
        out!("{}", serde_json::to_string_pretty(&s).expect("json"));
        return Ok(());
    }
    out!(
        "Gauss-Newton matrix G = (1/N) sum_i grad t_i grad t_i^T over the {} training points ({} move at all), in ({}); docs/physics.md §6.",
        s.points,
        s.active_points,
        s.names.join(", ")
    );
    out!(
        "{:>3}  {:>10}  {:>10}  {:>10}  {:<11}  largest components",
        "#",
        "g_v",
        "step",
        "reg vHv",
        "set by"
    );
    for (k, d) in s.directions.iter().enumerate() {
        out!(
            "{:>3}  {:>10.3e}  {:>10.3e}  {:>10.3e}  {:<11}  {}",
            k + 1,
            d.data,
            d.resolution(),
            d.regularizer,
            if d.set_by_data() {
                "data"
            } else {
                "regulariser"
            },
            s.leading(d, 3)
        );
    }
    out!(
        "step: how far along the direction the outputs t change by {} (RMS). {} of {} directions are set by the data (step < {}); the regulariser chooses the rest.",
        adsdl::observables::determined::RESOLUTION_T,
        s.set_by_data(),
        s.directions.len(),
        adsdl::observables::determined::DETERMINED_STEP
    );
    let exact = s.exact.as_ref().expect("computed above");
    let negative = exact.eigenvalues.iter().filter(|&&mu| mu < 0.0).count();
    out!(
        "Exact Hessian of the whole-set loss E: eigenvalues from {:.3e} to {:.3e}, {negative} of {} negative{}.",
        exact.eigenvalues[0],
        exact.eigenvalues[exact.eigenvalues.len() - 1],
        exact.eigenvalues.len(),
        if negative > 0 {
            ": these parameters are not a minimum of E, and only the Gauss-Newton band exists"
        } else {
            ": a minimum"
        }
    );
    let Some(l) = &s.laplace else {
        out!(
            "Laplace band: none; {}",
            if t.probe_system()
                .measurements(&t.config().inputs())
                .is_some()
            {
                "2G + H_reg has a flat direction here (the posterior is improper)."
            } else {
                "the points are labelled by a known metric, not drawn from measurements."
            }
        );
        return Ok(());
    };
    out!(
        "Laplace band (docs/physics.md §6): E read as a posterior exp(-E/T), T = 2m²/N_m = {:.3e}, m = mean |t - y| = {:.4}, N_m = {} measurements. One standard deviation with the Gauss-Newton curvature 2G + H_reg, and with the exact Hessian where it is a minimum:",
        l.temperature,
        l.mean_abs,
        l.measurements
    );
    let p = t.params();
    let values = p.h.iter().chain([&p.lambda, &p.ads_radius]);
    for (k, (name, v)) in s.names.iter().zip(values).enumerate() {
        let exact_sd = exact
            .laplace
            .as_ref()
            .map_or_else(|| "-".to_string(), |e| format!("{:.3e}", e.sd[k]));
        out!(
            "  {name:>6} = {v:>10.4}  ± {:.3e}  (exact: {exact_sd})",
            l.sd[k]
        );
    }
    Ok(())
}

fn cmd_observables(flags: &Flags) -> Result<(), String> {
    use adsdl::observables::reconstruct::{GChoice, Placement};
    use adsdl::observables::{observe, Options, P2_HORIZON_MATCH};
    let path: String = flags.get("model")?.ok_or("--model is required")?;
    let m = ModelFile::from_json(&read_file(&path)?).map_err(|e| format!("{path}: {e}"))?;
    let Some(temp) = probe_of(m.preset)?.temperature_gev() else {
        return Err(format!(
            "observables need a model whose L has physical units and a temperature to fix the scale; {} has none",
            m.preset
        ));
    };
    let opt =
        Options {
            placement: match flags.get::<String>("placement")?.as_deref() {
                None | Some("p2") => Placement::P2,
                Some("network") => Placement::Network,
                Some(o) => return Err(format!("--placement '{o}': expected 'p2' or 'network'")),
            },
            g: match flags.get::<String>("g")?.as_deref() {
                None | Some("exp") => GChoice::Exponential,
                Some("cosh") => GChoice::Cosh,
                Some(o) => return Err(format!("--g '{o}': expected 'exp' or 'cosh'")),
            },
            horizon_match: match flags.get::<String>("horizon-match")?.as_deref() {
                Some("end") => None,
                None | Some("p2") => Some(P2_HORIZON_MATCH),
                Some(v) => Some(v.parse::<f64>().map_err(|_| {
                    format!("--horizon-match '{v}': expected 'end', 'p2' or a number")
                })?),
            },
            ..Options::default()
        };
    let grid = m.network().bulk.etas();
    let (_, _, r) = observe(m.h(), &grid, m.bulk().d as f64, m.params().ads_radius, temp, opt)
        .ok_or("this metric has no horizon-like rise at the horizon end or does not approach d at the boundary: nothing to reconstruct")?;
    let range = adsdl::observables::continuation_range(
        m.h(),
        &grid,
        m.bulk().d as f64,
        m.params().ads_radius,
        temp,
        opt,
    );
    let physical = adsdl::observables::compare::physical(&r);
    if let Some(dir) = flags.get::<String>("out-dir")? {
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create '{dir}': {e}"))?;
        let th = adsdl::charts::Theme::light();
        for (name, which) in [("fg", 0), ("potential", 1), ("potential-physical", 2)] {
            let mut buf = String::new();
            {
                use plotters::prelude::*;
                let root = SVGBackend::with_string(&mut buf, (800, 500)).into_drawing_area();
                let res = match (which, &physical) {
                    (0, _) => adsdl::charts::draw_fg(&root, &r, &th),
                    (1, _) => adsdl::charts::draw_potential(&root, &r, range.as_ref(), &th),
                    (_, Some(p)) => adsdl::charts::draw_potential_physical(&root, p, &th),
                    (_, None) => continue,
                };
                res.map_err(|e| format!("drawing {name}: {e:?}"))?;
                root.present()
                    .map_err(|e| format!("drawing {name}: {e:?}"))?;
            }
            write_file(&format!("{dir}/{name}.svg"), &buf)?;
        }
    }
    if flags.has("json") {
        let mut v = serde_json::to_value(&r).expect("json");
        v["continuation_range"] = serde_json::to_value(&range).expect("json");
        v["physical"] = serde_json::to_value(&physical).expect("json");
        out!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return Ok(());
    }
    out!(
        "placement {} (η = 1 − k/N for p2), g = {}, L = {:.4} GeV⁻¹, T L = {:.4}",
        r.placement,
        r.g,
        r.ads_radius,
        r.tl
    );
    out!("h ≈ 1/(η − c1) + c2 near the horizon: c1 = {:.4}, c2 = {:.3};  h ≈ d − c3 e^(−c4 η) near the boundary: c3 = {:.4e}, c4 = {:.3}", r.c1, r.c2, r.c3, r.c4);
    out!("g = c5 e^(2η′) normalisation from T: c5 = {:.3}", r.c5);
    match r.f_peak {
        Some((e, f)) => out!("IR wall: f has a maximum {f:.4e} at η′ = {e:.3} (units of L)"),
        None => out!("no IR wall: f grows monotonically"),
    }
    out!("{:>8} {:>12} {:>14} {:>14}", "eta'", "h", "f", "g");
    for m in r.metric.iter().step_by(2) {
        out!(
            "{:>8.3} {:>12.4} {:>14.5e} {:>14.5e}",
            m[0],
            m[1],
            m[2],
            m[3]
        );
    }
    out!("quark–antiquark potential (connected string while favoured, 0 = screened):");
    out!("{:>10} {:>10} {:>12}", "d [L]", "d [fm]", "2πα′V [1/L]");
    let step = (r.potential.len() / 25).max(1);
    for p in r.potential.iter().step_by(step) {
        out!("{:>10.4} {:>10.4} {:>12.4}", p[0], p[1], p[2]);
    }
    out!(
        "linear from d = {:.3} L ({:.3} fm), screened beyond d = {:.3} L ({:.3} fm)",
        r.d_linear,
        r.d_linear_fm,
        r.d_screen,
        r.d_screen_fm
    );
    if let (Some(lin), Some(scr)) = (r.tip_linear, r.tip_screen) {
        // η = η′ + c₁ is the network's own coordinate (layer k of P2's placement at 1 − k/15).
        out!(
            "where the strings hang: the tips of the linear region's strings lie at η = {:.3} … {:.3} (η′ = {:.3} … {:.3}); no favoured connected string reaches below η = {:.3}, so the metric deeper than that (toward the horizon) is not seen by the Wilson loop",
            lin + r.c1,
            scr + r.c1,
            lin,
            scr,
            scr + r.c1
        );
    }
    if let Some(c) = range {
        out!(
            "the data do not fix how h continues to the horizon: matched anywhere in η = {:.3} … {:.2}, the screening distance is {:.3} … {:.3} L and the linear region starts at {:.3} … {:.3} L",
            c.eta_m[0], c.eta_m[1], c.d_screen[0], c.d_screen[1], c.d_linear[0], c.d_linear[1]
        );
    }
    if let Some(p) = physical {
        out!(
            "in GeV and fm (α′ is not fixed by the data): with the Cornell tension σ = {:.4} GeV² on its linear region, L²/2πα′ = {:.4}, and the Coulomb coefficient at {:.3} fm is {:.3} (Cornell: κ = {}; Andreev–Zakharov: {:.3})",
            adsdl::observables::compare::cornell_sigma(),
            p.l2_over_2pi_alpha,
            p.network.first().map_or(0.0, |x| x.0),
            p.network_kappa,
            adsdl::observables::compare::CORNELL_KAPPA,
            adsdl::observables::compare::andreev_zakharov_kappa()
        );
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn cmd_serve(flags: &Flags) -> Result<(), String> {
    let dir: String = flags.get("dir")?.unwrap_or_else(|| "dist".into());
    let port: u16 = flags.get("port")?.unwrap_or(8000);
    let host: String = flags.get("host")?.unwrap_or_else(|| "127.0.0.1".into());
    let mut o = adsdl::serve::Options::new(dir, format!("{host}:{port}"));
    o.prefix = flags.get("prefix")?.unwrap_or_else(|| "/".into());
    o.max_connections = flags.get("max-connections")?;
    if o.max_connections == Some(0) {
        return Err("--max-connections must be at least 1".into());
    }
    if let Some(secs) = flags.get::<f64>("header-timeout")? {
        if !(secs > 0.0 && secs <= 3600.0) {
            return Err(format!(
                "--header-timeout {secs}: expected seconds in (0, 3600]"
            ));
        }
        o.header_timeout = std::time::Duration::from_secs_f64(secs);
    }
    o.follow_symlinks = flags.has("follow-symlinks");
    o.dotfiles = flags.has("dotfiles");
    adsdl::serve::serve(&o)
}

#[cfg(target_arch = "wasm32")]
fn cmd_serve(_: &Flags) -> Result<(), String> {
    Err("serve runs natively only".into())
}

fn cmd_settings(flags: &Flags) -> Result<(), String> {
    if flags.has("markdown") {
        out_raw(&adsdl::url_state::markdown_table());
        return Ok(());
    }
    if flags.has("json") {
        let systems: Vec<_> = adsdl::systems::REGISTRY
            .iter()
            .map(|s| {
                let charts: Vec<_> = s.charts().iter().map(|c| c.name()).collect();
                json!({ "name": s.id().name(), "title": s.title(), "charts": charts, "in_page": s.in_page() })
            })
            .collect();
        let list: Vec<_> = SETTINGS
            .iter()
            .map(|s| json!({ "key": s.key, "flag": s.flag, "path": s.path, "help": s.help(), "control": s.control }))
            .collect();
        // The default page as the build writes it into index.html and ja.html
        // (scripts/prerender.mjs): its state, settings controls and reference caption, in each
        // language.
        let pages: serde_json::Map<String, serde_json::Value> = adsdl::i18n::Lang::ALL
            .iter()
            .map(|&lang| {
                adsdl::i18n::set_lang(lang);
                let state = adsdl::url_state::PageState::new(SystemId::default_system());
                let page = json!({
                    "controls": adsdl::url_state::controls(&state),
                    "reference_caption": state.config.preset.system().probe().map(|p| p.reference_caption()),
                    "state": state,
                });
                (lang.code().to_string(), page)
            })
            .collect();
        adsdl::i18n::set_lang(adsdl::i18n::Lang::En);
        out!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "systems": systems,
                "settings": list,
                "pages": pages,
            }))
            .expect("json")
        );
        return Ok(());
    }
    for s in SETTINGS {
        out!(
            "{:<8} {:<14} {}",
            s.key,
            s.flag.map_or("—".into(), |f| format!("--{f}")),
            s.help()
        );
    }
    Ok(())
}

fn run(name: &str, m: &ArgMatches) -> Result<(), String> {
    let flags = Flags { m };
    match name {
        "train" => cmd_train(&flags),
        "eval" => cmd_eval(&flags),
        "ensemble" => ensemble::cmd_ensemble(&flags),
        "merge" => ensemble::cmd_merge(&flags),
        "bench" => cmd_bench(&flags),
        "charts" => cmd_charts(&flags),
        "serve" => cmd_serve(&flags),
        "observables" => cmd_observables(&flags),
        "invert" => invert::cmd(&flags),
        "spectrum" => cmd_spectrum(&flags),
        "settings" => cmd_settings(&flags),
        other => unreachable!("clap knows every subcommand, not '{other}'"),
    }
}

fn main() -> ExitCode {
    let matches = cli().get_matches();
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    let result = run(name, sub);
    // What is still buffered must reach the file too: an error here is a lost report.
    stdout_failed(std::io::stdout().flush());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("adsdl: {e}");
            if WRITE_FAILED.load(std::sync::atomic::Ordering::Relaxed) {
                ExitCode::from(EXIT_WRITE)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
