//! The quark–antiquark potential from a Nambu–Goto string hanging into the bulk (docs/physics.md §5;
//! P2 Sec. IV.C, Eqs. 36–37 with the typo of Eq. 37 corrected).
//!
//! For ds² = −f dt² + dη² + g dx², a string whose endpoints sit a distance d apart on the boundary
//! and whose tip reaches η₀ has (f₀ = f(η₀), g₀ = g(η₀))
//!
//!   d(η₀)      = 2 ∫_{η₀}^∞ dη g^{−1/2} √( f₀g₀ / (fg − f₀g₀) )
//!   2πα′V(η₀) = 2 ∫_{η₀}^∞ dη √f ( √( fg/(fg − f₀g₀) ) − 1 ) − 2 ∫_{η_h}^{η₀} √f dη
//!
//! Both first integrands diverge like 1/√(η − η₀) at the tip; the substitution η = η₀ + s² makes
//! them smooth, and √(fg/(fg − f₀g₀)) − 1 is evaluated as f₀g₀ / [√(fg − f₀g₀)(√(fg) + √(fg − f₀g₀))]
//! so that no cancellation occurs far from the tip.
//!
//! ## Reference
//! J. Maldacena, PRL 80 (1998) 4859; S.-J. Rey, J.-T. Yee, EPJC 22 (2001) 379; P2 Sec. IV.C.

/// A static background: the functions f(η), g(η) of ds² = −f dt² + dη² + g dx².
pub trait Background {
    /// f(η).
    fn f(&self, eta: f64) -> f64;
    /// g(η).
    fn g(&self, eta: f64) -> f64;
    /// ∫ √f dη from the horizon (or the far interior) up to η₀: the two straight strings'
    /// subtraction in V. The default integrates from η = 0, the horizon of docs/physics.md.
    fn sqrt_f_below(&self, eta0: f64) -> f64 {
        gauss_legendre(|e| self.f(e).max(0.0).sqrt(), 0.0, eta0, 32)
    }
}

/// Gauss–Legendre nodes and weights on [−1, 1] of order `n` (Newton on Pₙ; exact to rounding).
pub fn legendre_nodes(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let mut x = (core::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
            let mut dp = 0.0;
            for _ in 0..100 {
                // Pₙ(x) and Pₙ′(x) by the three-term recurrence.
                let (mut p0, mut p1) = (1.0, x);
                for k in 2..=n {
                    let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n as f64 * (x * p1 - p0) / (x * x - 1.0);
                let dx = p1 / dp;
                x -= dx;
                if dx.abs() < 1e-16 {
                    break;
                }
            }
            (x, 2.0 / ((1.0 - x * x) * dp * dp))
        })
        .collect()
}

/// ∫_a^b F by composite 16-point Gauss–Legendre on `panels` equal panels.
pub fn gauss_legendre(f: impl Fn(f64) -> f64, a: f64, b: f64, panels: usize) -> f64 {
    let nodes = legendre_nodes(16);
    let h = (b - a) / panels as f64;
    (0..panels)
        .map(|p| {
            let mid = a + (p as f64 + 0.5) * h;
            nodes
                .iter()
                .map(|&(x, w)| w * f(mid + 0.5 * h * x))
                .sum::<f64>()
                * 0.5
                * h
        })
        .sum()
}

/// The string whose tip is at η₀: its endpoint separation d and energy 2πα′V (connected
/// configuration, before comparing with the screened one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StringTip {
    /// Tip position η₀.
    pub eta0: f64,
    /// Endpoint separation d (units of L).
    pub d: f64,
    /// 2πα′ V of the connected string (units of 1/L).
    pub v: f64,
}

/// d(η₀) and 2πα′V(η₀) for a background. `eta_max` is where the integrands are negligible
/// (asymptotically AdS: a dozen units of η above η₀ is plenty).
pub fn string_tip<B: Background + ?Sized>(bg: &B, eta0: f64, eta_max: f64) -> StringTip {
    let smax = (eta_max - eta0).max(0.0).sqrt();
    let panels = 48;
    let h = smax / panels as f64;
    let edges: Vec<(f64, f64)> = (0..panels)
        .map(|p| ((p as f64 + 0.5) * h, 0.5 * h))
        .collect();
    string_tip_on(bg, eta0, &edges)
}

/// [`string_tip`] for a tip just above the end `eta_end` of a confining branch, where f·g − f₀g₀
/// ≈ A s²(s² + 2δ) (δ = η₀ − η_end) makes the integrands peak within s ~ √δ of the tip: panels
/// graded from √δ/16, doubling, up to the uniform width of [`string_tip`].
pub fn string_tip_near_end<B: Background + ?Sized>(
    bg: &B,
    eta0: f64,
    eta_max: f64,
    eta_end: f64,
) -> StringTip {
    let smax = (eta_max - eta0).max(0.0).sqrt();
    let widest = smax / 48.0;
    let mut edges = Vec::new();
    let (mut a, mut w) = (
        0.0,
        ((eta0 - eta_end).max(0.0).sqrt() / 16.0).clamp(1e-12, widest),
    );
    while a < smax {
        let b = (a + w).min(smax);
        edges.push((0.5 * (a + b), 0.5 * (b - a)));
        a = b;
        w = (2.0 * w).min(widest);
    }
    string_tip_on(bg, eta0, &edges)
}

/// The integrals of [`string_tip`] on panels given as (midpoint, half-width) in s = √(η − η₀).
fn string_tip_on<B: Background + ?Sized>(bg: &B, eta0: f64, panels: &[(f64, f64)]) -> StringTip {
    let fg0 = bg.f(eta0) * bg.g(eta0);
    // η = η₀ + s², dη = 2s ds: the 1/√(η − η₀) tip singularity cancels against 2s.
    let mut d = 0.0;
    let mut v = 0.0;
    let nodes = legendre_nodes(16);
    for &(mid, half) in panels {
        for &(x, w) in &nodes {
            let s = mid + half * x;
            let eta = eta0 + s * s;
            let (f, g) = (bg.f(eta), bg.g(eta));
            let fg = f * g;
            let gap = (fg - fg0).max(0.0);
            if gap <= 0.0 {
                continue;
            }
            let root_gap = gap.sqrt();
            let jac = 2.0 * s * w * half;
            d += jac * (fg0 / gap).sqrt() / g.sqrt();
            v += jac * f.sqrt() * fg0 / (root_gap * (fg.sqrt() + root_gap));
        }
    }
    StringTip {
        eta0,
        d: 2.0 * d,
        v: 2.0 * v - 2.0 * bg.sqrt_f_below(eta0),
    }
}

/// The quark–antiquark potential of a background: the connected strings on a grid of tips (for
/// drawing), and the numbers that describe it, found by root finding on the tip position so that
/// they do not depend on the grid (docs/physics.md §5).
#[derive(Clone, Debug, PartialEq)]
pub struct Potential {
    /// Connected strings of the physical branch, tips from the boundary side (small d) inward.
    pub tips: Vec<StringTip>,
    /// Tip where the physical branch ends: at the first local minimum of f·g below the boundary
    /// (d → ∞ there: confinement), or where d(η₀) turns back (d_max: the string breaks).
    pub eta_end: f64,
    /// Largest separation a connected string of the branch reaches (∞ for a confining branch).
    pub d_max: f64,
    /// Screening distance: the V = 0 crossing of the physical branch (the connected string stops
    /// being favoured over two straight strings), or `d_max` where the branch ends first.
    pub d_screen: f64,
    /// Start of the linear (confining) region: where the slope dV/dd = √(f₀g₀) (exact for a
    /// Nambu–Goto string) has come down to 1.25 times its value at the screening distance.
    pub d_linear: f64,
}

/// Bisection for a sign change of `f` on [a, b] to an interval of `tol`.
fn bisect(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64, tol: f64) -> f64 {
    let fa = f(a);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if (b - a).abs() < tol {
            return m;
        }
        if (f(m) > 0.0) == (fa > 0.0) {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

/// Golden-section search for the maximum of `f` on [a, b].
fn golden_max(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64, tol: f64) -> f64 {
    let r = 0.5 * (5f64.sqrt() - 1.0);
    let (mut c, mut d) = (b - r * (b - a), a + r * (b - a));
    let (mut fc, mut fd) = (f(c), f(d));
    while (b - a).abs() > tol {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = f(d);
        }
    }
    0.5 * (a + b)
}

impl Potential {
    /// The potential for tips between `eta_lo` (deepest) and `eta_hi` (nearest the boundary);
    /// `n` tips are kept for drawing. The screening distance and the start of the linear region
    /// come from root finding and do not depend on `n`.
    pub fn scan<B: Background + ?Sized>(bg: &B, eta_lo: f64, eta_hi: f64, n: usize) -> Potential {
        let fg = |e: f64| bg.f(e) * bg.g(e);
        let tip = |e: f64| string_tip(bg, e, e + 12.0);
        let tol = 1e-9 * (eta_hi - eta_lo);
        // Going down from the boundary, a connected string exists while f·g keeps falling: at
        // its first local minimum d diverges (the string tension √(fg) there), and tips below
        // have no string (f·g would dip under f₀g₀ on the way up).
        let probe = 4000;
        let at = |i: usize| eta_hi - (eta_hi - eta_lo) * i as f64 / probe as f64;
        let mut end = eta_lo;
        let mut confining = false;
        for i in 1..probe {
            if fg(at(i + 1)) >= fg(at(i)) {
                end = golden_max(|e| -fg(e), at(i + 1), at(i - 1), tol);
                confining = true;
                break;
            }
        }
        // Tips for drawing, denser toward the branch's end where d grows fastest.
        let n = n.max(10);
        let mut tips: Vec<StringTip> = (0..n)
            .map(|i| {
                let u = i as f64 / (n - 1) as f64;
                end + (eta_hi - end) * (1.0 - u).powi(2)
            })
            .filter(|&e| e > end + tol)
            .map(tip)
            .filter(|t| t.d.is_finite() && t.v.is_finite())
            .collect();
        // Where d stops growing the branch turns back (no wall: the string breaks at d_max).
        if let Some(i) = (1..tips.len()).find(|&i| tips[i].d <= tips[i - 1].d) {
            let hi = tips[i - 1].eta0
                + if i >= 2 {
                    tips[i - 2].eta0 - tips[i - 1].eta0
                } else {
                    0.0
                };
            end = golden_max(|e| tip(e).d, tips[i].eta0, hi.min(eta_hi), tol);
            tips.truncate(i);
            tips.push(tip(end));
            confining = false;
        }
        let last = *tips.last().expect("at least one tip");
        let d_max = if confining { f64::INFINITY } else { last.d };
        // V = 0 on the branch: bracket it on the drawn tips — and between the last of them and
        // the branch's very end, where a confining string's V grows without bound — then refine
        // by bisection in η₀.
        let mut ends: Vec<StringTip> = tips.clone();
        if confining {
            let near = tip(end + 1e-7 * (eta_hi - end));
            if near.d.is_finite() && near.v.is_finite() {
                ends.push(near);
            }
        }
        let (eta_s, d_screen) = match ends.windows(2).find(|w| w[0].v < 0.0 && w[1].v >= 0.0) {
            Some(w) => {
                let e = bisect(|e| tip(e).v, w[0].eta0, w[1].eta0, tol);
                (e, tip(e).d)
            }
            None => (last.eta0, last.d),
        };
        // dV/dd = √(f₀g₀): the linear region starts where it is 1.25 times its value at η_s.
        let sigma_s = fg(eta_s).sqrt();
        let d_linear = if fg(eta_hi).sqrt() <= 1.25 * sigma_s {
            tips[0].d
        } else {
            let e = bisect(|e| fg(e).sqrt() - 1.25 * sigma_s, eta_s, eta_hi, tol);
            tip(e).d
        };
        Potential {
            tips,
            eta_end: end,
            d_max,
            d_screen,
            d_linear,
        }
    }

    /// The connected strings of the physical branch up to the screening distance as (d, η₀):
    /// where each string's tip hangs (docs/physics.md §5: the Wilson loop sees the metric only
    /// down to the deepest tip).
    pub fn tip_depths(&self) -> Vec<(f64, f64)> {
        self.tips
            .iter()
            .take_while(|t| t.d <= self.d_screen)
            .map(|t| (t.d, t.eta0))
            .collect()
    }

    /// The tip η₀ of the connected string with separation `d` on the physical branch
    /// (interpolated between the scanned tips; `None` outside them).
    pub fn tip_at(&self, d: f64) -> Option<f64> {
        self.tips.windows(2).find_map(|w| {
            let (a, b) = (w[0], w[1]);
            (a.d <= d && d <= b.d && b.d > a.d)
                .then(|| a.eta0 + (b.eta0 - a.eta0) * (d - a.d) / (b.d - a.d))
        })
    }

    /// 2πα′V(d) on the physical branch: the connected string while it is favoured, 0 beyond.
    pub fn physical(&self) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = self
            .tips
            .iter()
            .take_while(|t| t.d <= self.d_screen)
            .map(|t| (t.d, t.v.min(0.0)))
            .collect();
        out.push((self.d_screen, 0.0));
        out.push((2.0 * self.d_screen, 0.0));
        out
    }
}

/// Pure AdS₅ in these coordinates, f = g = e^{2η}, with η running down to −∞ (no horizon).
pub struct PureAds;

impl Background for PureAds {
    fn f(&self, eta: f64) -> f64 {
        (2.0 * eta).exp()
    }
    fn g(&self, eta: f64) -> f64 {
        (2.0 * eta).exp()
    }
    fn sqrt_f_below(&self, eta0: f64) -> f64 {
        eta0.exp()
    }
}

/// AdS₅-Schwarzschild with its horizon at η = 0: f = sinh²2η / cosh 2η, g = cosh 2η
/// (so that h = ∂_η log √(f g³) = 4 coth 4η, docs/physics.md §5).
pub struct AdsSchwarzschild5;

impl Background for AdsSchwarzschild5 {
    fn f(&self, eta: f64) -> f64 {
        let s = (2.0 * eta).sinh();
        s * s / (2.0 * eta).cosh()
    }
    fn g(&self, eta: f64) -> f64 {
        (2.0 * eta).cosh()
    }
}

/// 2πα′V·d of pure AdS₅ with R = 1: −8π³/Γ(1/4)⁴ (Maldacena; Rey–Yee), Γ(1/4) = 3.625609908221908…
pub const ADS5_COULOMB: f64 = -1.435_540_022_092_259_4;

/// Andreev–Zakharov's soft wall (hep-ph/0604204): ds² = (e^{cz²/2}/z²)(−dt² + dx⃗² + dz²), R = 1,
/// a confining background whose potential is known in closed (parametric) form. In this module's
/// coordinate dη = −e^{cz²/4} dz / z, so f = g = e^{cz²/2}/z², and with a = c/4
/// η(z) = −ln z − ½ Σ_{n≥1} (az²)ⁿ/(n·n!).
pub struct SoftWall {
    /// The wall's scale c (units of 1/length², R = 1).
    pub c: f64,
}

impl SoftWall {
    /// η of the radial position z.
    pub fn eta_of_z(&self, z: f64) -> f64 {
        let x = 0.25 * self.c * z * z;
        let (mut term, mut sum) = (1.0, 0.0);
        for n in 1..200 {
            term *= x / n as f64;
            sum += term / n as f64;
            if term < 1e-18 * sum.max(1e-300) {
                break;
            }
        }
        -z.ln() - 0.5 * sum
    }

    /// z at η (Newton on η(z), which falls monotonically: dη/dz = −e^{cz²/4}/z).
    pub fn z_of_eta(&self, eta: f64) -> f64 {
        let mut z = (-eta).exp().min((8.0 / self.c).sqrt());
        for _ in 0..100 {
            let slope = -(0.25 * self.c * z * z).exp() / z;
            let step = (self.eta_of_z(z) - eta) / slope;
            let next = (z - step).clamp(0.5 * z, 2.0 * z);
            if (next - z).abs() < 1e-15 * z {
                return next;
            }
            z = next;
        }
        z
    }
}

impl Background for SoftWall {
    fn f(&self, eta: f64) -> f64 {
        let z = self.z_of_eta(eta);
        (0.5 * self.c * z * z).exp() / (z * z)
    }
    fn g(&self, eta: f64) -> f64 {
        self.f(eta)
    }
    /// ∫ √f dη from z = 1 (a fixed reference: only a constant in V) up to the tip.
    fn sqrt_f_below(&self, eta0: f64) -> f64 {
        let z0 = self.z_of_eta(eta0);
        gauss_legendre(|z| (0.5 * self.c * z * z).exp() / (z * z), z0, 1.0, 64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COULOMB: f64 = ADS5_COULOMB;

    #[test]
    fn gauss_legendre_is_exact_for_polynomials() {
        let v = gauss_legendre(|x| x.powi(7) - 3.0 * x * x, -1.0, 2.0, 1);
        let exact = (2f64.powi(8) - 1.0) / 8.0 - (8.0 + 1.0);
        assert!((v - exact).abs() < 1e-12, "{v} vs {exact}");
        let gamma_quarter = 3.625_609_908_221_908_f64;
        assert!(
            (-8.0 * core::f64::consts::PI.powi(3) / gamma_quarter.powi(4) - COULOMB).abs() < 1e-6
        );
    }

    #[test]
    fn pure_ads_gives_the_coulomb_law_at_every_depth() {
        for eta0 in [-2.0, -0.5, 0.0, 1.0, 2.5] {
            let s = string_tip(&PureAds, eta0, eta0 + 25.0);
            let vd = s.v * s.d;
            assert!((vd - COULOMB).abs() < 1e-4, "η₀ = {eta0}: V·d = {vd}");
        }
    }

    #[test]
    fn ads_schwarzschild_screens_beyond_a_maximal_distance() {
        let tips: Vec<StringTip> = (1..=300)
            .map(|i| string_tip(&AdsSchwarzschild5, 0.01 * i as f64, 0.01 * i as f64 + 25.0))
            .collect();
        let (imax, dmax) =
            tips.iter().enumerate().fold(
                (0, 0.0),
                |(bi, bd), (i, t)| if t.d > bd { (i, t.d) } else { (bi, bd) },
            );
        // d(η₀) rises from 0 at the horizon to a maximum, then falls toward the boundary.
        assert!(
            imax > 0 && imax < tips.len() - 1,
            "maximum inside the scan: {imax}"
        );
        assert!(tips[0].d < dmax && tips[tips.len() - 1].d < 0.1 * dmax);
        // Deep in the UV the potential is Coulomb; at the largest d the connected string already
        // costs more than two straight strings (V > 0): beyond, V = 0 (screening).
        // V = COULOMB/d + const (a finite quark-mass shift from the horizon subtraction).
        let (a, b) = (
            string_tip(&AdsSchwarzschild5, 5.0, 30.0),
            string_tip(&AdsSchwarzschild5, 6.0, 31.0),
        );
        let slope = (b.v - a.v) / (1.0 / b.d - 1.0 / a.d);
        assert!((slope - COULOMB).abs() < 1e-3, "UV slope {slope}");
        assert!(tips[imax].v > 0.0, "V(d_max) = {}", tips[imax].v);
        assert!(tips.iter().any(|t| t.v < 0.0));
    }

    /// Andreev–Zakharov: the separation at tip z₀ = √(λ/c) is, independently,
    /// r(λ) = 2√(λ/c) ∫₀¹ dv v² e^{λ(1−v²)/2} (1 − v⁴ e^{λ(1−v²)})^{−1/2} (hep-ph/0604204);
    /// the branch ends at λ = 2 (the minimum of f·g), where the slope of V tends to the string
    /// tension 2πα′σ = e·c/2; at short distance V is AdS's Coulomb law.
    #[test]
    fn the_soft_wall_confines_with_its_known_tension_and_separation() {
        let bg = SoftWall { c: 0.9 };
        let c = bg.c;
        for lambda in [0.4, 1.0, 1.6, 1.9] {
            let z0 = (lambda / c).sqrt();
            // v = 1 − s² removes the endpoint singularity at v = 1.
            let r = 2.0
                * (lambda / c).sqrt()
                * gauss_legendre(
                    |s| {
                        let v = 1.0 - s * s;
                        let e = (lambda * (1.0 - v * v)).exp();
                        2.0 * s * v * v * (0.5 * lambda * (1.0 - v * v)).exp()
                            / (1.0 - v.powi(4) * e).sqrt()
                    },
                    0.0,
                    1.0,
                    64,
                );
            let t = string_tip(&bg, bg.eta_of_z(z0), bg.eta_of_z(z0) + 14.0);
            assert!(
                (t.d - r).abs() / r < 1e-4,
                "λ = {lambda}: d = {} vs r = {r}",
                t.d
            );
        }
        let pot = Potential::scan(&bg, bg.eta_of_z(3.0), bg.eta_of_z(0.05), 200);
        let z_end = bg.z_of_eta(pot.eta_end);
        assert!(
            (z_end - (2.0 / c).sqrt()).abs() < 1e-4,
            "branch ends at z = {z_end}"
        );
        assert!(pot.d_max.is_infinite(), "a confining branch");
        // Far out on the branch the slope is the tension e·c/2.
        let zt = |lambda: f64| bg.eta_of_z((lambda / c).sqrt());
        let (a, b) = (
            string_tip(&bg, zt(1.999), zt(1.999) + 14.0),
            string_tip(&bg, zt(1.9999), zt(1.9999) + 14.0),
        );
        let sigma = (b.v - a.v) / (b.d - a.d);
        let want = std::f64::consts::E * c / 2.0;
        assert!(
            (sigma - want).abs() / want < 2e-3,
            "tension {sigma} vs e·c/2 = {want}"
        );
        // Close to the boundary: the Coulomb law of pure AdS₅.
        let (a, b) = (
            string_tip(&bg, bg.eta_of_z(0.02), bg.eta_of_z(0.02) + 14.0),
            string_tip(&bg, bg.eta_of_z(0.01), bg.eta_of_z(0.01) + 14.0),
        );
        let coulomb = (b.v - a.v) / (1.0 / b.d - 1.0 / a.d);
        assert!(
            (coulomb - COULOMB).abs() < 2e-3,
            "Coulomb coefficient {coulomb}"
        );
    }
}
