//! What a user inverts — a bundled parameter set, their own Cornell κ and σ, a table of a measured
//! potential, or the learned metric's own V(d) — one textual form for the CLI and the link
//! (`potential=`), and the report that the command line prints and the page draws.

use super::fit::{invert_table, parse_potential, PotentialFit, PotentialPoint};
use super::{invert, top_tension, Cornell, Inversion, Tabulated};
use crate::error::Error;
use crate::observables::wilson::{gauss_legendre, string_tip_near_end, Background, Potential};
use crate::tr;
use serde::Serialize;

/// A bundled parameter set of the Cornell form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PotentialSet {
    /// Its key in links and on the command line.
    pub key: &'static str,
    /// κ and σ.
    pub cornell: Cornell,
    /// Where the numbers come from, and whether they were checked in a source.
    pub source: &'static str,
}

/// The bundled sets. (No published lattice table of the static potential could be checked with
/// the tools this project had, so none is bundled: paste one in the page or pass `--potential`.)
pub const SETS: [PotentialSet; 2] = [
    PotentialSet {
        key: "eichten",
        // κ = 0.52, a = 2.34 GeV⁻¹, σ = 1/a²: the constants the project already compares with
        // (observables::compare, docs/physics.md §5.8).
        cornell: Cornell {
            kappa: crate::observables::compare::CORNELL_KAPPA,
            sigma: 1.0
                / (crate::observables::compare::CORNELL_A_GEV_INV
                    * crate::observables::compare::CORNELL_A_GEV_INV),
        },
        source: "Cornell: Eichten, Gottfried, Kinoshita, Lane, Yan, Phys. Rev. D 21 (1980) 203 (κ = 0.52, a = 2.34 GeV⁻¹)",
    },
    PotentialSet {
        key: "sommer",
        // r₀ = 0.5 fm, √σ = 0.44 GeV, and the Cornell form through Sommer's condition
        // r₀² V′(r₀) = 1.65: κ = 1.65 − σ r₀².
        cornell: Cornell {
            kappa: 1.65 - 0.44 * 0.44 * SOMMER_R0_GEV_INV * SOMMER_R0_GEV_INV,
            sigma: 0.44 * 0.44,
        },
        source: "Sommer scale: r₀ = 0.5 fm with r₀²V′(r₀) = 1.65 (R. Sommer, Nucl. Phys. B 411 (1994) 839) and √σ = 0.44 GeV (conventional values, not one data set's fit; κ = 1.65 − σr₀² is derived, unverified against a table)",
    },
];

/// r₀ = 0.5 fm in GeV⁻¹.
const SOMMER_R0_GEV_INV: f64 = 0.5 / crate::physics::HBAR_C_GEV_FM;

/// The longest `potential=` value a link carries (a table of ~60 rows).
pub const MAX_POTENTIAL_IN_LINK: usize = 2400;
/// At most this many table rows travel in a link.
pub const MAX_TABLE_IN_LINK: usize = 60;

/// The input of an inversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A bundled set, by key.
    Set(&'static PotentialSet),
    /// Cornell with the user's κ and σ.
    Cornell(Cornell),
    /// A measured potential.
    Table(Vec<PotentialPoint>),
    /// The learned metric's own V(d) (the round trip).
    Model,
}

impl Source {
    /// Parse the link form: `eichten`, `sommer`, `cornell:κ,σ`, `model`, or `table:` followed by
    /// rows `r_fm,V_GeV[,error_GeV]` separated by `;`.
    pub fn parse(s: &str) -> Result<Source, Error> {
        let s = s.trim();
        if let Some(set) = SETS.iter().find(|p| p.key == s) {
            return Ok(Source::Set(set));
        }
        if s == "model" {
            return Ok(Source::Model);
        }
        if let Some(rest) = s.strip_prefix("cornell:") {
            return parse_cornell(rest).map(Source::Cornell);
        }
        if let Some(rest) = s.strip_prefix("table:") {
            // Rows of three fields carry errors; the header says which form the rows take.
            let header = if rest.split(';').all(|r| r.split(',').count() == 2) {
                "r_fm,V_GeV"
            } else {
                "r_fm,V_GeV,error_GeV"
            };
            return parse_potential(&format!("{header}\n{}", rest.replace(';', "\n")))
                .map(Source::Table);
        }
        let keys: Vec<&str> = SETS.iter().map(|p| p.key).collect();
        Err(Error::key(
            "potential",
            tr!(
                "error.potential_unknown",
                value = s.chars().take(40).collect::<String>(),
                sets = keys.join(", ")
            ),
        ))
    }

    /// The link form (tables beyond [`MAX_TABLE_IN_LINK`] rows or
    /// [`MAX_POTENTIAL_IN_LINK`] characters stay out of links: `None`).
    pub fn to_link(&self) -> Option<String> {
        let text = match self {
            Source::Set(p) => p.key.to_string(),
            Source::Cornell(c) => format!("cornell:{},{}", c.kappa, c.sigma),
            Source::Model => "model".into(),
            Source::Table(pts) if pts.len() <= MAX_TABLE_IN_LINK => {
                // One form for every row: with errors when any point has one (an error of 0
                // stays a third field, or the link would mix two- and three-field rows).
                let errors = pts.iter().any(|p| p.error_gev > 0.0);
                let rows: Vec<String> = pts
                    .iter()
                    .map(|p| {
                        if errors {
                            format!("{},{},{}", p.r_fm, p.v_gev, p.error_gev)
                        } else {
                            format!("{},{}", p.r_fm, p.v_gev)
                        }
                    })
                    .collect();
                format!("table:{}", rows.join(";"))
            }
            Source::Table(_) => return None,
        };
        (text.len() <= MAX_POTENTIAL_IN_LINK).then_some(text)
    }
}

/// `κ,σ` with both positive and finite (σ ≥ 0).
pub fn parse_cornell(s: &str) -> Result<Cornell, Error> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let num = |i: usize, name: &str| -> Result<f64, Error> {
        let v = parts
            .get(i)
            .ok_or_else(|| Error::key("cornell", tr!("error.cornell_two", got = s)))?;
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| Error::key("cornell", tr!("error.cornell_nan", name = name, value = v)))
    };
    if parts.len() != 2 {
        return Err(Error::key("cornell", tr!("error.cornell_two", got = s)));
    }
    let (kappa, sigma) = (num(0, "κ")?, num(1, "σ")?);
    if !(kappa > 0.0 && kappa < 100.0) {
        return Err(Error::key(
            "cornell",
            tr!("error.cornell_kappa", kappa = kappa),
        ));
    }
    if !(0.0..100.0).contains(&sigma) {
        return Err(Error::key(
            "cornell",
            tr!("error.cornell_sigma", sigma = sigma),
        ));
    }
    Ok(Cornell { kappa, sigma })
}

/// The learned metric, for the round trip: its f, g as a background, where its connected branch
/// ends, and the scales that put it in GeV.
pub struct ModelInput<'a, B: Background + ?Sized> {
    /// The reconstructed metric (η′ with the horizon at 0, units of L).
    pub background: &'a B,
    /// The forward potential (for the end of its physical branch).
    pub potential: &'a Potential,
    /// L \[GeV⁻¹\].
    pub ads_radius: f64,
    /// L²/2πα′, the scale the potential chart gives the network (docs/physics.md §5.8); `None`
    /// keeps 2πα′ = 1 in units of L.
    pub l2_over_2pi_alpha: Option<f64>,
}

/// The finite-temperature columns of a round trip, in units of L: z̃ (dz̃ = dη/√g) and √(f g).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TildeColumns {
    /// z̃ / L at each depth of the profile.
    pub z_over_l: Vec<f64>,
    /// √(f g) (= 2πα′ T in units of L) there.
    pub sqrt_fg: Vec<f64>,
    /// The metric's own √(f g)(z̃) computed directly from f and g at the same tips, for
    /// comparison (the round trip's check).
    pub direct: Vec<[f64; 2]>,
}

/// Everything an inversion reports (`adsdl invert --json`, the page's panel).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InversionReport {
    /// The input, in words (with its source).
    pub input: String,
    /// The link form of the input, where it has one.
    pub link: Option<String>,
    /// The inversion (z in GeV⁻¹, tension in GeV²).
    #[serde(flatten)]
    pub inversion: Inversion,
    /// The fit to a table.
    pub fit: Option<PotentialFit>,
    /// The round trip's columns (model input).
    pub tilde: Option<TildeColumns>,
    /// What the result rests on.
    pub assumptions: Vec<String>,
}

/// Depths in a report: enough for a smooth curve and a converged η integral.
pub const PROFILE_POINTS: usize = 160;

/// The zero-temperature assumptions of every non-model inversion.
fn zero_t_assumptions() -> Vec<String> {
    vec![
        "T = 0 string-frame metric ds² = f(z)(−dt² + dx² + dz²) (g_zz = g_xx), boundary at z = 0; T(z) = f/2πα′".into(),
        "V′(d) = T(z*) needs V″ < 0; the UV tail is Coulomb, d ∝ T^(−1/2)".into(),
        "network variables: f = g, L²/2πα′ = κ/1.43554 (the AdS Coulomb law), η = −ln(z·1 GeV) at the boundary, h = ∂η log √(f g³)".into(),
    ]
}

/// Run an inversion. `model` is needed for [`Source::Model`] only; `seed` sets the band's
/// resampling.
pub fn run<B: Background + ?Sized>(
    source: &Source,
    model: Option<&ModelInput<B>>,
    seed: u64,
) -> Result<InversionReport, Error> {
    let cornell = |c: &Cornell, input: String| InversionReport {
        input,
        link: source.to_link(),
        inversion: invert(c, top_tension(c, 0.1), PROFILE_POINTS, false, true),
        fit: None,
        tilde: None,
        assumptions: zero_t_assumptions(),
    };
    Ok(match source {
        Source::Set(p) => cornell(
            &p.cornell,
            format!(
                "{} — κ = {:.4}, σ = {:.4} GeV²",
                p.source, p.cornell.kappa, p.cornell.sigma
            ),
        ),
        Source::Cornell(c) => cornell(
            c,
            format!(
                "Cornell V = −κ/r + σr, κ = {}, σ = {} GeV²",
                c.kappa, c.sigma
            ),
        ),
        Source::Table(pts) => {
            let (fit, inv) = invert_table(pts, seed, PROFILE_POINTS)?;
            let mut a = zero_t_assumptions();
            a.push(format!(
                "the table is fitted by V = C − κ/r + σr − Σ aⱼρⱼe^(−r/ρⱼ) with κ, σ, aⱼ ≥ 0 ({} corrections); beyond the data the fit's tails decide",
                fit.a.len()
            ));
            InversionReport {
                input: format!(
                    "a table of {} points, r = {} … {} fm{}",
                    pts.len(),
                    pts[0].r_fm,
                    pts[pts.len() - 1].r_fm,
                    if inv.band.is_some() {
                        ", band from resamples within the errors"
                    } else {
                        ", no errors given: no band"
                    }
                ),
                link: source.to_link(),
                inversion: inv,
                fit: Some(fit),
                tilde: None,
                assumptions: a,
            }
        }
        Source::Model => {
            let m = model
                .ok_or_else(|| Error::key("potential", crate::i18n::t("error.potential_model")))?;
            invert_model(m)?
        }
    })
}

/// (z̃, √(f g)) of a background at tips η₀, in its own units: z̃(η₀) = ∫_{η₀}^∞ dη/√g, with g ∝
/// e^{2η} above η = 8 (asymptotically AdS), where the rest of the integral is 1/√g.
pub fn sqrt_fg_at<B: Background + ?Sized>(bg: &B, tips: &[f64]) -> Vec<[f64; 2]> {
    let top = 8.0;
    let tail = 1.0 / bg.g(top).sqrt();
    tips.iter()
        .map(|&e| {
            let z = gauss_legendre(|x| 1.0 / bg.g(x).sqrt(), e, top, 64) + tail;
            [z, (bg.f(e) * bg.g(e)).sqrt()]
        })
        .collect()
}

/// The √(f g)(z̃) that Wilson loops can see in a learned metric, in GeV: z̃ L \[GeV⁻¹\] against
/// (L²/2πα′)√(f g)/L² \[GeV²\], on its connected branch (from just above the branch's end up to
/// η = 4), `n` points — for drawing beside an inversion.
pub fn network_tension<B: Background + ?Sized>(m: &ModelInput<B>, n: usize) -> Vec<(f64, f64)> {
    let (lo, hi) = (m.potential.eta_end + DEEPEST_ABOVE_END, 4.0f64);
    let tips: Vec<f64> = (0..n)
        .map(|i| lo * (hi / lo).powf(i as f64 / (n - 1).max(1) as f64))
        .collect();
    let (l, k) = (m.ads_radius, m.l2_over_2pi_alpha.unwrap_or(1.0));
    sqrt_fg_at(m.background, &tips)
        .into_iter()
        .map(|[z, s]| (z * l, k * s / (l * l)))
        .collect()
}

/// How far above the end of the branch (in η) the deepest string of a round trip hangs.
pub const DEEPEST_ABOVE_END: f64 = 1e-2;

/// The round trip: the learned metric's V(d) on its connected branch → d(T) → z̃(T), and the
/// same √(f g)(z̃) computed directly from f and g for comparison (docs/physics.md §9.5).
pub fn invert_model<B: Background + ?Sized>(m: &ModelInput<B>) -> Result<InversionReport, Error> {
    let bg = m.background;
    let end = m.potential.eta_end;
    if !m.potential.d_max.is_infinite() {
        return Err(Error::whole(crate::i18n::t("error.potential_no_branch")));
    }
    let top = 4.0;
    // Tips η₀ = end + e^u, u uniform: d grows like −u toward the end of a confining branch. The
    // reconstructed f is tabulated in steps of 5·10⁻⁴ in η′ (linear between), which puts noise of
    // ~10⁻⁶ on T = V′(d) near the end where T has all but stopped falling: the deepest tip stays
    // 10⁻² above the end, where T still falls by ~10⁻⁴ between tips.
    let n = 500;
    let (u0, u1) = (DEEPEST_ABOVE_END.ln(), (top - end).ln());
    let tips: Vec<f64> = (0..n)
        .map(|i| end + (u1 + (u0 - u1) * i as f64 / (n - 1) as f64).exp())
        .collect();
    let curve: Vec<(f64, f64)> = tips
        .iter()
        .map(|&e| {
            let s = string_tip_near_end(bg, e, e + 12.0, end);
            (s.d, s.v)
        })
        .collect();
    let tab = Tabulated::from_curve(&curve)
        .ok_or_else(|| Error::whole(crate::i18n::t("error.potential_not_concave")))?;
    let inv = invert(&tab, tab.top(), PROFILE_POINTS, true, false);
    let direct = sqrt_fg_at(bg, &tips[2..n - 2]);
    let l = m.ads_radius;
    let k = m.l2_over_2pi_alpha.unwrap_or(1.0);
    let tilde = TildeColumns {
        z_over_l: inv.profile.z.clone(),
        sqrt_fg: inv.profile.tension.clone(),
        direct,
    };
    let mut inv = inv;
    // z = z̃ L [GeV⁻¹]; T = (L²/2πα′) √(f g) / L² [GeV²].
    for z in inv.profile.z.iter_mut() {
        *z *= l;
    }
    for t in inv.profile.tension.iter_mut() {
        *t *= k / (l * l);
    }
    inv.depth_reached *= l;
    inv.bottom.z = inv.bottom.z.map(|z| z * l);
    inv.bottom.tension *= k / (l * l);
    inv.kappa *= k;
    Ok(InversionReport {
        input: format!("the learned metric's own V(d), L = {l:.4} GeV⁻¹"),
        link: Some("model".into()),
        inversion: inv,
        fit: None,
        tilde: Some(tilde),
        assumptions: vec![
            "finite temperature, ds² = −f dt² + dη² + g dx²: the temporal Wilson loop determines only √(f g) as a function of z̃ (dz̃ = dη/√g), down to the tip of the longest connected string; not f and g apart, nothing below".into(),
            match m.l2_over_2pi_alpha {
                Some(k) => format!("tension in GeV² with L²/2πα′ = {k:.4}, the scale that gives the network's linear region the Cornell string tension (α′ is not fixed by the data)"),
                None => "tension in units of 1/(2πα′ L²)… with 2πα′ = 1: this metric has no linear region to set a scale".into(),
            },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observables::reconstruct::{GChoice, Placement, Reconstruction};

    #[test]
    fn the_link_form_round_trips_and_rejections_say_why() {
        for s in [
            "eichten",
            "sommer",
            "model",
            "cornell:0.4,0.2",
            "table:0.1,-1;0.2,-0.5;0.3,-0.3;0.4,-0.15",
            "table:0.1,-1,0.01;0.2,-0.5,0;0.3,-0.3,0.02;0.4,-0.15,0.01",
        ] {
            let src = Source::parse(s).unwrap();
            assert_eq!(src.to_link().as_deref(), Some(s));
        }
        let e = Source::parse("cornell:0.4").unwrap_err().to_string();
        assert!(e.contains("two numbers"), "{e}");
        let e = Source::parse("cornell:-1,0.2").unwrap_err().to_string();
        assert!(e.contains("κ = -1"), "{e}");
        let e = Source::parse("bogus").unwrap_err().to_string();
        assert!(e.contains("eichten, sommer"), "{e}");
        let e = Source::parse("table:0.1,-1;0.2,-0.5")
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least 4"), "{e}");
    }

    #[test]
    fn the_sommer_set_meets_its_condition() {
        let c = SETS[1].cornell;
        let r0 = SOMMER_R0_GEV_INV;
        assert!((r0 * r0 * (c.kappa / (r0 * r0) + c.sigma) - 1.65).abs() < 1e-12);
        assert!((c.kappa - 0.407).abs() < 1e-3, "κ = {}", c.kappa);
    }

    /// P2's Table II metric → V(d) → inversion → √(f g)(z̃): the same as f, g give directly, to
    /// 10⁻³ over the depth reached.
    #[test]
    fn the_table_ii_metric_comes_back_from_its_own_potential() {
        let table2: Vec<f64> = crate::systems::qcd::TABLE_II_H
            .iter()
            .map(|p| p.0)
            .collect();
        let grid: Vec<f64> = (0..15).map(|k| 1.0 - k as f64 / 15.0).collect();
        let r = Reconstruction::new(
            &table2,
            &grid,
            4.0,
            0.207 * crate::systems::qcd::TABLE_II_L.0,
            Placement::P2,
            GChoice::Exponential,
            Some(crate::observables::P2_HORIZON_MATCH),
        )
        .unwrap();
        let pot = Potential::scan(&r, 0.005, 3.0, 100);
        let rep = invert_model(&ModelInput {
            background: &r,
            potential: &pot,
            ads_radius: 1.0,
            l2_over_2pi_alpha: None,
        })
        .unwrap();
        let t = rep.tilde.unwrap();
        let prof = super::super::Profile {
            z: t.z_over_l.clone(),
            tension: t.sqrt_fg.clone(),
        };
        let mut worst = 0.0f64;
        let mut checked = 0;
        for [z, sqrt_fg] in &t.direct {
            if let Some(back) = super::super::tension_at(&prof, *z) {
                worst = worst.max((back / sqrt_fg - 1.0).abs());
                checked += 1;
            }
        }
        assert!(checked > 400, "{checked} tips compared");
        assert!(worst < 1e-3, "√(fg) off by {worst}");
        // The depth reached is the branch end: √(fg) has its minimum there.
        let z_end = t.direct.last().unwrap()[0];
        assert!((rep.inversion.depth_reached / z_end - 1.0).abs() < 1e-3);
    }

    #[test]
    fn a_metric_without_a_confining_branch_is_refused() {
        let bg = crate::observables::wilson::AdsSchwarzschild5;
        let pot = Potential::scan(&bg, 0.01, 3.0, 60);
        let e = invert_model(&ModelInput {
            background: &bg,
            potential: &pot,
            ads_radius: 1.0,
            l2_over_2pi_alpha: None,
        })
        .unwrap_err();
        assert!(e.to_string().contains("no confining branch"), "{e}");
    }
}
