//! Least-squares polynomials: the cubic through measured condensates (docs/physics.md §4) and
//! the 5th-order fit of the learned metric (§5).

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
