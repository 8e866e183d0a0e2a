//! The lowest levels of −ψ″ + V(z)ψ = m²ψ on 0 < z < z_max with ψ(0) = ψ(z_max) = 0
//! (docs/physics.md §M.2): the second derivative by the three-point difference on a uniform
//! grid, so the problem is a symmetric tridiagonal matrix T = −D² + diag(V). Its eigenvalues come
//! from Sturm-sequence bisection (each to machine precision), its eigenvectors from inverse
//! iteration; both are O(N) per level, so a tower of a few levels on a thousand points costs well
//! under a millisecond.
//!
//! Two second-order results are combined by Richardson's rule, λ = (4λ_{h/2} − λ_h)/3, which
//! removes the h² error (the levels of the 1/z² barrier converge as h² too: ψ ~ z^{S+1/2} vanishes
//! fast enough at the boundary for S ≥ 1).

/// A uniform grid z_i = (i + 1)·h, i = 0 … n − 1, with the walls at 0 and (n + 1)·h.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    /// Spacing.
    pub h: f64,
    /// Interior points.
    pub n: usize,
}

impl Grid {
    /// `n` interior points between the walls at 0 and `z_max`.
    pub fn new(z_max: f64, n: usize) -> Grid {
        Grid {
            h: z_max / (n + 1) as f64,
            n,
        }
    }
    /// The point i.
    pub fn z(&self, i: usize) -> f64 {
        (i + 1) as f64 * self.h
    }
    /// The grid with half the spacing and the same walls.
    pub fn halved(&self) -> Grid {
        Grid {
            h: self.h / 2.0,
            n: 2 * self.n + 1,
        }
    }
}

/// One level: the eigenvalue m² and its eigenvector normalised to Σψ_i² = 1.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// The eigenvalue.
    pub m2: f64,
    /// The eigenvector on the grid.
    pub psi: Vec<f64>,
}

/// How many eigenvalues of T lie below x (the Sturm count of the LDLᵀ pivots).
fn count_below(diag: &[f64], off2: f64, x: f64) -> usize {
    let mut count = 0;
    let mut q = 1.0;
    for (i, &d) in diag.iter().enumerate() {
        q = if i == 0 { d - x } else { d - x - off2 / q };
        if q == 0.0 {
            // A zero pivot: perturb as LAPACK's dstebz does, the count is unaffected.
            q = -f64::EPSILON * (d.abs() + x.abs() + 1.0);
        }
        if q < 0.0 {
            count += 1;
        }
    }
    count
}

/// The `count` lowest levels of −ψ″ + Vψ with V given at the grid's points, ascending.
pub fn lowest_levels(grid: &Grid, v: &[f64], count: usize) -> Vec<Level> {
    lowest_levels_near(grid, v, count, &[])
}

/// [`lowest_levels`], told where the levels probably are (`guesses`, e.g. the same levels on a
/// coarser grid): the bisection starts from brackets around them when the Sturm counts confirm
/// them, else from the whole spectrum, so a wrong guess costs time, never accuracy.
pub fn lowest_levels_near(grid: &Grid, v: &[f64], count: usize, guesses: &[f64]) -> Vec<Level> {
    assert_eq!(v.len(), grid.n, "V on the grid");
    assert!(count <= grid.n, "at most n levels");
    let k = 1.0 / (grid.h * grid.h);
    let diag: Vec<f64> = v.iter().map(|&v| 2.0 * k + v).collect();
    let off2 = k * k;
    // Brackets of every level, narrowed by each Sturm count taken (as LAPACK's dstebz): a count
    // c at x says levels below c lie under x and the others above it.
    let mut lo = vec![diag.iter().cloned().fold(f64::INFINITY, f64::min) - 2.0 * k; count];
    let mut hi = vec![diag.iter().cloned().fold(f64::NEG_INFINITY, f64::max) + 2.0 * k; count];
    let learn = |x: f64, lo: &mut [f64], hi: &mut [f64]| {
        let c = count_below(&diag, off2, x);
        for j in 0..count {
            if j < c {
                hi[j] = hi[j].min(x);
            } else {
                lo[j] = lo[j].max(x);
            }
        }
        c
    };
    for &g in guesses.iter().take(count) {
        let d = 1e-3 * (1.0 + g.abs());
        learn(g - d, &mut lo, &mut hi);
        learn(g + d, &mut lo, &mut hi);
    }
    let mut levels = Vec::with_capacity(count);
    for j in 0..count {
        // Bisection to 10⁻¹⁰ (relative), then one Rayleigh quotient of the eigenvector polishes
        // the level to the rounding of T.
        while hi[j] - lo[j] > 1e-10 * (1.0 + lo[j].abs().max(hi[j].abs())) {
            let mid = 0.5 * (lo[j] + hi[j]);
            if mid <= lo[j] || mid >= hi[j] {
                break;
            }
            learn(mid, &mut lo, &mut hi);
        }
        let shift = 0.5 * (lo[j] + hi[j]);
        let psi = eigenvector(&diag, -k, shift);
        let m2 = rayleigh(&diag, -k, &psi);
        levels.push(Level { m2, psi });
    }
    levels
}

/// ψᵀTψ for a normalised ψ.
fn rayleigh(diag: &[f64], off: f64, psi: &[f64]) -> f64 {
    let n = psi.len();
    let mut s = 0.0;
    for i in 0..n {
        let mut t = diag[i] * psi[i];
        if i > 0 {
            t += off * psi[i - 1];
        }
        if i + 1 < n {
            t += off * psi[i + 1];
        }
        s += psi[i] * t;
    }
    s
}

/// The eigenvector of the tridiagonal (diag, off) at eigenvalue `lambda`, by inverse iteration:
/// two solves of (T − λ)x = b from a vector of ones, normalised.
fn eigenvector(diag: &[f64], off: f64, lambda: f64) -> Vec<f64> {
    let n = diag.len();
    let tiny = f64::EPSILON * (diag.iter().fold(0.0f64, |a, d| a.max(d.abs())) + off.abs());
    // LDLᵀ-free Thomas elimination of (T − λ); a pivot at zero is replaced by a tiny one (the
    // solution's direction, not its size, is what inverse iteration keeps).
    let mut u = vec![0.0; n];
    for i in 0..n {
        let mut p = diag[i] - lambda;
        if i > 0 {
            p -= off * off / u[i - 1];
        }
        if p.abs() < tiny {
            p = tiny;
        }
        u[i] = p;
    }
    let mut x = vec![1.0; n];
    for _ in 0..3 {
        // Forward: y_i = b_i − off·y_{i−1}/u_{i−1}; back: x_i = (y_i − off·x_{i+1})/u_i.
        for i in 1..n {
            x[i] -= off * x[i - 1] / u[i - 1];
        }
        x[n - 1] /= u[n - 1];
        for i in (0..n - 1).rev() {
            x[i] = (x[i] - off * x[i + 1]) / u[i];
        }
        let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        x.iter_mut().for_each(|v| *v /= norm);
    }
    // A fixed sign: the first large component positive (the level's ψ > 0 near the boundary).
    let peak = x.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if let Some(first) = x.iter().find(|v| v.abs() > 1e-3 * peak) {
        if *first < 0.0 {
            x.iter_mut().for_each(|v| *v = -*v);
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The soft wall's spin-S potential c²z² + 2c(S − 1) + (4S² − 1)/(4z²) (docs/physics.md §M.1).
    fn soft_wall(c: f64, s: f64) -> impl Fn(f64) -> f64 {
        move |z| c * c * z * z + 2.0 * c * (s - 1.0) + (4.0 * s * s - 1.0) / (4.0 * z * z)
    }

    #[test]
    fn the_harmonic_box_and_the_soft_wall_have_their_closed_form_levels() {
        // V = 0 between walls at 0 and π: m² = (n+1)² up to the difference's h² error.
        let g = Grid::new(std::f64::consts::PI, 2000);
        let l = lowest_levels(&g, &vec![0.0; g.n], 3);
        for (n, l) in l.iter().enumerate() {
            let exact = ((n + 1) * (n + 1)) as f64;
            assert!((l.m2 - exact).abs() < 1e-5 * exact, "{n}: {}", l.m2);
        }
        // The soft wall, c = 0.15 GeV², spins 1 and 2: m² = 4c(n + S).
        for s in [1.0, 2.0, 3.0] {
            let g = Grid::new(20.0, 4000);
            let v: Vec<f64> = (0..g.n).map(|i| soft_wall(0.15, s)(g.z(i))).collect();
            for (n, l) in lowest_levels(&g, &v, 5).iter().enumerate() {
                let exact = 4.0 * 0.15 * (n as f64 + s);
                assert!((l.m2 / exact - 1.0).abs() < 1e-4, "S={s} n={n}: {}", l.m2);
            }
        }
    }

    #[test]
    fn levels_are_normalised_eigenvectors() {
        let g = Grid::new(20.0, 800);
        let v: Vec<f64> = (0..g.n).map(|i| soft_wall(0.2, 1.0)(g.z(i))).collect();
        let levels = lowest_levels(&g, &v, 4);
        let k = 1.0 / (g.h * g.h);
        for (a, la) in levels.iter().enumerate() {
            let psi = &la.psi;
            let residual = (0..g.n)
                .map(|i| {
                    let left = if i > 0 { psi[i - 1] } else { 0.0 };
                    let right = if i + 1 < g.n { psi[i + 1] } else { 0.0 };
                    let t = (2.0 * psi[i] - left - right) * k + v[i] * psi[i];
                    (t - la.m2 * psi[i]).powi(2)
                })
                .sum::<f64>()
                .sqrt();
            assert!(residual < 1e-8 * la.m2, "level {a}: residual {residual:e}");
            for (b, lb) in levels.iter().enumerate() {
                let dot: f64 = psi.iter().zip(&lb.psi).map(|(x, y)| x * y).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-9, "⟨{a}|{b}⟩ = {dot}");
            }
        }
    }
}
