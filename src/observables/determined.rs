//! What the data determine (docs/physics.md §6): the Gauss–Newton matrix of the points' outputs,
//! G = (1/N) Σ_i ∇t_i ∇t_iᵀ over the training set, in the trained parameters (h_0 … h_{N−1}, and
//! λ, L where the system learns them), and its eigen-directions. A step δ along a unit eigenvector
//! v with eigenvalue g_v changes the outputs by √g_v·δ (root mean square): the data pin v down to
//! the step [`RESOLUTION_T`]/√g_v. Where that step exceeds one unit of h (1/L), the data hardly
//! see the direction and the regulariser chooses it; its curvature vᵀH_reg v is reported beside.

use crate::physics::{Network, Params, Regularizer, Sample};
use serde::{Deserialize, Serialize};

/// One eigen-direction of G.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Direction {
    /// Eigenvalue g_v of G: the mean squared change of the points' t per unit step along it.
    pub data: f64,
    /// [`Direction::resolution`], for JSON readers.
    pub resolution: f64,
    /// The regulariser's curvature along it, vᵀ H_reg v.
    pub regularizer: f64,
    /// The unit vector, over [`Spectrum::names`].
    pub vector: Vec<f64>,
}

/// The change of the outputs t (root mean square over the points) that counts as seen: a tenth of
/// the step between a positive (t = 0) and a negative (t = 1) label.
pub const RESOLUTION_T: f64 = 0.1;
/// A direction is set by the data when they pin it to better than this step (one unit of h, 1/L;
/// the learned h range over ≈ −1 … 30).
pub const DETERMINED_STEP: f64 = 1.0;

impl Direction {
    /// The step along this direction that changes the outputs by [`RESOLUTION_T`] (RMS).
    pub fn resolution(&self) -> f64 {
        RESOLUTION_T / self.data.max(0.0).sqrt()
    }

    /// Whether the data pin this direction to better than [`DETERMINED_STEP`].
    pub fn set_by_data(&self) -> bool {
        self.resolution() < DETERMINED_STEP
    }
}

/// The spectrum of G at one set of parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spectrum {
    /// Parameter names: "h0" … , then "lambda", "L" where trained.
    pub names: Vec<String>,
    /// Training points.
    pub points: usize,
    /// Points near enough to the band that their t moves at all.
    pub active_points: usize,
    /// Eigen-directions, largest eigenvalue first.
    pub directions: Vec<Direction>,
}

impl Spectrum {
    /// The `k` largest components of direction `d`, as "+0.85 lambda, +0.20 h5".
    pub fn leading(&self, d: &Direction, k: usize) -> String {
        let mut comp: Vec<(usize, f64)> = d.vector.iter().copied().enumerate().collect();
        comp.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        comp.iter()
            .take(k)
            .map(|&(i, v)| format!("{v:+.2} {}", self.names[i]))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// How many directions the data set rather than the regulariser.
    pub fn set_by_data(&self) -> usize {
        self.directions.iter().filter(|d| d.set_by_data()).count()
    }
}

/// G, its eigen-directions and the regulariser's curvature, at `p` over `data`.
/// `couplings`: whether λ and L are trained (they are then part of the parameters).
pub fn spectrum(
    net: &Network,
    p: &Params,
    data: &[Sample],
    reg: &Regularizer,
    couplings: bool,
) -> Spectrum {
    let n = p.h.len();
    let dim = if couplings { n + 2 } else { n };
    let mut g = vec![vec![0.0; dim]; dim];
    let mut active = 0;
    for s in data {
        let (_, grad) = net.point_gradient(p, s.x);
        let v = &grad[..dim];
        if v.iter().all(|x| *x == 0.0) {
            continue;
        }
        active += 1;
        // The lower triangle only (G is symmetric): half the work of the page's redraw.
        for (i, (row, vi)) in g.iter_mut().zip(v).enumerate() {
            for (x, vj) in row[..=i].iter_mut().zip(v) {
                *x += vi * vj;
            }
        }
    }
    let scale = 1.0 / data.len().max(1) as f64;
    let g: Vec<Vec<f64>> = (0..dim)
        .map(|i| {
            (0..dim)
                .map(|j| scale * if j <= i { g[i][j] } else { g[j][i] })
                .collect()
        })
        .collect();
    let h_reg = regularizer_hessian(net, p, reg, dim);
    let (values, vectors) = symmetric_eigen(g);
    let mut directions: Vec<Direction> = values
        .into_iter()
        .zip(vectors)
        .map(|(data, vector)| Direction {
            data,
            resolution: RESOLUTION_T / data.max(0.0).sqrt(),
            regularizer: quadratic_form(&h_reg, &vector),
            vector,
        })
        .collect();
    directions.sort_by(|a, b| b.data.total_cmp(&a.data));
    let mut names: Vec<String> = (0..n).map(|k| format!("h{k}")).collect();
    if couplings {
        names.extend(["lambda".to_string(), "L".to_string()]);
    }
    Spectrum {
        names,
        points: data.len(),
        active_points: active,
        directions,
    }
}

fn quadratic_form(a: &[Vec<f64>], v: &[f64]) -> f64 {
    a.iter()
        .zip(v)
        .map(|(row, vi)| vi * row.iter().zip(v).map(|(x, y)| x * y).sum::<f64>())
        .sum()
}

/// The regulariser's Hessian in the first `dim` parameters, by central differences of its exact
/// gradient (every regulariser here is a polynomial of degree ≤ 4 in h, so the step of 10⁻⁴ is
/// accurate to ~10⁻⁸ relative).
fn regularizer_hessian(net: &Network, p: &Params, reg: &Regularizer, dim: usize) -> Vec<Vec<f64>> {
    let grad_at = |q: &Params| {
        let mut g = q.zeros_like();
        reg.loss_grad(&net.bulk, q, Some(&mut g));
        let mut flat = g.h.clone();
        flat.extend([g.lambda, g.ads_radius]);
        flat.truncate(dim);
        flat
    };
    let n = p.h.len();
    let step = 1e-4;
    let moved = |j: usize, by: f64| {
        let mut q = p.clone();
        match j {
            _ if j < n => q.h[j] += by,
            _ if j == n => q.lambda += by,
            _ => q.ads_radius += by,
        }
        q
    };
    // Column j: the change of the gradient along parameter j.
    let columns: Vec<Vec<f64>> = (0..dim)
        .map(|j| {
            let (a, b) = (grad_at(&moved(j, step)), grad_at(&moved(j, -step)));
            a.iter()
                .zip(&b)
                .map(|(x, y)| (x - y) / (2.0 * step))
                .collect()
        })
        .collect();
    // Symmetrised: the differences' rounding leaves H_ij and H_ji a few ulps apart.
    (0..dim)
        .map(|i| {
            (0..dim)
                .map(|j| 0.5 * (columns[j][i] + columns[i][j]))
                .collect()
        })
        .collect()
}

/// Eigenvalues and unit eigenvectors of a symmetric matrix (cyclic Jacobi rotations; the
/// matrices here are at most 17 × 17).
pub fn symmetric_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    let norm: f64 = a.iter().flatten().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off <= 1e-30 * norm || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
                let (upper, lower) = a.split_at_mut(q);
                for (x, y) in upper[p].iter_mut().zip(lower[0].iter_mut()) {
                    (*x, *y) = (c * *x - s * *y, s * *x + c * *y);
                }
                for row in v.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
            }
        }
    }
    let values = (0..n).map(|i| a[i][i]).collect();
    let vectors = (0..n).map(|j| (0..n).map(|i| v[i][j]).collect()).collect();
    (values, vectors)
}

#[cfg(test)]
// Matrix entries and parameter indices read clearest by index here.
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::systems::{ads_schwarzschild, qcd, REGISTRY};
    use crate::train::{TrainConfig, Trainer};

    #[test]
    fn jacobi_reproduces_a_symmetric_matrix() {
        let mut rng = Rng::new(3, 0);
        let n = 17;
        let mut a = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..=i {
                a[i][j] = rng.range(-1.0, 1.0) * 10f64.powi(-(j as i32) / 3);
                a[j][i] = a[i][j];
            }
        }
        let (vals, vecs) = symmetric_eigen(a.clone());
        for i in 0..n {
            for j in 0..n {
                let rebuilt: f64 = (0..n).map(|k| vals[k] * vecs[k][i] * vecs[k][j]).sum();
                assert!((rebuilt - a[i][j]).abs() < 1e-12, "({i},{j})");
                let dot: f64 = (0..n).map(|k| vecs[i][k] * vecs[j][k]).sum();
                assert!((dot - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn point_gradients_match_finite_differences() {
        for sys in REGISTRY {
            let t = Trainer::new(TrainConfig {
                per_class: 50,
                ..TrainConfig::new(sys.id())
            })
            .unwrap();
            let (net, p) = (t.network(), t.params());
            let n = p.h.len();
            let mut checked = 0;
            for s in t.data().iter().take(60) {
                let (t0, g) = net.point_gradient(p, s.x);
                assert_eq!(t0, crate::physics::t_of_f(net.forward(p, s.x)[1]));
                for j in 0..n + 2 {
                    let e = 1e-6;
                    let at = |by: f64| {
                        let mut q = p.clone();
                        match j {
                            _ if j < n => q.h[j] += by,
                            _ if j == n => q.lambda += by,
                            _ => q.ads_radius += by,
                        }
                        crate::physics::t_of_f(net.forward(&q, s.x)[1])
                    };
                    let fd = (at(e) - at(-e)) / (2.0 * e);
                    assert!(
                        (fd - g[j]).abs() <= 1e-5 * (1.0 + fd.abs()),
                        "{}: parameter {j}: {fd} vs {}",
                        sys.id(),
                        g[j]
                    );
                    checked += usize::from(g[j] != 0.0);
                }
            }
            assert!(
                checked > 50,
                "{}: only {checked} non-zero entries",
                sys.id()
            );
        }
    }

    #[test]
    fn the_spectrum_is_g_along_its_directions_by_finite_differences() {
        let t = Trainer::new(TrainConfig {
            per_class: 300,
            ..TrainConfig::new(qcd::ID)
        })
        .unwrap();
        let (net, p, data) = (t.network(), t.params(), t.data());
        let s = spectrum(net, p, data, t.regularizer(), true);
        assert_eq!(s.names.len(), 17);
        // vᵀGv = mean over points of (dt/dε along v)², by central differences of t.
        for d in s.directions.iter().take(4) {
            let e = 1e-6;
            let at = |by: f64| {
                let mut q = p.clone();
                for (k, h) in q.h.iter_mut().enumerate() {
                    *h += by * d.vector[k];
                }
                q.lambda += by * d.vector[15];
                q.ads_radius += by * d.vector[16];
                data.iter()
                    .map(|x| crate::physics::t_of_f(net.forward(&q, x.x)[1]))
                    .collect::<Vec<_>>()
            };
            let (a, b) = (at(e), at(-e));
            let fd: f64 = a
                .iter()
                .zip(&b)
                .map(|(x, y)| ((x - y) / (2.0 * e)).powi(2))
                .sum::<f64>()
                / data.len() as f64;
            assert!(
                (fd - d.data).abs() <= 1e-4 * fd.abs() + 1e-12,
                "{fd} vs {}",
                d.data
            );
        }
        assert!(s.directions.windows(2).all(|w| w[0].data >= w[1].data));
    }

    #[test]
    fn for_ads_schwarzschild_the_data_set_a_few_directions_and_the_regulariser_the_rest() {
        // At the true metric 3 coth 3η (docs/physics.md §6: about three of ten directions are
        // constrained by the data).
        let c = TrainConfig::new(ads_schwarzschild::ID);
        let t = Trainer::new(c.clone()).unwrap();
        let net = t.network();
        let truth = t.system().reference(&c, net).at_layers;
        let p = Params {
            h: truth,
            ..t.params().clone()
        };
        let s = spectrum(net, &p, t.data(), t.regularizer(), false);
        let by_data = s.set_by_data();
        assert!(
            (2..=4).contains(&by_data),
            "{by_data} of 10 set by the data: {s:?}"
        );
        // Beyond them the eigenvalues fall by orders of magnitude: the data are blind there.
        let g: Vec<f64> = s.directions.iter().map(|d| d.data).collect();
        assert!(g[0] > 1e5 * g[4].max(1e-300), "{g:?}");
        // The boundary side is what the data see best (docs/physics.md §6).
        let top = &s.directions[0].vector;
        assert!(top[0].abs() > top[9].abs() * 10.0, "{top:?}");
    }
}
