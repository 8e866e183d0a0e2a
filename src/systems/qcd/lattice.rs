//! The lattice-QCD data of P2 Table I (docs/physics.md §4) and the cubic fit the training data use.

use crate::points::Measured;

/// Inverse lattice spacing 1/a = 829(19) MeV (from r₀/a = 1.976(16), r₀ = 0.469(7) fm).
pub const INV_A_GEV: f64 = 0.829;
/// Temperature T = 1/(4a) = 207(5) MeV, in GeV.
pub const TEMPERATURE_GEV: f64 = 0.207;

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

/// P2 Table I as measured points.
pub fn table_i() -> Vec<Measured> {
    TABLE_I
        .iter()
        .map(|p| Measured {
            m_q: p.m_q_gev(),
            condensate: p.condensate_gev3(),
            error: p.error_gev3(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_units_match_table_i() {
        // docs/physics.md §4 lists the converted values.
        assert!((TABLE_I[0].m_q_gev() - 0.000_673_563).abs() < 1e-9);
        assert!((TABLE_I[5].condensate_gev3() - 0.102_948_908).abs() < 1e-8);
    }
}
