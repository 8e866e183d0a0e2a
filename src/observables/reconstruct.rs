//! From the learned layers h_k to a smooth metric: h(η) on (0, ∞), then f and g (docs/physics.md §5;
//! P2 Sec. IV.C).
//!
//! 1. Place the N values on a grid — P2's placement η = 1 − k/N (spanning [1/N, 1]; only this
//!    reproduces the published constants) or the network's own grid η_k — and fit a polynomial of
//!    degree 5 on that interval.
//! 2. Continue it with value and slope matched at both ends: toward the horizon
//!    h ≈ 1/(η − c₁) + c₂ (a regular horizon at η = c₁), toward the boundary h ≈ d − c₃ e^{−c₄η}
//!    (asymptotically AdS). η′ = η − c₁ puts the horizon at η′ = 0.
//! 3. With H ≡ h − d coth dη′ (integrable at both ends), f g^{d−1} = exp 2∫h, and for
//!    g = c₅ e^{2η′} (case i), with T L the temperature in units of 1/L:
//!    c₅ = (πTL/d)² exp(2∫₀^∞ H dη′),  f = c₅ e^{2η′} exp(−2∫_{η′}^∞ (h − d) dη).
//!    (d = 4: c₅ = (πTL/4)² exp(2∫H), docs/physics.md §5.) Case ii, g ∝ cosh 2η′, keeps f g³ and the
//!    boundary normalisation: g = 2c₅ cosh 2η′.

use super::wilson::{gauss_legendre, Background};
use crate::physics::poly::{polyfit, polyval};

/// Where the N learned values are placed before the fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// η = 1 − k/N, k = 0 … N−1 (P2's reconstruction).
    P2,
    /// The network's grid η_k = η_ini + kΔη.
    Network,
}

/// Which g completes f g^{d−1}.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GChoice {
    /// g = c₅ e^{2η′} (P2 case i).
    Exponential,
    /// g = 2c₅ cosh 2η′ (P2 case ii).
    Cosh,
}

/// A smooth metric reconstructed from learned layers.
#[derive(Clone, Debug, PartialEq)]
pub struct Reconstruction {
    /// Boundary dimension d (4 for QCD).
    pub d: f64,
    /// Polynomial coefficients (lowest first) in η.
    pub poly: Vec<f64>,
    /// Fit interval [η_a, η_b] in η.
    pub range: (f64, f64),
    /// Horizon position c₁ (in η) and offset c₂ of h ≈ 1/(η − c₁) + c₂.
    pub c1: f64,
    /// See `c1`.
    pub c2: f64,
    /// h ≈ d − c₃ e^{−c₄ η} toward the boundary.
    pub c3: f64,
    /// See `c3`.
    pub c4: f64,
    /// Normalisation c₅ of g = c₅ e^{2η′} (case i), fixed by the temperature.
    pub c5: f64,
    /// T L, the temperature in units of 1/L.
    pub tl: f64,
    /// Which g.
    pub g_choice: GChoice,
    /// ∫_{η′}^∞ (h − d) dη tabulated on a grid in η′ (for f), with its step.
    tail: Vec<f64>,
    step: f64,
    /// f (for the chosen g) on the grid η′ = i·step, and the running ∫₀^{η′} √f: string tips
    /// need thousands of f values, which the tables make O(1).
    f_tab: Vec<f64>,
    sqrt_f_cum: Vec<f64>,
}

/// Upper end of the η′ grid: h − d has decayed like e^{−c₄η} long before.
const ETA_MAX: f64 = 12.0;
const GRID: usize = 24_000;

impl Reconstruction {
    /// Reconstruct from the learned layers `h` (boundary side first), boundary dimension `d`,
    /// T L (temperature times AdS radius, dimensionless). `eta_grid` gives the network's η_k for
    /// [`Placement::Network`]. `None` when the learned metric has no horizon-like rise at the
    /// horizon end (h′ ≥ 0 there) or is not below d at the boundary end.
    ///
    /// The horizon form is C¹-matched to the polynomial at `eta_match` (default: the horizon end of
    /// the fit interval). The result is sensitive to this choice; see the README.
    pub fn new(
        h: &[f64],
        eta_grid: &[f64],
        d: f64,
        tl: f64,
        placement: Placement,
        g_choice: GChoice,
        eta_match: Option<f64>,
    ) -> Option<Reconstruction> {
        let n = h.len();
        let etas: Vec<f64> = match placement {
            Placement::P2 => (0..n).map(|k| 1.0 - k as f64 / n as f64).collect(),
            Placement::Network => eta_grid.to_vec(),
        };
        let poly = polyfit(&etas, h, 5.min(n - 1))?;
        let (a, b) = etas
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &e| {
                (lo.min(e), hi.max(e))
            });
        let deriv: Vec<f64> = poly
            .iter()
            .enumerate()
            .skip(1)
            .map(|(k, c)| k as f64 * c)
            .collect();
        // Horizon side: 1/(m − c₁) + c₂ = P(m), −1/(m − c₁)² = P′(m) at the matching point m.
        let a = eta_match.unwrap_or(a);
        let (pa, dpa) = (polyval(&poly, a), polyval(&deriv, a));
        if dpa >= 0.0 || a <= 0.0 {
            return None;
        }
        let c1 = a - 1.0 / (-dpa).sqrt();
        let c2 = pa - (-dpa).sqrt();
        // Boundary side: d − c₃e^{−c₄b} = P(b), c₃c₄e^{−c₄b} = P′(b).
        let (pb, dpb) = (polyval(&poly, b), polyval(&deriv, b));
        if !(pb < d && dpb > 0.0) {
            return None;
        }
        let c4 = dpb / (d - pb);
        let c3 = (d - pb) * (c4 * b).exp();
        let mut r = Reconstruction {
            d,
            poly,
            range: (a, b),
            c1,
            c2,
            c3,
            c4,
            c5: 0.0,
            tl,
            g_choice,
            tail: Vec::new(),
            step: ETA_MAX / GRID as f64,
            f_tab: Vec::new(),
            sqrt_f_cum: Vec::new(),
        };
        // ∫_{η′}^∞ (h − d): trapezoid from the top down on a fine grid (the integrand is smooth
        // away from η′ = 0, where it grows like 1/η′ and f is taken from the log form below).
        let mut tail = vec![0.0; GRID + 1];
        for i in (0..GRID).rev() {
            let (e0, e1) = (i as f64 * r.step, (i + 1) as f64 * r.step);
            let mid = 0.5 * (e0 + e1);
            let w = r.h(mid) - d;
            tail[i] = tail[i + 1] + w * r.step;
        }
        r.tail = tail;
        // f ≈ c₅(2dη′)² e^{−2∫H} at the horizon must be (2πTL)²η′²: c₅ = (πTL/d)² exp(2∫₀^∞ H),
        // H = h − d coth dη′ (finite at 0: both go like 1/η′).
        let big_h = |e: f64| r.h(e) - d / (d * e).tanh();
        let int_h = gauss_legendre(big_h, 0.0, 1.0, 64) + gauss_legendre(big_h, 1.0, ETA_MAX, 64);
        r.c5 = (core::f64::consts::PI * tl / d).powi(2) * (2.0 * int_h).exp();
        r.f_tab = (0..=GRID).map(|i| r.f_direct(i as f64 * r.step)).collect();
        let mut cum = vec![0.0; GRID + 1];
        for i in 1..=GRID {
            cum[i] = cum[i - 1]
                + 0.5 * (r.f_tab[i - 1].max(0.0).sqrt() + r.f_tab[i].max(0.0).sqrt()) * r.step;
        }
        r.sqrt_f_cum = cum;
        Some(r)
    }

    /// The smooth h at η′ = η − c₁ > 0.
    pub fn h(&self, eta_p: f64) -> f64 {
        let eta = eta_p + self.c1;
        if eta < self.range.0 {
            1.0 / eta_p + self.c2
        } else if eta > self.range.1 {
            self.d - self.c3 * (-self.c4 * eta).exp()
        } else {
            polyval(&self.poly, eta)
        }
    }

    /// f(η′) of case i (g = c₅e^{2η′}): c₅ e^{2η′} exp(−2∫_{η′}^∞ (h − d)), written near the horizon through
    /// H = h − d coth dη′ so that the (1 − e^{−2dη′})² zero is exact.
    pub fn f_exp(&self, eta_p: f64) -> f64 {
        if eta_p <= 0.0 {
            return 0.0;
        }
        if eta_p >= ETA_MAX {
            return self.c5 * (2.0 * eta_p).exp();
        }
        let tail = self.tail_at(eta_p);
        if eta_p > 0.05 {
            return self.c5 * (2.0 * eta_p - 2.0 * tail).exp();
        }
        // Near the horizon: ∫_{η′}^∞ (h − d) = ∫_{η′}^∞ H − log(1 − e^{−2dη′}).
        let d = self.d;
        let big_h = |e: f64| self.h(e) - d / (d * e).tanh();
        let int_h_tail = gauss_legendre(big_h, eta_p, 0.05, 4)
            + self.tail_at(0.05)
            + (1.0 - (-2.0 * d * 0.05f64).exp()).ln();
        let one_minus = 1.0 - (-2.0 * d * eta_p).exp();
        self.c5 * (2.0 * eta_p).exp() * one_minus * one_minus * (-2.0 * int_h_tail).exp()
    }

    fn tail_at(&self, eta_p: f64) -> f64 {
        interpolate(&self.tail, eta_p / self.step)
    }

    /// g(η′) for the chosen case.
    pub fn g(&self, eta_p: f64) -> f64 {
        match self.g_choice {
            GChoice::Exponential => self.c5 * (2.0 * eta_p).exp(),
            GChoice::Cosh => 2.0 * self.c5 * (2.0 * eta_p).cosh(),
        }
    }

    /// f for the chosen g (tabulated; exact formula beyond the table).
    pub fn f_for_g(&self, eta_p: f64) -> f64 {
        if eta_p <= 0.0 {
            return 0.0;
        }
        if eta_p >= ETA_MAX || self.f_tab.is_empty() {
            return self.f_direct(eta_p);
        }
        interpolate(&self.f_tab, eta_p / self.step)
    }

    /// f for the chosen g from the formulas: case ii keeps f g³ of case i.
    fn f_direct(&self, eta_p: f64) -> f64 {
        let f1 = self.f_exp(eta_p);
        match self.g_choice {
            GChoice::Exponential => f1,
            GChoice::Cosh => {
                f1 * (self.c5 * (2.0 * eta_p).exp() / self.g(eta_p)).powf(self.d - 1.0)
            }
        }
    }

    /// The maximum of f on (0, η_max] as (η′, f): the IR wall. `None` when f only grows there.
    pub fn f_peak(&self, eta_max: f64) -> Option<(f64, f64)> {
        let n = 4000;
        let vals: Vec<(f64, f64)> = (1..=n)
            .map(|i| eta_max * i as f64 / n as f64)
            .map(|e| (e, self.f_for_g(e)))
            .collect();
        let (i, best) =
            vals.iter().enumerate().fold(
                (0, vals[0]),
                |(bi, b), (i, &v)| if v.1 > b.1 { (i, v) } else { (bi, b) },
            );
        (i + 1 < vals.len()).then_some(best)
    }
}

/// Linear interpolation in a table at fractional index `x` (clamped to the table).
fn interpolate(tab: &[f64], x: f64) -> f64 {
    let i = (x.max(0.0).floor() as usize).min(tab.len() - 2);
    let frac = (x - i as f64).clamp(0.0, 1.0);
    tab[i] * (1.0 - frac) + tab[i + 1] * frac
}

impl Background for Reconstruction {
    fn f(&self, eta: f64) -> f64 {
        self.f_for_g(eta)
    }
    fn sqrt_f_below(&self, eta0: f64) -> f64 {
        if eta0 >= ETA_MAX {
            return gauss_legendre(|e| self.f_for_g(e).max(0.0).sqrt(), 0.0, eta0, 64);
        }
        interpolate(&self.sqrt_f_cum, eta0 / self.step)
    }
    fn g(&self, eta: f64) -> f64 {
        Reconstruction::g(self, eta)
    }
}
