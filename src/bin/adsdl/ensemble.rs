//! `adsdl ensemble` and `adsdl merge`: many seeds summarised as P2 Table II, whole or in shards
//! (one process per shard on a cluster or with GNU parallel; `scripts/slurm-ensemble.sh`).

use super::{config_from, preset_flag, read_file, Flags};
use adsdl::train::ensemble::{summarize_with_observables, train_member, RunResult, Summary};
use adsdl::train::TrainConfig;
use serde_json::json;
use std::io::Write;
use std::time::Instant;

/// What `adsdl ensemble` runs: train the seeds (all, or one shard's), then report them — or, with
/// `--jsonl`, print one line per run for `adsdl merge`.
pub fn cmd_ensemble(flags: &Flags) -> Result<(), String> {
    let base = config_from(flags, preset_flag(flags)?)?;
    let runs: usize = flags.get("runs")?.unwrap_or(8);
    let threads: usize = flags
        .get("threads")?
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let max_loss: f64 = flags
        .get("max-loss")?
        .unwrap_or_else(|| base.preset.system().keep_loss());
    if !(1..=MAX_RUNS).contains(&runs) {
        return Err(format!("--runs {runs}: expected 1 … {MAX_RUNS}"));
    }
    let shard = match flags.get::<String>("shard")? {
        Some(text) => Some(parse_shard(&text)?),
        None => None,
    };
    // Shard K of N takes the runs K−1, K−1+N, …: every seed in exactly one shard, and shards of
    // equal size within one run.
    let seeds: Vec<u64> = (0..runs as u64)
        .filter(|i| shard.is_none_or(|(k, n)| i % n == k - 1))
        .map(|i| base.seed + i)
        .collect();
    let jsonl = flags.has("jsonl");
    if shard.is_some() && !jsonl {
        return Err("--shard reports one shard's runs only: add --jsonl, then join the shards with `adsdl merge`".into());
    }
    // --resume FILE: a killed shard's lines are kept; only its runs not in FILE train again.
    let seeds = match flags.get::<String>("resume")? {
        Some(path) if jsonl => {
            let done = finished_seeds(&path)?;
            seeds.into_iter().filter(|s| !done.contains(s)).collect()
        }
        Some(_) => return Err("--resume continues a --jsonl shard: add --jsonl".into()),
        None => seeds,
    };
    let start = Instant::now();
    // With --jsonl each run's line goes out (flushed: stdout is line-buffered) the moment the run
    // ends, so a killed job keeps every finished run for `adsdl merge`.
    let results = run_parallel(&base, &seeds, threads, flags.has("quiet"), &|r| {
        if jsonl {
            let line = json!({ "format": RUN_FORMAT, "version": 1, "config": base, "runs": runs, "max_loss": max_loss, "run": r });
            out!("{line}");
        }
    })?;
    let secs = start.elapsed().as_secs_f64();
    if jsonl {
        return Ok(());
    }
    report(flags, &base, &results, max_loss, secs)
}

/// The most runs one ensemble may have (a bound for `merge`, which lists the missing ones).
const MAX_RUNS: usize = 100_000;

/// The format name of `ensemble --jsonl` lines.
const RUN_FORMAT: &str = "adsdl-ensemble-run";

/// The seeds whose runs a `--jsonl` file already holds (whole lines only: a line cut short by a
/// kill is run again).
fn finished_seeds(path: &str) -> Result<Vec<u64>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read '{path}': {e}")),
    };
    Ok(text
        .split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["format"] == RUN_FORMAT)
        .filter_map(|v| v["run"]["seed"].as_u64())
        .collect())
}

/// `K/N` with 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("--shard '{text}': expected K/N with 1 ≤ K ≤ N (e.g. 2/8)");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// `adsdl merge`: join the `--jsonl` lines of ensemble shards into the report the unsharded
/// ensemble prints (the same runs give the same summary, observables and verdict, bit for bit).
pub fn cmd_merge(flags: &Flags) -> Result<(), String> {
    let files: Vec<String> = flags
        .m
        .get_many::<String>("files")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    if files.is_empty() {
        return Err(
            "name the shard files to merge (the output of `adsdl ensemble --shard K/N --jsonl`)"
                .into(),
        );
    }
    let mut head: Option<(serde_json::Value, usize, f64)> = None;
    let mut results: Vec<RunResult> = Vec::new();
    let mut seconds = 0.0;
    for path in &files {
        let text = read_file(path)?;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{path}, line {}", i + 1);
            let v: serde_json::Value = match serde_json::from_str(line) {
                Ok(v) => v,
                // A last line cut short: the job was killed while writing it. Its run counts as
                // missing (named below), the whole lines before it as done.
                Err(_) if i + 1 == lines.len() && !line.ends_with('\n') => {
                    eprintln!("{at}: cut short (a killed job); its run is left out");
                    continue;
                }
                Err(e) => return Err(format!("{at}: {e}")),
            };
            if v["format"] != RUN_FORMAT || v["version"] != 1 {
                return Err(format!(
                    "{at}: not an `adsdl ensemble --jsonl` line (format {RUN_FORMAT}, version 1)"
                ));
            }
            let runs = v["runs"]
                .as_u64()
                .filter(|n| (1..=MAX_RUNS as u64).contains(n))
                .ok_or_else(|| {
                    format!(
                        "{at}: \"runs\" must be a whole number 1 … {MAX_RUNS}, got {}",
                        v["runs"]
                    )
                })? as usize;
            let this = (
                v["config"].clone(),
                runs,
                v["max_loss"]
                    .as_f64()
                    .ok_or_else(|| format!("{at}: no \"max_loss\""))?,
            );
            match &head {
                None => head = Some(this),
                Some(h) if *h != this => {
                    return Err(format!("{at}: another ensemble (its configuration, run count or cut differ from the first line's)"))
                }
                Some(_) => {}
            }
            let r: RunResult =
                serde_json::from_value(v["run"].clone()).map_err(|e| format!("{at}: {e}"))?;
            if results.iter().any(|q| q.seed == r.seed) {
                return Err(format!("{at}: seed {} appears twice", r.seed));
            }
            seconds += r.seconds;
            results.push(r);
        }
    }
    let (config, runs, max_loss) = head.ok_or("the files hold no runs")?;
    let base: TrainConfig =
        serde_json::from_value(config).map_err(|e| format!("{}: configuration: {e}", files[0]))?;
    let missing: Vec<String> = (0..runs as u64)
        .map(|i| base.seed + i)
        .filter(|s| results.iter().all(|r| r.seed != *s))
        .map(|s| s.to_string())
        .collect();
    if !missing.is_empty() {
        let shown = missing.len().min(20);
        let more = if missing.len() > shown {
            format!(" and {} more", missing.len() - shown)
        } else {
            String::new()
        };
        return Err(format!(
            "{} of {runs} runs are missing (seeds {}{more}): a shard was not given or did not finish; rerun a cut shard with its own flags and `--resume FILE >> FILE`, then merge again",
            missing.len(),
            missing[..shown].join(", ")
        ));
    }
    if let Some(r) = results
        .iter()
        .find(|r| r.seed < base.seed || r.seed - base.seed >= runs as u64)
    {
        return Err(format!(
            "seed {} is not one of this ensemble's {runs} runs (seeds {} …)",
            r.seed, base.seed
        ));
    }
    results.sort_by_key(|r| r.seed);
    report(flags, &base, &results, max_loss, seconds)
}

/// The ensemble's report (text or `--json`) and its verdict, for `ensemble` and `merge` alike.
fn report(
    flags: &Flags,
    base: &TrainConfig,
    results: &[RunResult],
    max_loss: f64,
    secs: f64,
) -> Result<(), String> {
    let s = summarize_with_observables(base.preset, results, max_loss);
    let probe = base.preset.system().probe();
    // Wall and V(d) of the kept runs, with the horizon continued as P2 did (see README).
    let obs = probe.and_then(|sys| {
        let temp = sys.temperature_gev()?;
        let params: Vec<adsdl::physics::Params> = results
            .iter()
            .filter(|r| r.kept(max_loss))
            .filter_map(|r| r.probe_params())
            .collect();
        let kept: Vec<&adsdl::physics::Params> = params.iter().collect();
        let opt = adsdl::observables::Options {
            horizon_match: Some(adsdl::observables::P2_HORIZON_MATCH),
            tips: 200,
            ..Default::default()
        };
        let bulk = sys.network().bulk;
        Some(adsdl::observables::ensemble_observables(
            &kept,
            &bulk.etas(),
            bulk.d as f64,
            temp,
            opt,
        ))
    });
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.converged(max_loss))
        .map(|r| {
            if r.diverged {
                format!("seed {} diverged", r.seed)
            } else {
                format!("seed {} ended at loss {:.4}", r.seed, r.loss)
            }
        })
        .collect();
    if flags.has("json") {
        out!(
            "{}",
            serde_json::to_string_pretty(
                &json!({ "config": base, "summary": s, "observables": obs, "runs": results, "seconds": secs, "not_converged": failed })
            )
            .expect("json")
        );
    } else {
        print_ensemble(base, results, &s, secs);
        if let Some(o) = obs.filter(|o| o.runs > 0) {
            out!(
                "wall (max of f) at η′ = {:.3} ± {:.3} L; linear from d = {:.3} ± {:.3} L (median {:.3}); screened beyond d = {:.3} ± {:.3} L (median {:.3}) = {:.3} ± {:.3} fm ({} runs; P2: 0.364, ≈ 0.07, ≈ 0.27 L)",
                o.wall.mean,
                o.wall.sd,
                o.d_linear.mean,
                o.d_linear.sd,
                o.median_d_linear,
                o.d_screen.mean,
                o.d_screen.sd,
                o.median_d_screen,
                o.d_screen_fm.mean,
                o.d_screen_fm.sd,
                o.runs
            );
        }
        out!(
            "verdict: {} of {} runs converged (loss ≤ {max_loss}){}",
            results.len() - failed.len(),
            results.len(),
            if failed.is_empty() {
                String::new()
            } else {
                format!("; not: {}", failed.join(", "))
            }
        );
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} runs did not converge: {}",
            failed.len(),
            results.len(),
            failed.join(", ")
        ))
    }
}

/// Train `seeds` (the rest of the configuration from `base`) on `threads` threads.
fn run_parallel(
    base: &TrainConfig,
    seeds: &[u64],
    threads: usize,
    quiet: bool,
    on_run: &(dyn Fn(&RunResult) + Sync),
) -> Result<Vec<RunResult>, String> {
    let runs = seeds.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out = std::sync::Mutex::new(Vec::new());
    let clock = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads.min(runs) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= runs {
                    break;
                }
                let mut c = base.clone();
                c.seed = seeds[i];
                let r = train_member(c, &|| clock.elapsed().as_secs_f64());
                if let Ok(r) = &r {
                    on_run(r);
                }
                if !quiet {
                    if let Ok(r) = &r {
                        let couplings = r.probe_params().map_or(String::new(), |p| {
                            format!("  L {:.3}  λ {:+.4}", p.ads_radius, p.lambda)
                        });
                        eprintln!(
                            "seed {:>4}: loss {:.4}{couplings}  restarts {}  shape at epoch {}  ({:.1} s)",
                            r.seed,
                            r.loss,
                            r.restarts,
                            r.shape_epoch.map_or("never".into(), |e| e.to_string()),
                            r.seconds
                        );
                    }
                }
                out.lock().expect("no poisoned lock").push(r);
            });
        }
    });
    let mut v: Vec<RunResult> = out
        .into_inner()
        .expect("no poisoned lock")
        .into_iter()
        .collect::<Result<_, _>>()?;
    v.sort_by_key(|r| r.seed);
    Ok(v)
}

fn print_ensemble(base: &TrainConfig, results: &[RunResult], s: &Summary, secs: f64) {
    out!(
        "ensemble: preset {}, recipe {}, lr {}, {} epochs, seeds {}…{}; {:.1} s wall clock",
        base.preset,
        base.recipe.name(),
        base.lr,
        base.epochs,
        base.seed,
        base.seed + results.len() as u64 - 1,
        secs
    );
    let shape_epochs: Vec<usize> = results.iter().filter_map(|r| r.shape_epoch).collect();
    out!(
        "kept {} of {} runs with loss ≤ {} ({} with the published shape); restarts in all: {}",
        s.kept,
        s.runs,
        s.max_loss,
        s.with_shape,
        results.iter().map(|r| r.restarts).sum::<u32>()
    );
    if !shape_epochs.is_empty() {
        let mut e = shape_epochs.clone();
        e.sort_unstable();
        out!(
            "epochs to the published shape: median {}, worst {} ({} runs)",
            e[e.len() / 2],
            e[e.len() - 1],
            e.len()
        );
    }
    if s.kept == 0 {
        return;
    }
    let Some(sys) = base.preset.system().probe() else {
        print_observables(s);
        out!("loss = {:.4} ± {:.4}", s.loss.mean, s.loss.sd);
        return;
    };
    let r = sys.reference(&base.inputs(), &sys.network());
    out!("{:>3} {:>18} {:>18}", "k", "h_k (this)", r.label);
    for (k, m) in s.h.iter().enumerate() {
        let band = r.band.as_ref().map_or(String::new(), |b| {
            format!("({:.4})", (b[k].2 - b[k].1) / 6.0)
        });
        out!(
            "{k:>3} {:>18} {:>18}",
            format!("{:.4} ± {:.4}", m.mean, m.sd),
            format!("{:.4}{band}", r.at_layers[k])
        );
    }
    if sys.train_couplings() {
        let published = sys.published_couplings();
        let l = published.map_or(String::new(), |p| format!("   (published: {})", p.0));
        let lam = published.map_or(String::new(), |p| format!("   (published: {})", p.1));
        out!(
            "L   = {:.3} ± {:.3} GeV⁻¹{l}",
            s.ads_radius.mean,
            s.ads_radius.sd
        );
        out!("1/L = {:.1} ± {:.1} MeV", s.inv_l_mev.mean, s.inv_l_mev.sd);
        out!("λ   = {:.5} ± {:.5}{lam}", s.lambda.mean, s.lambda.sd);
    }
    out!("loss = {:.4} ± {:.4}", s.loss.mean, s.loss.sd);
}

/// The summary of a model's own observables, for a system without P2's network: its towers as
/// mean ± sd over the kept runs (the masses of a meson ensemble).
fn print_observables(s: &Summary) {
    let Some(masses) = s.observables.as_ref().and_then(|o| o["masses"].as_array()) else {
        return;
    };
    out!("{:>4} {:>3} {:>20}", "spin", "n", "mass [GeV]");
    for m in masses {
        let (spin, n) = (&m["spin"]["mean"], &m["n"]["mean"]);
        let (mean, sd) = (&m["mass_gev"]["mean"], &m["mass_gev"]["sd"]);
        if let (Some(mean), Some(sd)) = (mean.as_f64(), sd.as_f64()) {
            out!("{spin:>4} {n:>3} {:>20}", format!("{mean:.4} ± {sd:.4}"));
        }
    }
}
