//! A lattice potential is noisy and finite: a smooth monotone fit with the stated tails, and a
//! band on T(z) from resampling the data within their errors (docs/physics.md §9.3).
//!
//! The fit is Cornell plus decaying corrections,
//!
//!   V(r) = C − κ/r + σr − Σⱼ aⱼ ρⱼ e^{−r/ρⱼ},   V′(r) = κ/r² + σ + Σⱼ aⱼ e^{−r/ρⱼ},
//!
//! with κ, σ, aⱼ ≥ 0 (non-negative least squares, Lawson–Hanson), so that V′ > 0 and V″ < 0
//! everywhere: the force is invertible by construction. The UV tail is Coulomb (κ/r² dominates
//! as r → 0), the IR tail linear (V′ → σ). The scales ρⱼ are fixed by the data's range (the first
//! point, the geometric middle, the last point), not tuned.

use super::{depth, invert, tension_at, Force, Inversion, Tabulated};
use crate::error::Error;
use crate::physics::HBAR_C_GEV_FM;
use crate::points::Table;
use crate::rng::Rng;
use crate::tr;
use serde::Serialize;

/// One measured point of a static potential.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PotentialPoint {
    /// Separation r \[fm\].
    pub r_fm: f64,
    /// V(r) \[GeV\], any additive constant.
    pub v_gev: f64,
    /// Its standard error \[GeV\] (0: none given).
    pub error_gev: f64,
}

/// At most this many points (a lattice table has tens).
pub const MAX_POINTS: usize = 400;

/// How many standard errors a step against the required shape (V′ > 0, V″ < 0) may take before
/// the table is rejected as not invertible.
const SHAPE_SIGMAS: f64 = 2.0;

/// Parse `r_fm,V_GeV[,error_GeV]` CSV (header required, `#` comments). Every rejection names the
/// line (and column): non-finite values, fewer than 4 points, r not increasing, negative errors,
/// and a shape that cannot be inverted — V falling (V′ ≤ 0) or bending up (V″ > 0) by more than
/// twice the errors.
pub fn parse_potential(text: &str) -> Result<Vec<PotentialPoint>, Error> {
    let t = Table::read(text, crate::i18n::t("error.potential_empty"))?;
    let (ir, iv) = match (t.col("r_fm"), t.col("v_gev")) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(t.header_error(tr!("error.potential_header", got = t.header.trim()))),
    };
    let ie = t.col("error_gev");
    let mut pts: Vec<(usize, PotentialPoint)> = Vec::new();
    for (line, fields) in &t.rows {
        let num = |i: usize| t.num(*line, fields, i);
        let p = PotentialPoint {
            r_fm: num(ir)?,
            v_gev: num(iv)?,
            error_gev: ie.map(num).transpose()?.unwrap_or(0.0),
        };
        if p.r_fm <= 0.0 || p.r_fm > 100.0 {
            return Err(t.at(*line, ir, tr!("error.potential_r", r = p.r_fm)));
        }
        if p.error_gev < 0.0 {
            return Err(t.at(
                *line,
                ie.unwrap_or(0),
                tr!("error.negative_error", value = p.error_gev),
            ));
        }
        if let Some((prev, q)) = pts.last() {
            if p.r_fm <= q.r_fm {
                return Err(t.at(
                    *line,
                    ir,
                    tr!(
                        "error.potential_order",
                        r = p.r_fm,
                        before = q.r_fm,
                        line = prev
                    ),
                ));
            }
        }
        pts.push((*line, p));
    }
    if pts.len() < 4 {
        return Err(Error::table(tr!("error.potential_few", n = pts.len())));
    }
    if pts.len() > MAX_POINTS {
        return Err(Error::table(tr!(
            "error.too_many",
            n = pts.len(),
            max = MAX_POINTS
        )));
    }
    check_shape(&pts)?;
    Ok(pts.into_iter().map(|(_, p)| p).collect())
}

/// V′ > 0 and V″ < 0 within the errors, from differences of neighbouring points.
fn check_shape(pts: &[(usize, PotentialPoint)]) -> Result<(), Error> {
    let slope = |i: usize| {
        let (a, b) = (&pts[i].1, &pts[i + 1].1);
        let dr = b.r_fm - a.r_fm;
        let s = (b.v_gev - a.v_gev) / dr;
        let e = (a.error_gev.powi(2) + b.error_gev.powi(2)).sqrt() / dr;
        (s, e)
    };
    for i in 0..pts.len() - 1 {
        let (s, e) = slope(i);
        if s <= 0.0 && -s >= SHAPE_SIGMAS * e {
            return Err(Error::csv(
                pts[i + 1].0,
                None,
                tr!(
                    "error.potential_falls",
                    from = pts[i].0,
                    slope = format!("{s:.4}"),
                    error = format!("{e:.4}")
                ),
            ));
        }
    }
    for i in 0..pts.len() - 2 {
        let ((s0, e0), (s1, e1)) = (slope(i), slope(i + 1));
        // The middle point enters both slopes: an upper bound on the error of the difference.
        let e = e0 + e1;
        if s1 - s0 > 0.0 && s1 - s0 >= SHAPE_SIGMAS * e {
            return Err(Error::csv(
                pts[i + 1].0,
                None,
                tr!(
                    "error.potential_bends",
                    s0 = format!("{s0:.4}"),
                    s1 = format!("{s1:.4}"),
                    error = format!("{e:.4}")
                ),
            ));
        }
    }
    Ok(())
}

/// The fitted potential (r in GeV⁻¹, V in GeV).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PotentialFit {
    /// The additive constant C \[GeV\].
    pub c: f64,
    /// Coulomb coefficient κ.
    pub kappa: f64,
    /// String tension σ \[GeV²\].
    pub sigma: f64,
    /// Amplitudes aⱼ \[GeV²\] of the decaying corrections to V′.
    pub a: Vec<f64>,
    /// Their scales ρⱼ \[GeV⁻¹\].
    pub rho: Vec<f64>,
    /// χ² per degree of freedom (`None` without errors or without a degree of freedom).
    pub chi2_per_dof: Option<f64>,
    /// Range of the data \[GeV⁻¹\].
    pub r_range: [f64; 2],
}

impl PotentialFit {
    /// V(r).
    pub fn v(&self, r: f64) -> f64 {
        self.c - self.kappa / r + self.sigma * r
            - self
                .a
                .iter()
                .zip(&self.rho)
                .map(|(a, p)| a * p * (-r / p).exp())
                .sum::<f64>()
    }

    /// V′(r): the tension of the string whose endpoints are r apart.
    pub fn force(&self, r: f64) -> f64 {
        self.kappa / (r * r)
            + self.sigma
            + self
                .a
                .iter()
                .zip(&self.rho)
                .map(|(a, p)| a * (-r / p).exp())
                .sum::<f64>()
    }

    /// Fit `pts`, weighted by their errors where all have one.
    pub fn fit(pts: &[PotentialPoint]) -> Result<PotentialFit, Error> {
        let r: Vec<f64> = pts.iter().map(|p| p.r_fm / HBAR_C_GEV_FM).collect();
        let (r0, r1) = (r[0], r[r.len() - 1]);
        // As many corrections as leave one degree of freedom (C, κ, σ and up to three aⱼ).
        let j = pts.len().saturating_sub(4).min(3);
        let rho: Vec<f64> = (0..j)
            .map(|k| {
                r0 * (r1 / r0).powf(if j > 1 {
                    k as f64 / (j - 1) as f64
                } else {
                    0.5
                })
            })
            .collect();
        let weighted = pts.iter().all(|p| p.error_gev > 0.0);
        let w: Vec<f64> = pts
            .iter()
            .map(|p| if weighted { p.error_gev.powi(-2) } else { 1.0 })
            .collect();
        let wsum: f64 = w.iter().sum();
        // The columns of V without C; C is eliminated by subtracting weighted means.
        let column = |k: usize, r: f64| match k {
            0 => -1.0 / r,
            1 => r,
            _ => -rho[k - 2] * (-r / rho[k - 2]).exp(),
        };
        let ncol = 2 + j;
        let mean = |f: &dyn Fn(usize) -> f64| (0..r.len()).map(|i| w[i] * f(i)).sum::<f64>() / wsum;
        let col_mean: Vec<f64> = (0..ncol).map(|k| mean(&|i| column(k, r[i]))).collect();
        let v_mean = mean(&|i| pts[i].v_gev);
        let a: Vec<Vec<f64>> = (0..r.len())
            .map(|i| {
                (0..ncol)
                    .map(|k| w[i].sqrt() * (column(k, r[i]) - col_mean[k]))
                    .collect()
            })
            .collect();
        let b: Vec<f64> = (0..r.len())
            .map(|i| w[i].sqrt() * (pts[i].v_gev - v_mean))
            .collect();
        let x = nnls(&a, &b);
        let c = v_mean - (0..ncol).map(|k| x[k] * col_mean[k]).sum::<f64>();
        let chi2: f64 = (0..r.len())
            .map(|i| {
                let m: f64 = (0..ncol).map(|k| a[i][k] * x[k]).sum();
                (b[i] - m).powi(2)
            })
            .sum();
        let dof = r.len() as isize - ncol as isize - 1;
        let fit = PotentialFit {
            c,
            kappa: x[0],
            sigma: x[1],
            a: x[2..].to_vec(),
            rho,
            chi2_per_dof: (weighted && dof > 0).then(|| chi2 / dof as f64),
            r_range: [r0, r1],
        };
        if fit.kappa <= 0.0 {
            return Err(Error::whole(crate::i18n::t("error.potential_no_coulomb")));
        }
        Ok(fit)
    }

    /// d(T) tabulated from V′ on r from a twentieth of the first point to fifty times the last.
    pub fn tabulate(&self) -> Tabulated {
        let (lo, hi) = (self.r_range[0] / 20.0, self.r_range[1] * 50.0);
        let n = 600;
        let pts = (0..n)
            .map(|i| lo * (hi / lo).powf(i as f64 / (n - 1) as f64))
            .map(|r| (self.force(r), r))
            .collect();
        Tabulated::new(pts).expect("V′ falls monotonically by construction")
    }
}

/// Non-negative least squares min ‖Ax − b‖, x ≥ 0 (Lawson–Hanson active set) for a few columns.
pub fn nnls(a: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = a.first().map_or(0, Vec::len);
    // Unit columns: the active-set tests compare gradients across columns.
    let norm: Vec<f64> = (0..n)
        .map(|k| {
            a.iter()
                .map(|row| row[k] * row[k])
                .sum::<f64>()
                .sqrt()
                .max(1e-300)
        })
        .collect();
    let unit: Vec<Vec<f64>> = a
        .iter()
        .map(|row| row.iter().zip(&norm).map(|(x, s)| x / s).collect())
        .collect();
    let col = |i: usize, k: usize| unit[i][k];
    let grad = |x: &[f64]| -> Vec<f64> {
        let res: Vec<f64> = (0..a.len())
            .map(|i| b[i] - (0..n).map(|k| col(i, k) * x[k]).sum::<f64>())
            .collect();
        (0..n)
            .map(|k| (0..a.len()).map(|i| col(i, k) * res[i]).sum())
            .collect()
    };
    let solve = |set: &[usize]| -> Vec<f64> {
        // Normal equations on the passive set, by Gaussian elimination with pivoting.
        let m = set.len();
        let mut g: Vec<Vec<f64>> = (0..m)
            .map(|p| {
                let mut row: Vec<f64> = (0..m)
                    .map(|q| (0..a.len()).map(|i| col(i, set[p]) * col(i, set[q])).sum())
                    .collect();
                row.push((0..a.len()).map(|i| col(i, set[p]) * b[i]).sum());
                row
            })
            .collect();
        for c in 0..m {
            let piv = (c..m)
                .max_by(|&x, &y| g[x][c].abs().total_cmp(&g[y][c].abs()))
                .expect("a row");
            g.swap(c, piv);
            let d = g[c][c];
            if d.abs() < 1e-14 {
                continue;
            }
            let pivot_row = g[c].clone();
            for (r, row) in g.iter_mut().enumerate() {
                if r != c {
                    let f = row[c] / d;
                    for (x, p) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                        *x -= f * p;
                    }
                }
            }
        }
        let mut z = vec![0.0; n];
        for (p, &k) in set.iter().enumerate() {
            z[k] = if g[p][p].abs() < 1e-14 {
                0.0
            } else {
                g[p][m] / g[p][p]
            };
        }
        z
    };
    let mut x = vec![0.0; n];
    let mut passive: Vec<usize> = Vec::new();
    for _ in 0..3 * n + 10 {
        let w = grad(&x);
        let Some(j) = (0..n)
            .filter(|k| !passive.contains(k) && w[*k] > 1e-12)
            .max_by(|&p, &q| w[p].total_cmp(&w[q]))
        else {
            break;
        };
        passive.push(j);
        loop {
            let z = solve(&passive);
            if passive.iter().all(|&k| z[k] > 0.0) {
                x = z;
                break;
            }
            let alpha = passive
                .iter()
                .filter(|&&k| z[k] <= 0.0)
                .map(|&k| x[k] / (x[k] - z[k]))
                .fold(f64::INFINITY, f64::min);
            for (xk, zk) in x.iter_mut().zip(&z) {
                *xk += alpha * (zk - *xk);
            }
            passive.retain(|&k| x[k] > 1e-15);
            for (k, xk) in x.iter_mut().enumerate() {
                if !passive.contains(&k) {
                    *xk = 0.0;
                }
            }
            if passive.is_empty() {
                break;
            }
        }
    }
    (0..n).map(|k| x[k] / norm[k]).collect()
}

/// Resamples for the band: enough for stable 16th/84th percentiles, few enough to stay instant.
pub const RESAMPLES: usize = 100;

/// The band is computed at every this-many-th depth of the profile.
const BAND_STRIDE: usize = 4;

/// Fit a measured potential, invert the fit, and — where the points have errors — resample them
/// (`seed`; the same seed gives the same band natively and in wasm) for a band on T(z).
pub fn invert_table(
    pts: &[PotentialPoint],
    seed: u64,
    n: usize,
) -> Result<(PotentialFit, Inversion), Error> {
    let fit = PotentialFit::fit(pts)?;
    let tab = fit.tabulate();
    let mut inv = invert(&tab, fit.force(fit.r_range[0] / 20.0), n, false, true);
    inv.bottom.tension = fit.sigma;
    inv.data_z = Some([
        depth(&tab, fit.force(fit.r_range[0]), 1),
        depth(&tab, fit.force(fit.r_range[1]), 1),
    ]);
    if pts.iter().all(|p| p.error_gev > 0.0) {
        let mut rng = Rng::new(seed, 0x1a7);
        // Every fourth depth of the profile carries the band: smooth enough to draw, and a
        // quarter of the work (a phone computes it on the page's thread).
        let zs: Vec<f64> = inv.profile.z.iter().copied().step_by(BAND_STRIDE).collect();
        let ts: Vec<f64> = inv
            .profile
            .tension
            .iter()
            .copied()
            .step_by(BAND_STRIDE)
            .collect();
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); zs.len()];
        for _ in 0..RESAMPLES {
            let noisy: Vec<PotentialPoint> = pts
                .iter()
                .map(|p| PotentialPoint {
                    v_gev: p.v_gev + p.error_gev * rng.normal(),
                    ..*p
                })
                .collect();
            let Ok(f) = PotentialFit::fit(&noisy) else {
                continue;
            };
            let t = f.tabulate();
            let reach: Vec<f64> = ts.iter().copied().filter(|&x| x > t.floor()).collect();
            let p = super::profile(&t, &reach);
            for (k, z) in zs.iter().enumerate() {
                if let Some(v) = tension_at(&p, *z) {
                    samples[k].push(v);
                }
            }
        }
        let pct =
            |v: &[f64], q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
        // Depths that half of the resamples do not reach (the ends of the grid) have no band.
        let band: Vec<[f64; 3]> = samples
            .iter_mut()
            .zip(&zs)
            .filter(|(s, _)| s.len() >= RESAMPLES / 2)
            .map(|(s, z)| {
                s.sort_by(f64::total_cmp);
                [*z, pct(s, 0.16), pct(s, 0.84)]
            })
            .collect();
        inv.band = (!band.is_empty()).then_some(band);
    }
    Ok((fit, inv))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observables::inverse::Cornell;

    fn cornell_table(noise: f64, seed: u64) -> Vec<PotentialPoint> {
        let mut rng = Rng::new(seed, 9);
        (0..16)
            .map(|i| 0.1 + 0.08 * i as f64)
            .map(|r_fm| {
                let r = r_fm / HBAR_C_GEV_FM;
                PotentialPoint {
                    r_fm,
                    v_gev: -0.52 / r + 0.1826 * r + 0.3 + noise * rng.normal(),
                    error_gev: noise,
                }
            })
            .collect()
    }

    #[test]
    fn nnls_respects_signs_and_solves_the_unconstrained_case() {
        // b = 2·col0 − 0.05·col1: the constrained optimum puts col1 at 0.
        let a: Vec<Vec<f64>> = (0..6)
            .map(|i| vec![1.0 + i as f64, (i as f64).powi(2)])
            .collect();
        let b: Vec<f64> = a.iter().map(|r| 2.0 * r[0] + 0.5 * r[1]).collect();
        let x = nnls(&a, &b);
        assert!(
            (x[0] - 2.0).abs() < 1e-10 && (x[1] - 0.5).abs() < 1e-10,
            "{x:?}"
        );
        let b: Vec<f64> = a.iter().map(|r| 2.0 * r[0] - 0.05 * r[1]).collect();
        let x = nnls(&a, &b);
        assert!(x[1] == 0.0 && x[0] > 0.0, "{x:?}");
    }

    #[test]
    fn an_exact_cornell_table_gives_back_cornell() {
        let pts = cornell_table(0.0, 1);
        let fit = PotentialFit::fit(&pts).unwrap();
        assert!((fit.kappa - 0.52).abs() < 1e-6, "κ = {}", fit.kappa);
        assert!((fit.sigma - 0.1826).abs() < 1e-6, "σ = {}", fit.sigma);
        let (_, inv) = invert_table(&pts, 1, 80).unwrap();
        let exact = Cornell {
            kappa: 0.52,
            sigma: 0.1826,
        };
        for (z, t) in inv.profile.z.iter().zip(&inv.profile.tension) {
            assert!((z / exact.depth_exact(*t) - 1.0).abs() < 1e-4, "T = {t}");
        }
        assert!(inv.band.is_none(), "no errors, no band");
        let [a, b] = inv.data_z.unwrap();
        assert!(a < b && a > inv.profile.z[0]);
    }

    /// T of exact Cornell at depth z (bisection on the closed form).
    fn cornell_t_at(z: f64) -> f64 {
        let c = Cornell {
            kappa: 0.52,
            sigma: 0.1826,
        };
        crate::observables::inverse::tension_where(0.1826 * (1.0 + 1e-12), 20f64.exp(), |t| {
            c.depth_exact(t) > z
        })
    }

    /// The band is a 68 % band: over independent noisy tables, the true T(z) at a depth inside
    /// the data falls in it about two times in three.
    #[test]
    fn noisy_data_give_a_band_that_covers_the_truth_as_often_as_it_should() {
        let (mut inside, mut total) = (0, 0);
        for seed in 1..=24 {
            let pts = cornell_table(0.01, seed);
            let (fit, inv) = invert_table(&pts, 7, 160).unwrap();
            assert!(fit.chi2_per_dof.unwrap() < 4.0, "seed {seed}");
            let band = inv.band.clone().expect("errors give a band");
            let [za, zb] = inv.data_z.unwrap();
            // The band spans the data (deep in the linear tail, resamples with a larger σ stop
            // short of the central grid's last depths): it has a point at every fourth depth
            // there, give or take one at each end.
            let in_data = |z: f64| z >= za && z <= zb;
            let want = inv.profile.z.iter().filter(|z| in_data(**z)).count() / BAND_STRIDE;
            let have = band.iter().filter(|b| in_data(b[0])).count();
            assert!(
                have + 1 >= want && want > 5,
                "seed {seed}: {have} of {want}"
            );
            // One depth in the middle of the data (log scale).
            let zm = (za * zb).sqrt();
            let b = band
                .iter()
                .min_by(|p, q| (p[0] / zm).ln().abs().total_cmp(&(q[0] / zm).ln().abs()))
                .unwrap();
            let t = cornell_t_at(b[0]);
            total += 1;
            inside += usize::from(t >= b[1] && t <= b[2]);
        }
        // Printed for docs/physics.md §9.3 (`cargo test --release covers_the_truth -- --nocapture`).
        eprintln!("band coverage: {inside} of {total}");
        assert!((10..=22).contains(&inside), "{inside} of {total}");
        // Same seed, same band.
        let pts = cornell_table(0.01, 3);
        let (_, a) = invert_table(&pts, 7, 40).unwrap();
        let (_, b) = invert_table(&pts, 7, 40).unwrap();
        assert_eq!(a.band, b.band);
        let (_, c) = invert_table(&pts, 8, 40).unwrap();
        assert_ne!(a.band, c.band);
    }

    #[test]
    fn every_rejection_names_its_line() {
        let e = parse_potential("r_fm,V_GeV\n0.1,-1\n0.2,x\n").unwrap_err();
        assert_eq!(e.line(), Some(3));
        let e = parse_potential("r_fm,V_GeV\n0.1,-1\n0.3,-0.5\n0.2,-0.4\n0.4,-0.3\n").unwrap_err();
        assert_eq!(e.line(), Some(4), "{e}");
        assert!(e.to_string().contains("must increase"));
        let e = parse_potential("r_fm,V_GeV\n0.1,-1\n0.2,-0.5\n0.3,-0.6\n0.4,-0.3\n").unwrap_err();
        assert_eq!(e.line(), Some(4), "{e}");
        assert!(e.to_string().contains("V′ ≤ 0"), "{e}");
        let e = parse_potential(
            "r_fm,V_GeV,error_GeV\n0.1,-1,0.01\n0.2,-0.9,0.01\n0.3,-0.5,0.01\n0.4,-0.4,0.01\n",
        )
        .unwrap_err();
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(e.to_string().contains("V″ > 0"), "{e}");
        let e = parse_potential("r_fm,V_GeV\n0.1,-1\n0.2,-0.5\n0.3,-0.3\n").unwrap_err();
        assert!(e.to_string().contains("at least 4"), "{e}");
        let e = parse_potential("r,V\n0.1,-1\n").unwrap_err();
        assert_eq!(e.line(), Some(1));
        // In the page's language: Japanese, with the same line.
        crate::i18n::set_lang(crate::i18n::Lang::Ja);
        let said = parse_potential("r_fm,V_GeV\n0.1,-1\n0.2,-0.5\n0.3,-0.8\n0.4,-0.1\n")
            .unwrap_err()
            .to_string();
        crate::i18n::set_lang(crate::i18n::Lang::En);
        assert!(said.contains("4 行目") && said.contains("減少"), "{said}");
        // Within the errors a wiggle is allowed.
        parse_potential(
            "r_fm,V_GeV,error_GeV\n0.1,-1,0.05\n0.2,-0.52,0.05\n0.3,-0.3,0.05\n0.4,-0.12,0.05\n",
        )
        .unwrap();
    }
}
