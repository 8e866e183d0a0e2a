//! # From the potential back to the bulk: Wilson loops → the string tension T(z)
//!
//! The forward direction ([`super::wilson`]) hangs a Nambu–Goto string into a metric and reads off
//! the quark–antiquark potential V(d). This module goes the other way (docs/physics.md §9,
//! after Hashimoto, "Building bulk from Wilson loops", arXiv:2008.10883).
//!
//! At zero temperature, in the string frame and the gauge g_zz = g_xx,
//! ds² = f(z)(−dt² + dx² + dz²) with the boundary at z = 0. With T(z) = f(z)/2πα′ (the local string
//! tension, GeV²) a string whose endpoints are d apart hangs down to z* with
//!
//!   d(z*) = 2 ∫₀^{z*} T(z*) dz / √(T(z)² − T(z*)²),        V′(d) = T(z*)          (9.1)
//!
//! Writing u = T², (9.1) is an Abel integral equation for z(u); its inverse is
//!
//!   z(T) = (1/π) ∫_T^∞ d(T′) dT′ / √(T′² − T²) = (1/π) ∫₀^∞ d(T cosh θ) dθ          (9.2)
//!
//! where d(T′) is the inverse function of T′ = V′(d) (it exists where V″ < 0). The second form,
//! T′ = T cosh θ, has no endpoint singularity; d(T cosh θ) falls like e^{−θ/2} (the Coulomb tail),
//! so the θ integral converges fast. [`depth`] evaluates it on panels graded toward θ = 0, where
//! d(T′) is steep when T sits just above the IR tension.
//!
//! Three kinds of input implement [`Force`] (the function d(T)):
//! - [`Cornell`]: V = −κ/d + σd, d(T) = √(κ/(T − σ)), with the closed form (9.3) of z(T) in the
//!   complete elliptic integral K ([`Cornell::depth_exact`]);
//! - [`Tabulated`]: d(T) from samples, interpolated (a potential computed from a metric, or a fit);
//! - [`fit::PotentialFit`]: a smooth monotone fit to noisy lattice data, tabulated.
//!
//! ## Reference
//! K. Hashimoto, arXiv:2008.10883; J. Maldacena, PRL 80 (1998) 4859; O. Andreev, V. I. Zakharov,
//! hep-ph/0604204.

pub mod fit;
pub mod source;

use super::wilson::{legendre_nodes, ADS5_COULOMB};
use serde::Serialize;
use std::f64::consts::PI;

/// The inverse of the force: the separation d at which V′(d) = T.
pub trait Force {
    /// d(T) for T above [`Force::floor`] (NaN at or below it, where no string reaches).
    fn separation(&self, t: f64) -> f64;
    /// The smallest tension the input reaches: σ for a linear tail, the deepest string's tension
    /// for a table. z(T) is determined for T ≥ floor only.
    fn floor(&self) -> f64;
    /// The Coulomb coefficient κ of the UV tail V ≈ −κ/d.
    fn kappa(&self) -> f64;
}

/// Where the θ integral of (9.2) stops: the Coulomb tail has fallen by e^{−40} ≈ 4·10⁻¹⁸.
const THETA_MAX: f64 = 80.0;

/// z(T) by (9.2). `refine` splits every panel of the graded mesh into that many (1 for use,
/// 2 to check convergence).
pub fn depth<F: Force + ?Sized>(force: &F, t: f64, refine: usize) -> f64 {
    static NODES: std::sync::OnceLock<Vec<(f64, f64)>> = std::sync::OnceLock::new();
    let nodes = NODES.get_or_init(|| legendre_nodes(16));
    // d(T cosh θ) varies on the scale θ_c where T cosh θ − floor doubles: panels double in width
    // from θ_c/64 up to 4, then stay 4 wide.
    let gap = ((t - force.floor()) / t).max(1e-300);
    let theta_c = (2.0 * gap).sqrt().clamp(1e-12, 1.0);
    let mut edges = vec![0.0];
    let mut e = theta_c / 64.0;
    while e < 4.0 {
        edges.push(e);
        e *= 2.0;
    }
    let mut e = 4.0;
    while e < THETA_MAX {
        edges.push(e);
        e += 4.0;
    }
    edges.push(THETA_MAX);
    let refine = refine.max(1);
    let mut sum = 0.0;
    for w in edges.windows(2) {
        let h = (w[1] - w[0]) / refine as f64;
        for p in 0..refine {
            let mid = w[0] + (p as f64 + 0.5) * h;
            for &(x, wt) in nodes {
                let theta = mid + 0.5 * h * x;
                sum += wt * 0.5 * h * force.separation(t * theta.cosh());
            }
        }
    }
    sum / PI
}

/// The Cornell potential V = −κ/d + σd (κ dimensionless, σ in GeV², d in GeV⁻¹).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Cornell {
    /// Coulomb coefficient κ.
    pub kappa: f64,
    /// String tension σ \[GeV²\].
    pub sigma: f64,
}

/// Complete elliptic integral of the first kind K(m), parameter m = k², by the arithmetic–geometric
/// mean: K(m) = π / (2 AGM(1, √(1 − m))).
pub fn elliptic_k(m: f64) -> f64 {
    let (mut a, mut b) = (1.0f64, (1.0 - m).sqrt());
    for _ in 0..60 {
        if (a - b).abs() <= 1e-16 * a {
            break;
        }
        let next = (0.5 * (a + b), (a * b).sqrt());
        a = next.0;
        b = next.1;
    }
    PI / (2.0 * a)
}

impl Cornell {
    /// z(T) in closed form (docs/physics.md (9.3)): with d(T′) = √(κ/(T′ − σ)), (9.2) is
    /// (√κ/π) ∫_T^∞ dT′ / √((T′ − T)(T′ − σ)(T′ + T)), an elliptic integral over the largest root
    /// of a cubic with roots T > σ > −T (Byrd–Friedman 238.00):
    ///
    ///   z(T) = (√κ/π) √(2/T) K(m),   m = (T + σ)/(2T).                                    (9.3)
    ///
    /// σ = 0 gives m = ½ and T z² = κ Γ(¼)⁴/8π³ = κ/1.43554 (AdS); T → σ gives m → 1, K → ∞:
    /// the IR bottom T = σ lies infinitely deep (a throat).
    pub fn depth_exact(&self, t: f64) -> f64 {
        let m = (t + self.sigma) / (2.0 * t);
        self.kappa.sqrt() / PI * (2.0 / t).sqrt() * elliptic_k(m)
    }
}

impl Force for Cornell {
    fn separation(&self, t: f64) -> f64 {
        if t > self.sigma {
            (self.kappa / (t - self.sigma)).sqrt()
        } else {
            f64::NAN
        }
    }
    fn floor(&self) -> f64 {
        self.sigma
    }
    fn kappa(&self) -> f64 {
        self.kappa
    }
}

/// d(T) from samples: cubic Hermite interpolation of ln d against ln T, the
/// Coulomb tail d ∝ T^{−1/2} above the largest tension, nothing below the smallest.
#[derive(Clone, Debug, PartialEq)]
pub struct Tabulated {
    ln_t: Vec<f64>,
    ln_d: Vec<f64>,
    slope: Vec<f64>,
}

impl Tabulated {
    /// From (T, d) pairs with T strictly decreasing as d increases (V″ < 0). `None` if they are
    /// fewer than 3, not finite and positive, or not monotone.
    pub fn new(mut pts: Vec<(f64, f64)>) -> Option<Tabulated> {
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        if pts.len() < 3
            || pts.iter().any(|p| !(p.0 > 0.0 && p.1 > 0.0))
            || pts.iter().any(|p| !(p.0.is_finite() && p.1.is_finite()))
            || pts
                .windows(2)
                .any(|w| !(w[1].0 > w[0].0 && w[1].1 < w[0].1))
        {
            return None;
        }
        let ln_t: Vec<f64> = pts.iter().map(|p| p.0.ln()).collect();
        let ln_d: Vec<f64> = pts.iter().map(|p| p.1.ln()).collect();
        let n = ln_t.len();
        let secant: Vec<f64> = (0..n - 1)
            .map(|i| (ln_d[i + 1] - ln_d[i]) / (ln_t[i + 1] - ln_t[i]))
            .collect();
        // The slope of the parabola through each point and its neighbours (second order); the
        // samples are smooth and dense, so no limiter is needed to stay monotone.
        let mut slope = vec![0.0; n];
        slope[0] = secant[0];
        slope[n - 1] = secant[n - 2];
        for i in 1..n - 1 {
            let (a, b) = (secant[i - 1], secant[i]);
            let (ha, hb) = (ln_t[i] - ln_t[i - 1], ln_t[i + 1] - ln_t[i]);
            slope[i] = (hb * a + ha * b) / (ha + hb);
        }
        Some(Tabulated { ln_t, ln_d, slope })
    }

    /// From a potential sampled along a curve at equal steps of any smooth parameter (the tip of
    /// the string, say): (d, V) points with d increasing. V′(d) = V_u / d_u by fourth-order central
    /// differences in the parameter u, so only V and d enter, never the metric. The two samples
    /// at each end only serve the differences; samples deeper than where T has flattened beyond
    /// resolution are dropped.
    pub fn from_curve(curve: &[(f64, f64)]) -> Option<Tabulated> {
        if curve.len() < 7 {
            return None;
        }
        let diff = |v: &dyn Fn(usize) -> f64, i: usize| {
            (v(i - 2) - 8.0 * v(i - 1) + 8.0 * v(i + 1) - v(i + 2)) / 12.0
        };
        let d = |i: usize| curve[i].0;
        let v = |i: usize| curve[i].1;
        let mut pts: Vec<(f64, f64)> = Vec::with_capacity(curve.len());
        for (i, point) in curve.iter().enumerate().take(curve.len() - 2).skip(2) {
            let t = diff(&v, i) / diff(&d, i);
            if let Some(&(prev, _)) = pts.last() {
                // Where T has flattened to its floor below what differences resolve (~10⁻⁹ of
                // T), the deepest samples carry no more information: stop there.
                if t >= prev && t - prev <= 1e-8 * prev {
                    break;
                }
            }
            pts.push((t, point.0));
        }
        Tabulated::new(pts)
    }

    /// Largest tabulated tension.
    pub fn top(&self) -> f64 {
        self.ln_t.last().expect("≥ 3 samples").exp()
    }
}

impl Force for Tabulated {
    fn separation(&self, t: f64) -> f64 {
        let x = t.ln();
        let n = self.ln_t.len();
        if x >= self.ln_t[n - 1] {
            return (self.ln_d[n - 1] - 0.5 * (x - self.ln_t[n - 1])).exp();
        }
        if x.is_nan() || x < self.ln_t[0] {
            return f64::NAN;
        }
        let i = self.ln_t.partition_point(|&v| v <= x).clamp(1, n - 1) - 1;
        let h = self.ln_t[i + 1] - self.ln_t[i];
        let s = (x - self.ln_t[i]) / h;
        let (h00, h10, h01, h11) = (
            (1.0 + 2.0 * s) * (1.0 - s) * (1.0 - s),
            s * (1.0 - s) * (1.0 - s),
            s * s * (3.0 - 2.0 * s),
            s * s * (s - 1.0),
        );
        (h00 * self.ln_d[i]
            + h10 * h * self.slope[i]
            + h01 * self.ln_d[i + 1]
            + h11 * h * self.slope[i + 1])
            .exp()
    }
    fn floor(&self) -> f64 {
        self.ln_t[0].exp()
    }
    fn kappa(&self) -> f64 {
        // V′ = κ/d² on the Coulomb tail.
        let n = self.ln_t.len();
        (self.ln_t[n - 1] + 2.0 * self.ln_d[n - 1]).exp()
    }
}

/// The IR end of the reconstructed bulk.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bottom {
    /// The smallest tension T reaches: the string tension σ of the linear potential (GeV²).
    pub tension: f64,
    /// Its depth z, or `None` when it lies infinitely deep (a throat: an exactly linear tail with
    /// a Coulomb approach, as Cornell).
    pub z: Option<f64>,
}

/// What the inversion produces, on one grid of depths.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Profile {
    /// Depth z \[GeV⁻¹\], increasing.
    pub z: Vec<f64>,
    /// T(z) = f(z)/2πα′ \[GeV²\].
    pub tension: Vec<f64>,
}

/// The tensions the profile is computed at: from `top` down toward the floor σ, geometric in
/// T − σ (depth grows like ln(T − σ) near a throat), `n` of them; with `ends`, T = σ itself last.
fn tension_grid(top: f64, floor: f64, n: usize, ends: bool) -> Vec<f64> {
    // Down to T − σ = 10⁻⁶σ (T has then reached its floor for any chart), or over 14 e-folds
    // without a floor.
    let span = if floor > 0.0 {
        ((top - floor) / (1e-6 * floor)).ln().max(1.0)
    } else {
        14.0
    };
    let mut ts: Vec<f64> = (0..n)
        .map(|i| floor + (top - floor) * (-span * i as f64 / (n - 1) as f64).exp())
        .collect();
    if ends {
        ts.push(floor);
    }
    ts
}

/// z(T) at each of `tensions` (depth grows as T falls).
pub fn profile<F: Force + ?Sized>(force: &F, tensions: &[f64]) -> Profile {
    Profile {
        z: tensions.iter().map(|&t| depth(force, t, 1)).collect(),
        tension: tensions.to_vec(),
    }
}

/// T at depth `z` on a profile (log–log linear between its points; `None` outside it).
pub fn tension_at(p: &Profile, z: f64) -> Option<f64> {
    let i = p.z.windows(2).position(|w| w[0] <= z && z <= w[1])?;
    let (z0, z1) = (p.z[i], p.z[i + 1]);
    if z1 <= z0 {
        return Some(p.tension[i]);
    }
    let s = (z.ln() - z0.ln()) / (z1.ln() - z0.ln());
    Some((p.tension[i].ln() * (1.0 - s) + p.tension[i + 1].ln() * s).exp())
}

/// The reconstructed geometry in the network's own variables, for a T = 0 geometry with f = g
/// (docs/physics.md §9.4): L²/2πα′ = κ/|ADS5_COULOMB| fixes η in units of L without α′,
/// dη = −√(T/K) dz (η falls as z grows), η = −ln(z · 1 GeV) at the boundary, and h = ∂_η log √(f g³) = 2 ∂_η ln T.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkVariables {
    /// L²/2πα′ from the Coulomb coefficient.
    pub l2_over_2pi_alpha: f64,
    /// η at each depth of the profile (units of L).
    pub eta: Vec<f64>,
    /// h(η) = −2 T′(z) / (T √(T/K)).
    pub h: Vec<f64>,
}

/// η and h along a profile whose tensions fall geometrically toward `floor`. `dz_dt` gives dz/dT
/// at each of its points.
pub fn network_variables(p: &Profile, dz_dt: &[f64], kappa: f64, floor: f64) -> NetworkVariables {
    let k = kappa / ADS5_COULOMB.abs();
    let root = |i: usize| (p.tension[i] / k).sqrt();
    // η = −ln z − ∫₀^z (√(T/K) − 1/z′) dz′: the integrand vanishes like z at the boundary, so the
    // first interval is half its value there. The rest by the trapezoid rule in s = −ln(T − σ),
    // the grid's own variable, where dη = √(T/K) (dz/dT) (T − σ) ds is smooth (constant in AdS);
    // a last interval that ends on the floor itself, in z.
    let mut eta = Vec::with_capacity(p.z.len());
    let z0 = p.z[0];
    eta.push(-z0.ln() - 0.5 * z0 * (root(0) - 1.0 / z0));
    for i in 1..p.z.len() {
        let (ta, tb) = (p.tension[i - 1] - floor, p.tension[i] - floor);
        let step = if tb > 0.0 {
            let g = |k: usize, gap: f64| root(k) * dz_dt[k] * gap;
            0.5 * (g(i - 1, ta) + g(i, tb)) * (ta / tb).ln()
        } else {
            -0.5 * (root(i) + root(i - 1)) * (p.z[i] - p.z[i - 1])
        };
        eta.push(eta[i - 1] + step);
    }
    let h = (0..p.z.len())
        .map(|i| -2.0 / (dz_dt[i] * p.tension[i] * root(i)))
        .collect();
    NetworkVariables {
        l2_over_2pi_alpha: k,
        eta,
        h,
    }
}

/// dz/dT at each tension by a central difference of (9.2) (z is smooth in T and computed to
/// ~10⁻¹³): the step is 10⁻⁵ T, or a tenth of the distance to the floor where z changes on that
/// scale. At the floor itself: one-sided (a rough value; dz/dT may diverge there).
fn dz_dt<F: Force + ?Sized>(force: &F, tensions: &[f64]) -> Vec<f64> {
    tensions
        .iter()
        .map(|&t| {
            let gap = t - force.floor();
            if gap > 0.0 {
                let e = (1e-5 * t).min(0.1 * gap);
                (depth(force, t + e, 1) - depth(force, t - e, 1)) / (2.0 * e)
            } else {
                let e = 1e-5 * t;
                (depth(force, t + 2.0 * e, 1) - depth(force, t + e, 1)) / e
            }
        })
        .collect()
}

/// A whole inversion: the profile T(z), the bottom, the network variables, and optionally a band.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inversion {
    /// The profile.
    #[serde(flatten)]
    pub profile: Profile,
    /// The band on T: (z, 16th, 84th percentile of T) over resampled data, if the input had
    /// errors, at the depths most resamples reach.
    pub band: Option<Vec<[f64; 3]>>,
    /// The depths whose strings end inside the data (r between the first and last point); beyond,
    /// the tails decide.
    pub data_z: Option<[f64; 2]>,
    /// The deepest z computed: the longest string of the input (a table) or where the grid stops
    /// short of a throat.
    pub depth_reached: f64,
    /// The IR bottom.
    pub bottom: Bottom,
    /// The UV Coulomb coefficient κ.
    pub kappa: f64,
    /// The same geometry in the network's variables (T = 0, f = g; `None` for a finite-temperature
    /// input, where only √(f g)(z̃) is determined).
    pub network: Option<NetworkVariables>,
}

/// Invert `force` from tension `top` (near the boundary) down to its floor. `finite_bottom`: the
/// floor is reached at finite depth (a table ending at its deepest string) rather than as a throat.
/// `zero_temperature`: also map the result to the network's variables (§9.4).
pub fn invert<F: Force + ?Sized>(
    force: &F,
    top: f64,
    n: usize,
    finite_bottom: bool,
    zero_temperature: bool,
) -> Inversion {
    let ts = tension_grid(top, force.floor(), n, finite_bottom);
    let p = profile(force, &ts);
    let network = zero_temperature
        .then(|| network_variables(&p, &dz_dt(force, &ts), force.kappa(), force.floor()));
    let depth_reached = *p.z.last().expect("a grid");
    Inversion {
        bottom: Bottom {
            tension: force.floor(),
            z: finite_bottom.then_some(depth_reached),
        },
        depth_reached,
        kappa: force.kappa(),
        network,
        band: None,
        data_z: None,
        profile: p,
    }
}

/// The tension near the boundary where a profile starts: that of a string `r_uv` long.
pub fn top_tension<F: Force + ?Sized>(force: &F, r_uv: f64) -> f64 {
    let lo = force.floor().max(1e-12) * 1.000_001;
    tension_where(lo, 60f64.exp(), |t| force.separation(t) > r_uv)
}

/// The tension in [lo, hi] where `below(T)` stops holding (it holds for small T and not for
/// large), by bisection in ln T: separations and depths both fall as T rises.
pub fn tension_where(lo: f64, hi: f64, below: impl Fn(f64) -> bool) -> f64 {
    let (mut lo, mut hi) = (lo.ln(), hi.ln());
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if below(mid.exp()) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observables::wilson::{string_tip_near_end, Potential, SoftWall};

    /// Γ(¼)⁴/8π³ = 1/1.43554…: the AdS constant that links T z² to κ.
    fn ads_constant() -> f64 {
        1.0 / ADS5_COULOMB.abs()
    }

    #[test]
    fn pure_coulomb_gives_ads_at_every_depth() {
        let f = Cornell {
            kappa: 0.3,
            sigma: 0.0,
        };
        for t in [0.01, 1.0, 37.0, 1e4] {
            let z = depth(&f, t, 1);
            let tz2 = t * z * z;
            assert!(
                (tz2 / (0.3 * ads_constant()) - 1.0).abs() < 1e-10,
                "T = {t}: T z² = {tz2}"
            );
            assert!((z / f.depth_exact(t) - 1.0).abs() < 1e-12);
        }
        // The network variables of AdS: h = 4 everywhere, η = −ln z.
        let inv = invert(&f, 100.0, 60, false, true);
        let net = inv.network.as_ref().unwrap();
        for (i, h) in net.h.iter().enumerate() {
            assert!((h - 4.0).abs() < 1e-5, "h[{i}] = {h}");
        }
        for (z, eta) in inv.profile.z.iter().zip(&net.eta) {
            assert!((eta + z.ln()).abs() < 1e-4, "η = {eta} at z = {z}");
        }
    }

    #[test]
    fn cornell_matches_its_elliptic_closed_form_and_is_converged() {
        let f = Cornell {
            kappa: 0.52,
            sigma: 0.1826,
        };
        for t in [0.1826 * (1.0 + 1e-8), 0.183, 0.2, 0.5, 3.0, 50.0, 1e4] {
            let (z, exact) = (depth(&f, t, 1), f.depth_exact(t));
            assert!((z / exact - 1.0).abs() < 1e-9, "T = {t}: {z} vs {exact}");
            // Twice the resolution changes nothing at the tolerance.
            assert!((depth(&f, t, 2) / z - 1.0).abs() < 1e-11);
        }
        // The closed form itself, independently: at σ = 0 the AdS constant, and (9.2) by brute
        // force with T′ = T + s² on a fine uniform grid.
        let c0 = Cornell {
            kappa: 1.0,
            sigma: 0.0,
        };
        assert!((c0.depth_exact(1.0).powi(2) - ads_constant()).abs() < 1e-12);
        let t = 0.4;
        let brute = crate::observables::wilson::gauss_legendre(
            |u| {
                // T′ = T/(1 − u)², u ∈ [0, 1): the whole half-line, then s² for the endpoint.
                let s = u;
                let tp = t + s * s / (1.0 - s).powi(4);
                let dtp = (2.0 * s / (1.0 - s).powi(4) + 4.0 * s * s / (1.0 - s).powi(5)).abs();
                f.separation(tp) * dtp / (tp * tp - t * t).sqrt()
            },
            0.0,
            1.0,
            4000,
        ) / PI;
        assert!((brute / f.depth_exact(t) - 1.0).abs() < 1e-6, "{brute}");
    }

    #[test]
    fn cornell_has_a_throat_and_flattens_to_sigma() {
        let f = Cornell {
            kappa: 0.52,
            sigma: 0.1826,
        };
        let inv = invert(&f, top_tension(&f, 0.1), 120, false, true);
        let net = inv.network.as_ref().unwrap();
        assert!(inv.bottom.z.is_none());
        // Deeper and deeper as T → σ; h → 0 there (T′ → 0), 4 at the boundary.
        assert!(inv.profile.z.windows(2).all(|w| w[1] > w[0]));
        let last = net.h.last().copied().unwrap();
        assert!(last.abs() < 0.02, "h at the deepest point {last}");
        assert!((net.h[0] - 4.0).abs() < 0.05, "{}", net.h[0]);
    }

    /// The soft wall's V(d), from its own metric, inverted: T(z) = e^{cz²/2}/z² (2πα′ = 1) down
    /// to the finite bottom z = √(2/c), and its network h = 2(2 − cz²)e^{−cz²/4}.
    #[test]
    fn andreev_zakharov_round_trip_reaches_the_finite_bottom() {
        let bg = SoftWall { c: 0.9 };
        let c = bg.c;
        let z_bottom = (2.0 / c).sqrt();
        // Tips z₀ = z_b/(1 + e^{−w}), uniform in w: log-uniform near the boundary, and d grows
        // like w toward the bottom.
        let n = 600;
        let tip_z = |i: usize| z_bottom / (1.0 + (-(-7.0 + 15.0 * i as f64 / n as f64)).exp());
        let curve: Vec<(f64, f64)> = (0..=n)
            .rev()
            .map(|i| {
                let e = bg.eta_of_z(tip_z(i));
                let s = string_tip_near_end(&bg, e, e + 14.0, bg.eta_of_z(z_bottom));
                (s.d, s.v)
            })
            .collect();
        let tab = Tabulated::from_curve(&curve).expect("a monotone force");
        let inv = invert(&tab, tab.top(), 160, true, true);
        let net = inv.network.as_ref().unwrap();
        let truth = |z: f64| (0.5 * c * z * z).exp() / (z * z);
        let mut worst = 0.0f64;
        for (z, t) in inv.profile.z.iter().zip(&inv.profile.tension) {
            worst = worst.max((t / truth(*z) - 1.0).abs());
        }
        assert!(worst < 1e-3, "T(z) off by {worst}");
        let zb = inv.bottom.z.expect("a finite bottom");
        // The deepest tip sits at z_b/(1 + e^{−8}): the inversion gets there, 3.4·10⁻⁴ short of
        // the bottom itself.
        assert!((zb / z_bottom - 1.0).abs() < 4e-4, "bottom at {zb}");
        let sigma = std::f64::consts::E * c / 2.0;
        assert!((inv.bottom.tension / sigma - 1.0).abs() < 1e-6);
        // (The last point sits on the table's floor, where dz/dT is one-sided: left out.)
        let n_h = net.h.len() - 1;
        for (i, (z, h)) in inv.profile.z.iter().zip(&net.h).enumerate().take(n_h) {
            let want = 2.0 * (2.0 - c * z * z) * (-0.25 * c * z * z).exp();
            assert!((h - want).abs() < 5e-3, "h[{i}] at z = {z}: {h} vs {want}");
        }
        // The wall's own η(z) (its −ln z convention is ours).
        for (z, eta) in inv.profile.z.iter().zip(&net.eta).step_by(20) {
            assert!((eta - bg.eta_of_z(*z)).abs() < 2e-3, "η at z = {z}");
        }
        // The branch end the forward code finds is the same bottom.
        let pot = Potential::scan(&bg, bg.eta_of_z(3.0), bg.eta_of_z(0.05), 100);
        assert!((bg.z_of_eta(pot.eta_end) / z_bottom - 1.0).abs() < 1e-4);
    }

    #[test]
    fn tabulated_interpolates_the_cornell_force() {
        let f = Cornell {
            kappa: 0.52,
            sigma: 0.1826,
        };
        let pts: Vec<(f64, f64)> = (0..400)
            .map(|i| 0.01 * (3000.0f64).powf(i as f64 / 399.0))
            .map(|r| (0.52 / (r * r) + 0.1826, r))
            .collect();
        let tab = Tabulated::new(pts).unwrap();
        for t in [0.19, 0.3, 1.0, 100.0] {
            let want = f.separation(t);
            assert!((tab.separation(t) / want - 1.0).abs() < 1e-6, "T = {t}");
        }
        // Above the table: the Coulomb tail, off by the σ/2T it leaves out.
        assert!((tab.separation(1e5) / f.separation(1e5) - 1.0).abs() < 2e-5);
        assert!(tab.separation(0.18).is_nan());
        assert!((tab.kappa() / 0.52 - 1.0).abs() < 1e-3);
        assert!(Tabulated::new(vec![(1.0, 1.0), (2.0, 2.0), (3.0, 0.5)]).is_none());
    }
}
