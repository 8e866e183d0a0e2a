//! From a metric to physics: the smooth metric f, g reconstructed from learned layers
//! ([`reconstruct`]) and the Nambu–Goto quark–antiquark potential in it ([`wilson`]); [`observe`]
//! runs both for `adsdl observables`.

pub mod compare;
pub mod determined;
pub mod inverse;
pub mod reconstruct;
pub mod wilson;

use crate::physics::HBAR_C_GEV_FM;
use crate::stats::MeanSd;
use reconstruct::{GChoice, Placement, Reconstruction};
use serde::Serialize;
use wilson::Potential;

/// Options of the f, g, V(d) pipeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Where the learned values are placed.
    pub placement: Placement,
    /// Which g.
    pub g: GChoice,
    /// η at which the horizon form is matched to the polynomial (None: the fit's horizon end).
    pub horizon_match: Option<f64>,
    /// String tips in the V(d) scan: 400 for reports, fewer where time matters (the page).
    pub tips: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            placement: Placement::P2,
            g: GChoice::Exponential,
            horizon_match: None,
            tips: 400,
        }
    }
}

/// Everything `adsdl observables` reports, in units of L and physical units.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// "p2" or "network".
    pub placement: &'static str,
    /// "exp" (g = c₅e^{2η′}) or "cosh" (g = 2c₅ cosh 2η′).
    pub g: &'static str,
    /// AdS radius L \[GeV⁻¹\] of the model.
    pub ads_radius: f64,
    /// T L with T = 207 MeV.
    pub tl: f64,
    /// Fit constants.
    pub c1: f64,
    /// See `c1`.
    pub c2: f64,
    /// See `c1`.
    pub c3: f64,
    /// See `c1`.
    pub c4: f64,
    /// See `c1`.
    pub c5: f64,
    /// The IR wall: position η′ and height of the maximum of f (units of L), if any.
    pub f_peak: Option<(f64, f64)>,
    /// (η′, h, f, g) on a grid.
    pub metric: Vec<[f64; 4]>,
    /// (d \[L\], d \[fm\], 2πα′V [1/L]) on the physical branch.
    pub potential: Vec<[f64; 3]>,
    /// Start of the linear region \[L\].
    pub d_linear: f64,
    /// Screening distance \[L\].
    pub d_screen: f64,
    /// The same in fm.
    pub d_linear_fm: f64,
    /// See `d_linear_fm`.
    pub d_screen_fm: f64,
    /// Where the strings hang: (d \[L\], η′ of the tip) for every connected string of the physical
    /// branch up to the screening distance. The Wilson loop sees the metric only above the
    /// deepest of these tips.
    pub tips: Vec<[f64; 2]>,
    /// η′ of the tip of the string at the start of the linear region, and at the screening
    /// distance (the deepest tip any favoured connected string reaches).
    pub tip_linear: Option<f64>,
    /// See `tip_linear`.
    pub tip_screen: Option<f64>,
}

/// Reconstruct f, g from learned layers and compute V(d). `eta_grid` is the network's grid, L
/// (`ads_radius`) in GeV⁻¹ and the temperature in GeV fix the scale (docs/physics.md §5).
/// `None` when the metric has no horizon-like rise or no approach to AdS at the boundary.
pub fn observe(
    h: &[f64],
    eta_grid: &[f64],
    d: f64,
    ads_radius: f64,
    temperature_gev: f64,
    opt: Options,
) -> Option<(Reconstruction, Potential, Report)> {
    let tl = temperature_gev * ads_radius;
    let r = Reconstruction::new(h, eta_grid, d, tl, opt.placement, opt.g, opt.horizon_match)?;
    let pot = Potential::scan(&r, 0.005, 3.0, opt.tips.max(10));
    let fm = ads_radius * HBAR_C_GEV_FM;
    let report = Report {
        placement: match opt.placement {
            Placement::P2 => "p2",
            Placement::Network => "network",
        },
        g: match opt.g {
            GChoice::Exponential => "exp",
            GChoice::Cosh => "cosh",
        },
        ads_radius,
        tl,
        c1: r.c1,
        c2: r.c2,
        c3: r.c3,
        c4: r.c4,
        c5: r.c5,
        f_peak: r.f_peak(2.0),
        metric: (1..=40)
            .map(|i| 0.025 * i as f64)
            .map(|e| {
                [
                    e,
                    r.h(e),
                    wilson::Background::f(&r, e),
                    wilson::Background::g(&r, e),
                ]
            })
            .collect(),
        potential: pot
            .physical()
            .iter()
            .map(|&(dd, v)| [dd, dd * fm, v])
            .collect(),
        d_linear: pot.d_linear,
        d_screen: pot.d_screen,
        d_linear_fm: pot.d_linear * fm,
        d_screen_fm: pot.d_screen * fm,
        tips: pot.tip_depths().iter().map(|&(dd, e)| [dd, e]).collect(),
        tip_linear: pot.tip_at(pot.d_linear),
        tip_screen: pot.tip_at(pot.d_screen),
    };
    Some((r, pot, report))
}

/// The matching point η at which a C¹ continuation 1/(η − c₁) + c₂ of the 5th-order fit to
/// P2 Table II gives back P2's near-horizon constants (c₁ = 0.0235, c₂ = 25.7 here; published:
/// [`crate::systems::qcd::P2_CONTINUATION`]). P2 does not say how it matched; this is the point
/// where C¹ matching agrees with it.
pub const P2_HORIZON_MATCH: f64 = 0.0867;

/// An independent float64 recomputation of the continuation of P2's Table II metric (P2
/// placement; docs/physics.md §5): (matching point η_m, c₁, c₂, c₅) where P2's constants come back
/// (η_m = 0.0866) and at the fit's own end (η_m = 1/15). The one place these numbers are written.
pub const RECOMPUTED_CONTINUATION: [(f64, f64, f64, f64); 2] = [
    (0.0866, 0.0234, 25.68, 44.40),
    (1.0 / 15.0, 0.0062, 30.18, 307.0),
];

/// The matching points of the horizon form that the data cannot tell apart (docs/physics.md §5):
/// from the fit's own end, η = 1/15, to η = 0.10.
pub const MATCH_RANGE: [f64; 2] = [1.0 / 15.0, 0.10];

/// How far the continuation alone moves the potential: the screening distance and the start of
/// the linear region, min and max over matching points across [`MATCH_RANGE`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContinuationRange {
    /// The matching points tried, first and last.
    pub eta_m: [f64; 2],
    /// Screening distance \[L\]: min, max.
    pub d_screen: [f64; 2],
    /// Start of the linear region \[L\]: min, max.
    pub d_linear: [f64; 2],
}

/// [`ContinuationRange`] of a metric (arguments as for [`observe`]; `opt.horizon_match` is
/// ignored). `None` when no matching point gives a horizon.
pub fn continuation_range(
    h: &[f64],
    eta_grid: &[f64],
    d: f64,
    ads_radius: f64,
    temperature_gev: f64,
    opt: Options,
) -> Option<ContinuationRange> {
    let n = 7;
    let reports: Vec<Report> = (0..n)
        .map(|i| MATCH_RANGE[0] + (MATCH_RANGE[1] - MATCH_RANGE[0]) * i as f64 / (n - 1) as f64)
        .filter_map(|m| {
            let o = Options {
                horizon_match: Some(m),
                // The numbers come from root finding; the drawn grid does not matter here.
                tips: 10,
                ..opt
            };
            observe(h, eta_grid, d, ads_radius, temperature_gev, o).map(|x| x.2)
        })
        .collect();
    if reports.is_empty() {
        return None;
    }
    let span = |f: fn(&Report) -> f64| {
        reports
            .iter()
            .map(f)
            .fold([f64::INFINITY, f64::NEG_INFINITY], |a, v| {
                [a[0].min(v), a[1].max(v)]
            })
    };
    Some(ContinuationRange {
        eta_m: MATCH_RANGE,
        d_screen: span(|r| r.d_screen),
        d_linear: span(|r| r.d_linear),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systems::qcd::{self, lattice, TABLE_II_H, TABLE_II_L};

    fn table_ii(opt: Options) -> Report {
        let h: Vec<f64> = TABLE_II_H.iter().map(|p| p.0).collect();
        let grid = qcd::ID.system().probe().unwrap().network().bulk.etas();
        observe(&h, &grid, 4.0, TABLE_II_L.0, lattice::TEMPERATURE_GEV, opt)
            .unwrap()
            .2
    }

    /// The reconstruction against an independent float64 recomputation (docs/physics.md §5), at
    /// two matching points chosen there and not by this code, to 0.5 %.
    #[test]
    fn continuation_constants_match_an_independent_recomputation() {
        for (eta_m, c1, c2, c5) in RECOMPUTED_CONTINUATION {
            let r = table_ii(Options {
                horizon_match: Some(eta_m),
                tips: 20,
                ..Options::default()
            });
            for (name, got, want) in [("c1", r.c1, c1), ("c2", r.c2, c2), ("c5", r.c5, c5)] {
                assert!(
                    (got - want).abs() / want < 0.005,
                    "η_m {eta_m}: {name} {got} vs {want}"
                );
            }
        }
    }

    /// Where the strings hang in the Table II metric (docs/physics.md §5, item 9: with g = c₅e^{2η′},
    /// d ln(fg)/dη′ = 2h − 4, so the confining branch ends where h = 2, near η ≈ 0.91, between
    /// layers 1 and 2 of P2's placement): the strings of the linear region have their tips at
    /// η ≈ 0.91 … 1.1, above every layer from 2 on, so the dip of h (layers 4–8) is never probed
    /// by a favoured string.
    #[test]
    fn the_strings_of_table_ii_hang_above_the_dip() {
        let r = table_ii(Options {
            horizon_match: Some(P2_HORIZON_MATCH),
            ..Options::default()
        });
        let (lin, scr) = (r.tip_linear.unwrap() + r.c1, r.tip_screen.unwrap() + r.c1);
        assert!((0.88..0.94).contains(&scr), "deepest tip at η = {scr}");
        assert!(
            (1.0..1.2).contains(&lin),
            "tip at the linear region's start: η = {lin}"
        );
        // Tips move inward as d grows, and none reaches layer 2 (η = 1 − 2/15) or the dip.
        assert!(r
            .tips
            .windows(2)
            .all(|w| w[1][0] >= w[0][0] && w[1][1] <= w[0][1] + 1e-12));
        assert!(r.tips.iter().all(|t| t[1] + r.c1 > 1.0 - 2.0 / 15.0));
    }

    #[test]
    fn table_ii_reproduces_the_published_features() {
        let r = table_ii(Options {
            horizon_match: Some(P2_HORIZON_MATCH),
            ..Options::default()
        });
        // Against P2's published constants: no single matching point gives back c₁, c₂ and c₅
        // at once (docs/physics.md §5), so each is held to the mismatch the recomputation found
        // at this point (3.3 %, 1.6 %, 0.5 %), rounded up.
        let [c1, c2, _, _, c5] = qcd::P2_CONTINUATION;
        assert!((r.c1 - c1).abs() / c1 < 0.04, "c1 {}", r.c1);
        assert!((r.c2 - c2).abs() / c2 < 0.02, "c2 {}", r.c2);
        assert!((r.c5 - c5).abs() / c5 < 0.01, "c5 {}", r.c5);
        let (eta, f) = r.f_peak.unwrap();
        assert!(
            (eta - 0.364).abs() < 0.02 && (f - 7.3e3).abs() / 7.3e3 < 0.05,
            "peak {eta} {f}"
        );
        // Converged values 0.0637 L and 0.2575 L (root finding, independent of the tip grid)
        // against P2's read-off ≈ 0.07 and ≈ 0.27 L.
        assert!(
            (r.d_linear - 0.07).abs() / 0.07 < 0.12,
            "linear from {}",
            r.d_linear
        );
        assert!(
            (r.d_screen - 0.27).abs() / 0.27 < 0.06,
            "screened beyond {}",
            r.d_screen
        );
    }

    /// The screening distance and the start of the linear region come from root finding: the
    /// number of tips drawn (40 … 2000) changes them by less than 0.5 %, at both continuations.
    #[test]
    fn screening_and_linear_region_do_not_depend_on_the_tip_grid() {
        for m in [Some(P2_HORIZON_MATCH), None] {
            let at = |tips| {
                table_ii(Options {
                    horizon_match: m,
                    tips,
                    ..Options::default()
                })
            };
            let fine = at(2000);
            for tips in [40, 120, 400] {
                let r = at(tips);
                eprintln!(
                    "match {m:?}, {tips} tips: screen {:.5} linear {:.5} (2000: {:.5} {:.5})",
                    r.d_screen, r.d_linear, fine.d_screen, fine.d_linear
                );
                assert!((r.d_screen - fine.d_screen).abs() / fine.d_screen < 0.005);
                assert!((r.d_linear - fine.d_linear).abs() / fine.d_linear < 0.005);
            }
        }
    }

    /// The data do not fix the continuation: over the matching range the screening distance of
    /// the Table II metric spans from the end-matched 0.096 L to beyond P2's 0.27 L.
    #[test]
    fn the_continuation_range_brackets_both_continuations() {
        let h: Vec<f64> = TABLE_II_H.iter().map(|p| p.0).collect();
        let grid = qcd::ID.system().probe().unwrap().network().bulk.etas();
        let t0 = std::time::Instant::now();
        let r = continuation_range(
            &h,
            &grid,
            4.0,
            TABLE_II_L.0,
            lattice::TEMPERATURE_GEV,
            Options::default(),
        )
        .unwrap();
        eprintln!("continuation range in {:?}: {r:?}", t0.elapsed());
        let p2 = table_ii(Options {
            horizon_match: Some(P2_HORIZON_MATCH),
            ..Options::default()
        });
        let end = table_ii(Options::default());
        for v in [p2.d_screen, end.d_screen] {
            assert!(
                r.d_screen[0] <= v * 1.0001 && v <= r.d_screen[1] * 1.0001,
                "{v} in {r:?}"
            );
        }
        assert!(r.d_screen[1] > 2.0 * r.d_screen[0]);
    }

    #[test]
    fn the_horizon_continuation_sets_the_scale() {
        let natural = table_ii(Options::default());
        let p2 = table_ii(Options {
            horizon_match: Some(P2_HORIZON_MATCH),
            ..Options::default()
        });
        assert!((natural.f_peak.unwrap().0 - p2.f_peak.unwrap().0).abs() < 0.03);
        assert!(natural.c5 > 3.0 * p2.c5);
        assert!(natural.d_screen < 0.5 * p2.d_screen);
    }
}

/// Wall and potential over an ensemble: mean ± sd of the wall position, the start of the linear
/// region and the screening distance (units of L and fm) over the runs that have a horizon.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct EnsembleObservables {
    /// Runs with a reconstructible metric.
    pub runs: usize,
    /// η′ of the maximum of f.
    pub wall: MeanSd,
    /// Start of the linear region \[L\].
    pub d_linear: MeanSd,
    /// Screening distance \[L\].
    pub d_screen: MeanSd,
    /// Screening distance \[fm\].
    pub d_screen_fm: MeanSd,
    /// Medians of the linear-region start and the screening distance \[L\]: robust against a member
    /// whose boundary continuation is ill-conditioned (a nearly flat h at η = 1 gives c₄ → 0).
    pub median_d_linear: f64,
    /// See `median_d_linear`.
    pub median_d_screen: f64,
    /// (d \[L\], mean, sd) of 2πα′V(d) over the members.
    pub potential_band: Vec<[f64; 3]>,
}

/// Observables of each parameter set (its own L) of a network with layers at `grid`, boundary
/// dimension `d` and temperature `temperature_gev`, summarised, and the band of V(d): (d \[L\], mean, sd) of 2πα′V on a common grid
/// (0 beyond each member's screening distance).
pub fn ensemble_observables(
    params: &[&crate::physics::Params],
    grid: &[f64],
    d: f64,
    temperature_gev: f64,
    opt: Options,
) -> EnsembleObservables {
    let reports: Vec<Report> = params
        .iter()
        .filter_map(|p| observe(&p.h, grid, d, p.ads_radius, temperature_gev, opt).map(|x| x.2))
        .collect();
    let d_top = 1.3 * reports.iter().fold(0.0f64, |a, r| a.max(r.d_screen));
    let potential_band: Vec<[f64; 3]> = (1..=60)
        .map(|k| d_top * k as f64 / 60.0)
        .map(|d| {
            let vs: Vec<f64> = reports
                .iter()
                .map(|r| potential_at(&r.potential, d))
                .collect();
            let m = MeanSd::of(&vs);
            [d, m.mean, m.sd]
        })
        .collect();
    let col = |f: &dyn Fn(&Report) -> Option<f64>| {
        MeanSd::of(&reports.iter().filter_map(f).collect::<Vec<_>>())
    };
    EnsembleObservables {
        runs: reports.len(),
        wall: col(&|r| r.f_peak.map(|p| p.0)),
        d_linear: col(&|r| Some(r.d_linear)),
        d_screen: col(&|r| Some(r.d_screen)),
        d_screen_fm: col(&|r| Some(r.d_screen_fm)),
        median_d_linear: median(reports.iter().map(|r| r.d_linear).collect()),
        median_d_screen: median(reports.iter().map(|r| r.d_screen).collect()),
        potential_band,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => 0.5 * (v[n / 2 - 1] + v[n / 2]),
    }
}

/// 2πα′V at separation d on a physical-branch table (d \[L\], d \[fm\], V), linear in between.
fn potential_at(table: &[[f64; 3]], d: f64) -> f64 {
    match table.iter().position(|p| p[0] >= d) {
        Some(0) => table[0][2],
        Some(i) => {
            let (a, b) = (table[i - 1], table[i]);
            if b[0] > a[0] {
                a[2] + (b[2] - a[2]) * (d - a[0]) / (b[0] - a[0])
            } else {
                b[2]
            }
        }
        None => 0.0,
    }
}
