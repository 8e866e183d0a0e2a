//! The lattice-QCD data of P2 Table I (PHYSICS.md §4) and the cubic fit the training data use.

/// Inverse lattice spacing 1/a = 829(19) MeV (from r₀/a = 1.976(16), r₀ = 0.469(7) fm).
pub const INV_A_GEV: f64 = 0.829;
/// Temperature T = 1/(4a) = 207(5) MeV, in GeV.
pub const TEMPERATURE_GEV: f64 = 0.207;
/// ħc in GeV·fm, to turn lengths in GeV⁻¹ into fm.
pub const HBAR_C_GEV_FM: f64 = 0.197_326_98;

/// One chiral-condensate measurement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatticePoint {
    /// Quark mass a·m_q (lattice units).
    pub am_q: f64,
    /// Condensate a³⟨ψ̄ψ⟩ (lattice units).
    pub condensate: f64,
    /// Its error, lattice units.
    pub error: f64,
}

impl LatticePoint {
    /// m_q in GeV (× 1/a).
    pub fn m_q_gev(&self) -> f64 {
        self.am_q * INV_A_GEV
    }
    /// ⟨q̄q⟩ in GeV³ (× 1/a³).
    pub fn condensate_gev3(&self) -> f64 {
        self.condensate * INV_A_GEV.powi(3)
    }
    /// Error of ⟨q̄q⟩ in GeV³.
    pub fn error_gev3(&self) -> f64 {
        self.error * INV_A_GEV.powi(3)
    }
}

/// RBC-Bielefeld, 2+1 flavours, β = 3.3300, N_τ = 4 (P2 Table I).
pub const TABLE_I: [LatticePoint; 6] = [
    LatticePoint {
        am_q: 0.000_812_5,
        condensate: 0.0111,
        error: 0.0002,
    },
    LatticePoint {
        am_q: 0.001_625,
        condensate: 0.0202,
        error: 0.0004,
    },
    LatticePoint {
        am_q: 0.003_25,
        condensate: 0.0375,
        error: 0.0005,
    },
    LatticePoint {
        am_q: 0.0065,
        condensate: 0.0666,
        error: 0.0008,
    },
    LatticePoint {
        am_q: 0.013,
        condensate: 0.1186,
        error: 0.0005,
    },
    LatticePoint {
        am_q: 0.026,
        condensate: 0.1807,
        error: 0.0004,
    },
];

/// Least-squares polynomial of degree `deg` through (x, y); coefficients lowest first.
/// Solved on x scaled to [0, 1] by normal equations with partial pivoting (well conditioned at
/// degree 3 on six points). `None` when the points cannot determine it.
pub fn polyfit(x: &[f64], y: &[f64], deg: usize) -> Option<Vec<f64>> {
    let m = deg + 1;
    if x.len() < m || x.len() != y.len() {
        return None;
    }
    let scale = x.iter().fold(0.0f64, |a, &v| a.max(v.abs()));
    if scale <= 0.0 || !scale.is_finite() {
        return None;
    }
    let mut a = vec![vec![0.0; m + 1]; m];
    for (&xi, &yi) in x.iter().zip(y) {
        let u = xi / scale;
        let pw: Vec<f64> = (0..m).map(|j| u.powi(j as i32)).collect();
        for r in 0..m {
            for c in 0..m {
                a[r][c] += pw[r] * pw[c];
            }
            a[r][m] += pw[r] * yi;
        }
    }
    for col in 0..m {
        let piv = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-14 {
            return None;
        }
        a.swap(col, piv);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= f * p;
                }
            }
        }
    }
    Some(
        (0..m)
            .map(|j| a[j][m] / a[j][j] / scale.powi(j as i32))
            .collect(),
    )
}

/// Evaluate a polynomial with coefficients lowest first (Horner).
pub fn polyval(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &v| acc * x + v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_units_match_table_i() {
        // PHYSICS.md §4 lists the converted values.
        assert!((TABLE_I[0].m_q_gev() - 0.000_673_563).abs() < 1e-9);
        assert!((TABLE_I[5].condensate_gev3() - 0.102_948_908).abs() < 1e-8);
    }

    #[test]
    fn polyfit_recovers_a_cubic() {
        let c = [0.1, -2.0, 30.0, -400.0];
        let x: Vec<f64> = (0..7).map(|i| 0.003 * i as f64).collect();
        let y: Vec<f64> = x.iter().map(|&v| polyval(&c, v)).collect();
        let fit = polyfit(&x, &y, 3).unwrap();
        for (a, b) in fit.iter().zip(&c) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{fit:?}");
        }
        assert!(polyfit(&x[..3], &y[..3], 3).is_none());
    }
}
