//! Optimisers on a flat parameter vector.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Which optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptKind {
    /// Adam (Kingma & Ba 2015) with PyTorch's defaults β = (0.9, 0.999), ε = 10⁻⁸, as in P1 and P2.
    Adam,
    /// Plain stochastic gradient descent.
    Sgd,
}

impl OptKind {
    /// Name on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            OptKind::Adam => "adam",
            OptKind::Sgd => "sgd",
        }
    }
}

impl FromStr for OptKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "adam" => Ok(OptKind::Adam),
            "sgd" => Ok(OptKind::Sgd),
            _ => Err(format!(
                "unknown optimiser '{s}' (expected 'adam' or 'sgd')"
            )),
        }
    }
}

/// Optimiser state: the moments and step count of Adam (unused by SGD).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Optimizer {
    /// Which update rule.
    pub kind: OptKind,
    m: Vec<f64>,
    v: Vec<f64>,
    t: u64,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

impl Optimizer {
    /// A fresh optimiser for `n` parameters.
    pub fn new(kind: OptKind, n: usize) -> Self {
        Optimizer {
            kind,
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    /// Number of parameters it was made for.
    pub fn len(&self) -> usize {
        self.m.len()
    }

    /// True for an optimiser of no parameters.
    pub fn is_empty(&self) -> bool {
        self.m.is_empty()
    }

    /// True when every moment is finite and non-negative where it must be.
    pub fn is_valid(&self) -> bool {
        self.m.len() == self.v.len()
            && self.m.iter().all(|x| x.is_finite())
            && self.v.iter().all(|x| x.is_finite() && *x >= 0.0)
    }

    /// Forget the moments (after a restart or a rollback to a different point).
    pub fn reset(&mut self) {
        self.m.iter_mut().for_each(|v| *v = 0.0);
        self.v.iter_mut().for_each(|v| *v = 0.0);
        self.t = 0;
    }

    /// One update x ← x − lr·step(g) on the entries where `mask` is true.
    pub fn update(&mut self, x: &mut [f64], g: &[f64], mask: &[bool], lr: f64) {
        debug_assert_eq!(x.len(), self.m.len());
        match self.kind {
            OptKind::Sgd => {
                for i in 0..x.len() {
                    if mask[i] {
                        x[i] -= lr * g[i];
                    }
                }
            }
            OptKind::Adam => {
                self.t += 1;
                let bc1 = 1.0 - BETA1.powi(self.t.min(i32::MAX as u64) as i32);
                let bc2 = 1.0 - BETA2.powi(self.t.min(i32::MAX as u64) as i32);
                for i in 0..x.len() {
                    if !mask[i] {
                        continue;
                    }
                    self.m[i] = BETA1 * self.m[i] + (1.0 - BETA1) * g[i];
                    self.v[i] = BETA2 * self.v[i] + (1.0 - BETA2) * g[i] * g[i];
                    let mhat = self.m[i] / bc1;
                    let vhat = self.v[i] / bc2;
                    // IEEE 754 rounds a square root correctly: the hardware instruction has
                    // libm's bits, and in wasm libm (without nightly intrinsics) is a
                    // bit-by-bit loop that took 4 % of the page's epoch.
                    x[i] -= lr * mhat / (vhat.sqrt() + EPS);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adam_first_step_is_lr_times_sign() {
        let mut o = Optimizer::new(OptKind::Adam, 2);
        let mut x = [1.0, 1.0];
        o.update(&mut x, &[3.0, -0.5], &[true, true], 0.1);
        assert!(
            (x[0] - 0.9).abs() < 1e-7 && (x[1] - 1.1).abs() < 1e-7,
            "{x:?}"
        );
    }

    /// Three Adam steps against Kingma & Ba's Algorithm 1 worked out by hand (β₁ = 0.9,
    /// β₂ = 0.999, ε = 10⁻⁸, lr 0.1, gradients 1, −2, 0.5 from x = 1): m_t = β₁m + (1−β₁)g,
    /// v_t = β₂v + (1−β₂)g², x −= lr·(m_t/(1−β₁ᵗ))/(√(v_t/(1−β₂ᵗ)) + ε). The first step alone
    /// cannot see β₂ (it is ±lr whatever β₂ is); the second and third do (β₂ = 0.99 moves them
    /// by ~10⁻²).
    #[test]
    fn adam_matches_the_algorithm_step_by_step() {
        let mut o = Optimizer::new(OptKind::Adam, 1);
        let mut x = [1.0];
        let want = [0.900000001, 0.9366103534720749, 0.9502794196738216];
        for (g, w) in [1.0, -2.0, 0.5].into_iter().zip(want) {
            o.update(&mut x, &[g], &[true], 0.1);
            assert!((x[0] - w).abs() < 1e-14, "{} against {w}", x[0]);
        }
    }

    #[test]
    fn optimisers_minimise_a_quadratic_and_respect_the_mask() {
        for kind in [OptKind::Adam, OptKind::Sgd] {
            let mut o = Optimizer::new(kind, 2);
            let mut x = [3.0, 5.0];
            for _ in 0..2000 {
                let g = [2.0 * (x[0] - 1.0), 2.0 * x[1]];
                o.update(&mut x, &g, &[true, false], 0.05);
            }
            assert!((x[0] - 1.0).abs() < 1e-3, "{kind:?}: {x:?}");
            assert_eq!(x[1], 5.0);
        }
    }
}
