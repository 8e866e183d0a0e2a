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

/// The Laplace approximation around the parameters (docs/physics.md §6, Eqs. 6.2–6.4): the
/// training objective E read as a posterior exp(−E/T) at the temperature T = 2m²/N_m that makes
/// P2's data loss m² the likelihood of N_m measurements with Laplace-distributed residuals of
/// scale m, the regulariser its prior. Its covariance is T·A⁻¹ for a curvature A of E: the
/// Gauss–Newton 2G + H_reg, or E's exact Hessian where that is positive definite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Laplace {
    /// N_m: the independent measurements the points are drawn from.
    pub measurements: usize,
    /// m = mean |t − y| over the training points at the parameters.
    pub mean_abs: f64,
    /// T = 2m²/N_m.
    pub temperature: f64,
    /// One standard deviation of each parameter, over [`Spectrum::names`].
    pub sd: Vec<f64>,
}

/// Below this ratio to the largest eigenvalue of a curvature a direction counts as flat: the
/// posterior does not hold it and no band is drawn (f64's Jacobi rotations resolve ~10⁻¹⁶ of the
/// largest; the QCD horizon layers sit near 10⁻¹⁰ of it and are kept).
pub const FLAT: f64 = 1e-13;

impl Laplace {
    /// The Laplace posterior for the curvature `a` of E, m and N_m, or `None` when `a` has a
    /// flat or negative direction (the posterior would be improper there).
    pub fn new(a: Vec<Vec<f64>>, mean_abs: f64, measurements: usize) -> Option<Laplace> {
        let (values, vectors) = symmetric_eigen(a);
        let top = values.iter().copied().fold(0.0, f64::max);
        if top.is_nan() || top <= 0.0 || values.iter().any(|&mu| mu.is_nan() || mu <= FLAT * top) {
            return None;
        }
        let temperature = 2.0 * mean_abs * mean_abs / measurements as f64;
        // The diagonal of T Σ_v v vᵀ/μ_v.
        let sd = (0..values.len())
            .map(|i| {
                let var: f64 = values
                    .iter()
                    .zip(&vectors)
                    .map(|(mu, v)| v[i] * v[i] / mu)
                    .sum();
                (temperature * var).sqrt()
            })
            .collect();
        Some(Laplace {
            measurements,
            mean_abs,
            temperature,
            sd,
        })
    }
}

/// E's exact curvature (docs/physics.md §6, Eq. 6.5): beside G it holds the data loss's own
/// second derivatives, 2m∇²m, which have either sign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exact {
    /// Eigenvalues of E's Hessian, ascending.
    pub eigenvalues: Vec<f64>,
    /// The Laplace band with the exact Hessian, where it is positive definite (a minimum).
    pub laplace: Option<Laplace>,
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
    /// The Gauss–Newton Laplace band, where the points come from measurements.
    #[serde(default)]
    pub laplace: Option<Laplace>,
    /// E's exact Hessian (only from [`Spectrum::with_exact`]: it costs 2·dim passes over the
    /// points with gradients).
    #[serde(default)]
    pub exact: Option<Exact>,
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

    /// With E's exact Hessian at `p` (the parameters it was computed at) and, where that is
    /// positive definite and the points come from measurements, its Laplace band.
    pub fn with_exact(
        mut self,
        net: &Network,
        p: &Params,
        data: &[Sample],
        reg: &Regularizer,
    ) -> Spectrum {
        let h = objective_hessian(net, p, data, reg, self.names.len());
        let laplace = self
            .laplace
            .as_ref()
            .and_then(|l| Laplace::new(h.clone(), l.mean_abs, l.measurements));
        let (mut eigenvalues, _) = symmetric_eigen(h);
        eigenvalues.sort_by(f64::total_cmp);
        self.exact = Some(Exact {
            eigenvalues,
            laplace,
        });
        self
    }

    /// How many directions the data set rather than the regulariser.
    pub fn set_by_data(&self) -> usize {
        self.directions.iter().filter(|d| d.set_by_data()).count()
    }
}

/// G, its eigen-directions and the regulariser's curvature, at `p` over `data`.
/// `couplings`: whether λ and L are trained (they are then part of the parameters);
/// `measurements`: how many measurements the data are drawn from (for the Laplace band).
pub fn spectrum(
    net: &Network,
    p: &Params,
    data: &[Sample],
    reg: &Regularizer,
    couplings: bool,
    measurements: Option<usize>,
) -> Spectrum {
    let n = p.h.len();
    let dim = if couplings { n + 2 } else { n };
    let mut g = vec![vec![0.0; dim]; dim];
    let mut active = 0;
    let mut sum_abs = 0.0;
    for s in data {
        let (t, grad) = net.point_gradient(p, s.x);
        sum_abs += (t - s.y).abs();
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
    let gauss_newton: Vec<Vec<f64>> = g
        .iter()
        .zip(&h_reg)
        .map(|(gr, hr)| gr.iter().zip(hr).map(|(x, y)| 2.0 * x + y).collect())
        .collect();
    let laplace = measurements.and_then(|n| Laplace::new(gauss_newton, scale * sum_abs, n));
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
        laplace,
        exact: None,
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
    hessian_of(p, dim, 1e-4, |q| {
        let mut g = q.zeros_like();
        reg.loss_grad(&net.bulk, q, Some(&mut g));
        g
    })
}

/// The Hessian of the whole-set objective E = (mean |t − y|)² + E_reg in the first `dim`
/// parameters, by central differences of its exact gradient (reverse mode over all points as one
/// batch). The step 10⁻⁵ keeps the stiffest direction, where the outputs move by √g ≈ 200 per
/// unit, in its quadratic range.
pub fn objective_hessian(
    net: &Network,
    p: &Params,
    data: &[Sample],
    reg: &Regularizer,
    dim: usize,
) -> Vec<Vec<f64>> {
    let mut ws = crate::physics::Workspace::default();
    hessian_of(p, dim, 1e-5, |q| {
        let mut g = q.zeros_like();
        net.batch_loss_grad(q, data, &mut g, &mut ws);
        reg.loss_grad(&net.bulk, q, Some(&mut g));
        g
    })
}

/// The symmetrised central-difference Jacobian of `grad` (a gradient in [`Params`]) in the first
/// `dim` parameters (h_0 …, λ, L).
fn hessian_of(
    p: &Params,
    dim: usize,
    step: f64,
    mut grad: impl FnMut(&Params) -> Params,
) -> Vec<Vec<f64>> {
    let mut grad_at = |q: &Params| {
        let g = grad(q);
        let mut flat = g.h;
        flat.extend([g.lambda, g.ads_radius]);
        flat.truncate(dim);
        flat
    };
    let n = p.h.len();
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
        for sys in REGISTRY.iter().filter(|s| s.probe().is_some()) {
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
        let s = spectrum(net, p, data, t.regularizer(), true, Some(6));
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
    fn the_laplace_band_is_the_inverse_of_its_precision_computed_by_hand() {
        // G = [[2, 1], [1, 2]], H_reg = diag(0, 2): G + H_reg/2 = [[2, 1], [1, 3]], whose inverse
        // is [[3, −1], [−1, 2]]/5. m = 0.5, N_m = 2: T = 2·0.25/2 = 0.25, covariance (T/2)·inverse.
        let (g, h) = ([[2.0, 1.0], [1.0, 2.0]], [[0.0, 0.0], [0.0, 2.0]]);
        let a = (0..2)
            .map(|i| (0..2).map(|j| 2.0 * g[i][j] + h[i][j]).collect())
            .collect();
        let l = Laplace::new(a, 0.5, 2).expect("positive definite");
        assert_eq!(l.temperature, 0.25);
        assert!(
            (l.sd[0] - (0.125f64 * 3.0 / 5.0).sqrt()).abs() < 1e-14,
            "{:?}",
            l.sd
        );
        assert!(
            (l.sd[1] - (0.125f64 * 2.0 / 5.0).sqrt()).abs() < 1e-14,
            "{:?}",
            l.sd
        );
        // A direction neither the data nor the regulariser hold: no band.
        assert_eq!(Laplace::new(vec![vec![1.0, 1.0]; 2], 0.5, 2), None);
        // Nor one the loss curves away from: no minimum, no Laplace approximation.
        assert_eq!(
            Laplace::new(vec![vec![1.0, 0.0], vec![0.0, -1e-3]], 0.5, 2),
            None
        );
    }

    #[test]
    fn the_exact_hessian_is_the_loss_curvature_by_second_differences_of_the_loss() {
        // The Table II metric, where E curves both ways: vᵀHv from the exact gradient against
        // (E(+ε) − 2E + E(−ε))/ε² from loss values alone, along E's own eigenvectors.
        let mut t = Trainer::new(TrainConfig {
            per_class: 500,
            ..TrainConfig::new(qcd::ID)
        })
        .unwrap();
        let mut p = t.params().clone();
        p.h = qcd::TABLE_II_H.iter().map(|x| x.0).collect();
        (p.lambda, p.ads_radius) = (qcd::TABLE_II_LAMBDA.0, qcd::TABLE_II_L.0);
        t.set_params(p.clone()).unwrap();
        let h = objective_hessian(t.network(), &p, t.data(), t.regularizer(), 17);
        let (values, vectors) = symmetric_eigen(h);
        let e0 = t.full_loss().total();
        let mut negative = 0;
        for (mu, v) in values.iter().zip(&vectors) {
            let eps = 1e-5;
            let mut at = |by: f64| {
                let mut q = p.clone();
                for (k, h) in q.h.iter_mut().enumerate() {
                    *h += by * v[k];
                }
                q.lambda += by * v[15];
                q.ads_radius += by * v[16];
                t.set_params(q).unwrap();
                t.full_loss().total()
            };
            let fd = (at(eps) - 2.0 * e0 + at(-eps)) / (eps * eps);
            assert!(
                (fd - mu).abs() <= 0.02 * mu.abs() + 1e-4,
                "eigenvalue {mu}: second difference {fd}"
            );
            negative += usize::from(*mu < 0.0);
        }
        assert!(
            negative > 0,
            "Table II is not a minimum of our loss: {values:?}"
        );
    }

    #[test]
    fn the_laplace_band_of_table_ii_does_not_depend_on_how_many_points_are_drawn() {
        // Drawing more points from the same six measurements adds no information: the band is a
        // property of the measurements, the loss and the regulariser (docs/physics.md §6).
        let band = |per_class: usize, seed: u64| {
            let mut t = Trainer::new(TrainConfig {
                per_class,
                seed,
                ..TrainConfig::new(qcd::ID)
            })
            .unwrap();
            let mut p = t.params().clone();
            p.h = qcd::TABLE_II_H.iter().map(|x| x.0).collect();
            (p.lambda, p.ads_radius) = (qcd::TABLE_II_LAMBDA.0, qcd::TABLE_II_L.0);
            t.set_params(p).unwrap();
            crate::charts::spectrum_of(&t).laplace.expect("a band")
        };
        let (coarse, fine) = (band(2500, 11), band(10_000, 12));
        assert_eq!(fine.measurements, 6);
        for (k, (a, b)) in coarse.sd.iter().zip(&fine.sd).enumerate() {
            assert!((a / b - 1.0).abs() < 0.02, "parameter {k}: {a} vs {b}");
        }
        // E_smooth weighs differences by η⁴: the prior loosens toward the horizon, and so does
        // the band, layer by layer (a wrong η index would break the order).
        let h = &fine.sd[..15];
        assert!(h.windows(2).all(|w| w[0] < w[1]), "{h:?}");
        assert!(h[14] > 10.0 * h[0], "{h:?}");
    }

    #[test]
    fn for_ads_schwarzschild_the_data_set_a_few_directions_and_the_regulariser_the_rest() {
        // At the true metric 3 coth 3η (docs/physics.md §6: about three of ten directions are
        // constrained by the data).
        let c = TrainConfig::new(ads_schwarzschild::ID);
        let t = Trainer::new(c.clone()).unwrap();
        let net = t.network();
        let truth = t.probe_system().reference(&c.inputs(), net).at_layers;
        let p = Params {
            h: truth,
            ..t.params().clone()
        };
        let s = spectrum(net, &p, t.data(), t.regularizer(), false, None);
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
