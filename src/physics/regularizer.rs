//! Regularisers on the metric: the papers' smoothness and boundary terms, and an exact
//! discretisation of the pure-gravity Einstein condition.

use super::network::{Bulk, Params};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Which regulariser family to train with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegChoice {
    /// The papers' E_smooth (+ E_bdry for QCD) with their c.
    Paper,
    /// The exact-on-the-grid Einstein condition (vacuum metrics only; it would forbid a wall).
    Einstein,
    /// Second differences (η⁴-weighted like the paper's first differences).
    Curvature,
}

impl RegChoice {
    /// Name on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            RegChoice::Paper => "paper",
            RegChoice::Einstein => "einstein",
            RegChoice::Curvature => "curvature",
        }
    }
}

impl FromStr for RegChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "paper" => Ok(RegChoice::Paper),
            "einstein" => Ok(RegChoice::Einstein),
            "curvature" => Ok(RegChoice::Curvature),
            _ => Err(format!(
                "unknown regulariser '{s}' (expected 'paper', 'einstein' or 'curvature')"
            )),
        }
    }
}

/// Strengths of the regularisers (0 switches a term off). Added to the data loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Regularizer {
    /// c of E_smooth = Σ_{i=1}^{N−1} c η_{i−1}⁴ (h_i − h_{i−1})² (docs/physics.md §2; P1 Eq. 12).
    pub smooth: f64,
    /// c of E_bdry = c (d − h_0)² (docs/physics.md §2; P2: AdS asymptotics at the cut-off).
    pub boundary: f64,
    /// c of E_einstein = c Σ_{i=1}^{N−1} R_i², R_i the exact one-step residual of the
    /// pure-gravity Einstein condition h′ + h² = d² (L = 1; P1 supplement), see [`einstein_residual`].
    pub einstein: f64,
    /// c of E_curv = c Σ_{i=1}^{N−2} η_i⁴ (h_{i+1} − 2h_i + h_{i−1})²: second differences, which
    /// leave straight lines free where E_smooth pulls h toward a constant (docs/physics.md §6).
    pub curvature: f64,
}

impl Default for Regularizer {
    fn default() -> Self {
        Regularizer {
            smooth: 0.0,
            boundary: 0.0,
            einstein: 0.0,
            curvature: 0.0,
        }
    }
}

/// Residual of the Einstein condition between neighbouring layers, exact on the grid.
///
/// h′ + h² = k² (k = d/L) is a Riccati equation whose flow over a step δ is the Möbius map
/// x ↦ (x C + 1)/(x + C), x = h/k, C = coth(kδ): every solution (k coth, k tanh, the constant k)
/// satisfies x_i x_{i−1} τ + (x_i − x_{i−1}) − τ = 0 exactly with τ = tanh(kδ). This residual is
/// that bilinear form, free of the Möbius map's pole, and ≈ δ (h′ + h² − k²)/k for small δ.
pub fn einstein_residual(h_prev: f64, h: f64, k: f64, tau: f64) -> f64 {
    let (xp, x) = (h_prev / k, h / k);
    (x - xp) + tau * (x * xp - 1.0)
}

impl Regularizer {
    /// E_reg, with its gradient ADDED to `grad.h`.
    pub fn loss_grad(&self, bulk: &Bulk, p: &Params, grad: Option<&mut Params>) -> f64 {
        let n = p.h.len();
        let h = &p.h;
        let mut e = 0.0;
        let mut g = vec![0.0; n];
        if self.smooth != 0.0 {
            for i in 1..n {
                let w = self.smooth * bulk.eta(i - 1).powi(4);
                let dh = h[i] - h[i - 1];
                e += w * dh * dh;
                g[i] += 2.0 * w * dh;
                g[i - 1] -= 2.0 * w * dh;
            }
        }
        if self.boundary != 0.0 && n > 0 {
            let r = bulk.d as f64 - h[0];
            e += self.boundary * r * r;
            g[0] -= 2.0 * self.boundary * r;
        }
        if self.curvature != 0.0 {
            for i in 1..n.saturating_sub(1) {
                let w = self.curvature * bulk.eta(i).powi(4);
                let dd = h[i + 1] - 2.0 * h[i] + h[i - 1];
                e += w * dd * dd;
                g[i + 1] += 2.0 * w * dd;
                g[i] -= 4.0 * w * dd;
                g[i - 1] += 2.0 * w * dd;
            }
        }
        if self.einstein != 0.0 {
            let k = bulk.d as f64;
            let tau = libm::tanh(k * bulk.deta());
            for i in 1..n {
                let r = einstein_residual(h[i - 1], h[i], k, tau);
                e += self.einstein * r * r;
                let c = 2.0 * self.einstein * r / k;
                g[i] += c * (1.0 + tau * h[i - 1] / k);
                g[i - 1] += c * (-1.0 + tau * h[i] / k);
            }
        }
        if let Some(grad) = grad {
            for (a, b) in grad.h.iter_mut().zip(&g) {
                *a += b;
            }
        }
        e
    }
}

#[cfg(test)]
mod weight_tests {
    use super::*;
    use crate::physics::Params;
    use crate::systems::ProbeSystem;

    fn bump(bulk: &Bulk, j: usize) -> Params {
        let mut h = vec![0.0; bulk.layers];
        h[j] = 1.0;
        Params {
            h,
            lambda: 0.0,
            ads_radius: 1.0,
        }
    }

    /// Each term against its equation by hand, on a unit bump at layer j (docs/physics.md §2,
    /// §6): E_smooth has the differences ±1 at i = j, j+1 with weights η_{i−1}⁴; E_curv has the
    /// second differences 1, −2, 1 at i = j−1, j, j+1 with weights η_i⁴. A weight taken at the
    /// neighbouring layer gives another number.
    #[test]
    fn each_regulariser_term_is_its_equation() {
        let bulk = crate::systems::qcd::Qcd.network().bulk;
        let e4 = |i: usize| bulk.eta(i).powi(4);
        let only = |smooth, boundary, einstein, curvature| Regularizer {
            smooth,
            boundary,
            einstein,
            curvature,
        };
        for j in [3, 7, 11] {
            let p = bump(&bulk, j);
            let smooth = only(0.7, 0.0, 0.0, 0.0).loss_grad(&bulk, &p, None);
            let want = 0.7 * (e4(j - 1) + e4(j));
            assert!(
                (smooth - want).abs() < 1e-12 * want,
                "smooth at {j}: {smooth} vs {want}"
            );
            let curv = only(0.0, 0.0, 0.0, 0.3).loss_grad(&bulk, &p, None);
            let want = 0.3 * (e4(j - 1) + 4.0 * e4(j) + e4(j + 1));
            assert!(
                (curv - want).abs() < 1e-12 * want,
                "curvature at {j}: {curv} vs {want}"
            );
        }
        let p = bump(&bulk, 0);
        let bdry = only(0.0, 2.0, 0.0, 0.0).loss_grad(&bulk, &p, None);
        let d = bulk.d as f64;
        assert!((bdry - 2.0 * (d - 1.0) * (d - 1.0)).abs() < 1e-12);
    }

    /// The Einstein term vanishes on the exact solutions of h′ + h² = d² sampled at the layers
    /// (k coth kη, k tanh kη, the constant k): its τ must be tanh(kΔη) of this grid exactly, and
    /// a τ off by 2 % leaves a residual of ~10⁻⁴ per layer.
    #[test]
    fn the_einstein_term_vanishes_on_exact_solutions_of_the_grid() {
        let bulk = crate::systems::ads_schwarzschild::AdsSchwarzschild
            .network()
            .bulk;
        let k = bulk.d as f64;
        let r = Regularizer {
            einstein: 1.0,
            ..Regularizer::default()
        };
        for f in [
            |k: f64, e: f64| k / libm::tanh(k * e),
            |k: f64, e: f64| k * libm::tanh(k * e),
            |k: f64, _e: f64| k,
        ] {
            let p = Params {
                h: (0..bulk.layers).map(|i| f(k, bulk.eta(i))).collect(),
                lambda: 0.0,
                ads_radius: 1.0,
            };
            let e = r.loss_grad(&bulk, &p, None);
            assert!(e < 1e-20, "E_einstein = {e} on an exact solution");
        }
        // And it is not blind: a coth of the wrong k costs.
        let p = Params {
            h: (0..bulk.layers)
                .map(|i| 1.1 * k / libm::tanh(1.1 * k * bulk.eta(i)))
                .collect(),
            lambda: 0.0,
            ads_radius: 1.0,
        };
        assert!(r.loss_grad(&bulk, &p, None) > 1e-6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn einstein_residual_vanishes_on_exact_solutions() {
        let k = 3.0;
        let d = -0.09;
        let tau = libm::tanh(k * d);
        for eta in [1.0, 0.55, 0.19] {
            let coth = |x: f64| 1.0 / libm::tanh(x);
            assert!(
                einstein_residual(k * coth(k * eta), k * coth(k * (eta + d)), k, tau).abs() < 1e-12
            );
            assert!(
                einstein_residual(
                    k * libm::tanh(k * eta),
                    k * libm::tanh(k * (eta + d)),
                    k,
                    tau
                )
                .abs()
                    < 1e-12
            );
            assert!(einstein_residual(k, k, k, tau).abs() < 1e-12);
            // A metric that is not a vacuum solution does not.
            assert!(einstein_residual(1.0 / eta, 1.0 / (eta + d), k, tau).abs() > 1e-3);
        }
    }
}
