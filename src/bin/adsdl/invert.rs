//! `adsdl invert`: from a quark–antiquark potential back to the bulk (docs/physics.md §9).

use super::{read_file, write_file, Flags};
use adsdl::model_file::ModelFile;
use adsdl::observables::inverse::source::{run, InversionReport, ModelInput, Source};
use adsdl::observables::reconstruct::Reconstruction;
use adsdl::observables::{compare, observe, Options, P2_HORIZON_MATCH};
use std::io::Write;

/// The flags of `adsdl invert`.
pub fn args() -> Vec<clap::Arg> {
    let value = |name: &'static str, help: &'static str| {
        clap::Arg::new(name)
            .long(name)
            .help(help)
            .allow_hyphen_values(true)
            .num_args(1)
    };
    vec![
        value(
            "cornell",
            "KAPPA,SIGMA: the Cornell potential V = −κ/r + σr (κ dimensionless, σ in GeV²)",
        )
        .conflicts_with_all(["potential", "model", "set"]),
        value(
            "set",
            "a bundled parameter set: eichten (Cornell 1980) or sommer (r₀ = 0.5 fm, √σ = 0.44 GeV)",
        )
        .conflicts_with_all(["potential", "model"]),
        value(
            "potential",
            "a CSV table r_fm,V_GeV[,error_GeV] of a measured potential (any additive constant)",
        )
        .conflicts_with("model"),
        value(
            "model",
            "a QCD model file: invert its own V(d), the round trip (needs a confining branch)",
        ),
        value("seed", "seed of the band's resampling (default 1)"),
        value("out-dir", "write tension.svg and metric.svg here"),
        clap::Arg::new("json")
            .long("json")
            .help("print JSON")
            .action(clap::ArgAction::SetTrue),
    ]
}

/// What `adsdl invert` runs.
pub fn cmd(flags: &Flags) -> Result<(), String> {
    let seed: u64 = flags.get("seed")?.unwrap_or(1);
    let source = if let Some(c) = flags.get::<String>("cornell")? {
        Source::parse(&format!("cornell:{c}")).map_err(|e| format!("--cornell: {e}"))?
    } else if let Some(s) = flags.get::<String>("set")? {
        Source::parse(&s).map_err(|e| format!("--set: {e}"))?
    } else if let Some(path) = flags.get::<String>("potential")? {
        let text = read_file(&path)?;
        Source::Table(
            adsdl::observables::inverse::fit::parse_potential(&text)
                .map_err(|e| format!("{path}: {e}"))?,
        )
    } else if flags.get::<String>("model")?.is_some() {
        Source::Model
    } else {
        return Err(
            "say what to invert: --cornell KAPPA,SIGMA, --set NAME, --potential FILE or --model FILE"
                .into(),
        );
    };
    let report = match source {
        Source::Model => {
            let path: String = flags.get("model")?.expect("checked above");
            let m = ModelFile::from_json(&read_file(&path)?).map_err(|e| format!("{path}: {e}"))?;
            let temp = m.preset.system().probe().and_then(|p| p.temperature_gev()).ok_or_else(|| {
                format!(
                    "{path}: the round trip needs a model with a temperature and L in GeV⁻¹ (QCD); {} has none",
                    m.preset
                )
            })?;
            let opt = Options {
                horizon_match: Some(P2_HORIZON_MATCH),
                ..Options::default()
            };
            let grid = m.network().bulk.etas();
            let ads_radius = m.params().ads_radius;
            let (r, pot, rep) = observe(m.h(), &grid, m.bulk().d as f64, ads_radius, temp, opt)
                .ok_or_else(|| format!("{path}: this metric has no horizon-like rise or does not approach AdS: nothing to reconstruct"))?;
            let k = compare::physical(&rep).map(|p| p.l2_over_2pi_alpha);
            let input = ModelInput::<Reconstruction> {
                background: &r,
                potential: &pot,
                ads_radius,
                l2_over_2pi_alpha: k,
            };
            run(&Source::Model, Some(&input), seed).map_err(|e| format!("{path}: {e}"))?
        }
        other => run::<Reconstruction>(&other, None, seed).map_err(|e| e.to_string())?,
    };
    if let Some(dir) = flags.get::<String>("out-dir")? {
        write_charts(&report, &dir)?;
    }
    if flags.has("json") {
        let text = serde_json::to_string_pretty(&report).expect("json");
        let _ = writeln!(std::io::stdout(), "{text}");
        return Ok(());
    }
    print_text(&report);
    Ok(())
}

fn write_charts(report: &InversionReport, dir: &str) -> Result<(), String> {
    use plotters::prelude::*;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create '{dir}': {e}"))?;
    let th = adsdl::charts::Theme::light();
    for name in ["tension", "metric"] {
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, (800, 500)).into_drawing_area();
            let res = if name == "tension" {
                adsdl::charts::inverse::draw_inversion(&root, report, None, &th)
            } else {
                adsdl::charts::inverse::draw_inversion_metric(&root, report, &th)
            };
            res.map_err(|e| format!("drawing {name}: {e:?}"))?;
            root.present()
                .map_err(|e| format!("drawing {name}: {e:?}"))?;
        }
        write_file(&format!("{dir}/{name}.svg"), &buf)?;
    }
    Ok(())
}

fn print_text(r: &InversionReport) {
    let mut o = std::io::stdout();
    let inv = &r.inversion;
    let _ = writeln!(o, "input: {}", r.input);
    for a in &r.assumptions {
        let _ = writeln!(o, "  assuming {a}");
    }
    if let Some(f) = &r.fit {
        let _ = writeln!(
            o,
            "fit: C = {:.4} GeV, κ = {:.4}, σ = {:.4} GeV², corrections a = {:?} GeV² at ρ = {:?} GeV⁻¹, χ²/dof = {}",
            f.c,
            f.kappa,
            f.sigma,
            f.a.iter().map(|x| format!("{x:.3e}")).collect::<Vec<_>>(),
            f.rho.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>(),
            f.chi2_per_dof.map_or("— (no errors)".into(), |c| format!("{c:.2}"))
        );
    }
    let _ = writeln!(o, "UV Coulomb coefficient κ = {:.4}", inv.kappa);
    match inv.bottom.z {
        Some(z) => {
            let _ = writeln!(
                o,
                "IR bottom: T reaches σ = {:.4} GeV² at a finite depth z = {z:.4} GeV⁻¹",
                inv.bottom.tension
            );
        }
        None => {
            let _ = writeln!(
                o,
                "IR bottom: T → σ = {:.4} GeV² only as z → ∞ (an infinite throat); the grid stops at z = {:.3} GeV⁻¹, T − σ = 10⁻⁶σ",
                inv.bottom.tension, inv.depth_reached
            );
        }
    }
    if let Some([a, b]) = inv.data_z {
        let _ = writeln!(
            o,
            "strings that end inside the data: z = {a:.3} … {b:.3} GeV⁻¹ (outside, the fit's Coulomb and linear tails decide)"
        );
    }
    let band_at = |z: f64| {
        inv.band.as_ref().and_then(|b| {
            b.iter()
                .find(|p| (p[0] - z).abs() <= 1e-12 * z.abs().max(1.0))
                .map(|p| (p[1], p[2]))
        })
    };
    let _ = writeln!(
        o,
        "{:>12} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "z [GeV⁻¹]", "T [GeV²]", "T 16 %", "T 84 %", "η [L]", "h"
    );
    let step = (inv.profile.z.len() / 32).max(1);
    for i in (0..inv.profile.z.len()).step_by(step) {
        let z = inv.profile.z[i];
        let (lo, hi) = band_at(z).map_or(("—".into(), "—".into()), |(a, b)| {
            (format!("{a:.5}"), format!("{b:.5}"))
        });
        let (eta, h) = inv.network.as_ref().map_or(("—".into(), "—".into()), |n| {
            (format!("{:.4}", n.eta[i]), format!("{:.4}", n.h[i]))
        });
        let _ = writeln!(
            o,
            "{z:>12.5} {:>12.5} {lo:>12} {hi:>12} {eta:>10} {h:>10}",
            inv.profile.tension[i]
        );
    }
    if let Some(t) = &r.tilde {
        let prof = adsdl::observables::inverse::Profile {
            z: t.z_over_l.clone(),
            tension: t.sqrt_fg.clone(),
        };
        let worst = t
            .direct
            .iter()
            .filter_map(|[z, s]| {
                adsdl::observables::inverse::tension_at(&prof, *z).map(|b| (b / s - 1.0).abs())
            })
            .fold(0.0f64, f64::max);
        let _ = writeln!(
            o,
            "round trip: √(f g)(z̃) back from V(d) against f, g directly: largest relative difference {worst:.2e} over {} tips, down to z̃ = {:.4} L",
            t.direct.len(),
            t.z_over_l.last().copied().unwrap_or(0.0)
        );
    }
}
