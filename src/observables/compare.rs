//! The quark–antiquark potential in GeV against fm, beside the two forms the talk slide this
//! project comes from compares the emergent metric with (docs/physics.md §5, "In physical
//! units"): the Cornell potential and Andreev–Zakharov's soft wall.
//!
//! The data fix L but not the string's α′, so the network's V(d) has no scale in GeV of its own:
//! it is given the Cornell string tension (L²/2πα′ chosen so that the mean slope of its linear
//! region is σ), and what remains to compare is the shape — the Coulomb part, where the linear
//! part starts, and screening. Additive constants are not physical for the two T = 0 forms: they
//! are shifted to meet the network's curve where its linear region starts. The network's own zero
//! is two free quarks (its V = 0 beyond screening).

use super::wilson::{string_tip, SoftWall, ADS5_COULOMB};
use super::Report;
use crate::physics::HBAR_C_GEV_FM;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use std::sync::OnceLock;

/// Cornell's Coulomb coefficient κ (Eichten, Gottfried, Kinoshita, Lane, Yan, Phys. Rev. D 21
/// (1980) 203): V(r) = −κ/r + r/a².
pub const CORNELL_KAPPA: f64 = 0.52;
/// Cornell's a \[GeV⁻¹\] (same source): σ = 1/a² = 0.1826 GeV² = (0.427 GeV)².
pub const CORNELL_A_GEV_INV: f64 = 2.34;
/// Andreev–Zakharov's c \[GeV²\] (hep-ph/0604204): ds² = (R²/z²) e^{cz²/2} (−dt² + dx⃗² + dz²).
pub const AZ_C_GEV2: f64 = 0.9;
/// Andreev–Zakharov's g = R²/α′ (same source): V = (g/2π) × the string's 2πα′V/R².
pub const AZ_G: f64 = 0.94;
/// The distances drawn reach this far at least \[fm\].
pub const MIN_RANGE_FM: f64 = 0.8;

/// The Cornell string tension σ = 1/a² \[GeV²\].
pub fn cornell_sigma() -> f64 {
    1.0 / (CORNELL_A_GEV_INV * CORNELL_A_GEV_INV)
}

/// Cornell's V(r) \[GeV\] at r \[fm\], without a constant.
pub fn cornell_gev(r_fm: f64) -> f64 {
    let r = r_fm / HBAR_C_GEV_FM;
    -CORNELL_KAPPA / r + r * cornell_sigma()
}

/// Andreev–Zakharov's short-distance Coulomb coefficient: (g/2π) times AdS₅'s.
pub fn andreev_zakharov_kappa() -> f64 {
    -AZ_G / (2.0 * PI) * ADS5_COULOMB
}

/// Andreev–Zakharov's V(r) on its confining branch up to `r_max_fm`, (r \[fm\], V \[GeV\]) with r
/// increasing, from the string integrals of [`SoftWall`] (checked against their parametric r(λ)
/// in `wilson`). Up to an additive constant.
pub fn andreev_zakharov(r_max_fm: f64) -> Vec<(f64, f64)> {
    andreev_zakharov_branch()
        .iter()
        .copied()
        .take_while(|p| p.0 <= r_max_fm)
        .collect()
}

/// The whole branch, computed once: it depends on no run, and the page redraws the comparison
/// every 1.5 s. Tips z₀ = √(λ/c) for λ up to just below 2, where r → ∞.
fn andreev_zakharov_branch() -> &'static [(f64, f64)] {
    static BRANCH: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    BRANCH.get_or_init(|| {
        let bg = SoftWall { c: AZ_C_GEV2 };
        // λ = 2(1 − e^{−u}), u = 12 (k/400)²: from the Coulomb region near the boundary to the
        // end of the branch, where r grows without bound.
        (1..=400)
            .map(|k| {
                let u = 12.0 * (k as f64 / 400.0).powi(2);
                let lambda = 2.0 * (1.0 - (-u).exp());
                let z0 = (lambda / AZ_C_GEV2).sqrt().max(1e-3);
                let eta0 = bg.eta_of_z(z0);
                let tip = string_tip(&bg, eta0, eta0 + 14.0);
                (tip.d * HBAR_C_GEV_FM, AZ_G / (2.0 * PI) * tip.v)
            })
            .collect()
    })
}

/// The network's potential and the two reference forms in GeV against fm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Physical {
    /// L²/2πα′ that gives the network's linear region the Cornell tension.
    pub l2_over_2pi_alpha: f64,
    /// The network's V(r): (r \[fm\], V \[GeV\]), V = 0 beyond screening.
    pub network: Vec<(f64, f64)>,
    /// Cornell, shifted to meet the network's curve where its linear region starts.
    pub cornell: Vec<(f64, f64)>,
    /// Andreev–Zakharov, shifted the same way.
    pub andreev_zakharov: Vec<(f64, f64)>,
    /// The network's Coulomb coefficient κ (V ≈ −κ/r + const) from its two shortest distances,
    /// beside Cornell's κ.
    pub network_kappa: f64,
}

/// (y at x) by linear interpolation in points sorted by x.
fn at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    points.windows(2).find_map(|w| {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        ((x0..=x1).contains(&x) && x1 > x0).then(|| y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    })
}

/// The network's V(d) of `r` in GeV against fm beside Cornell and Andreev–Zakharov, or `None`
/// when it has no linear region to set its scale by.
pub fn physical(r: &Report) -> Option<Physical> {
    let l = r.ads_radius;
    // (d [L], 2πα′V [1/L]) on the connected branch, up to screening.
    let branch: Vec<(f64, f64)> = r
        .potential
        .iter()
        .filter(|p| p[0] <= r.d_screen && p[2].is_finite())
        .map(|p| (p[0], p[2]))
        .collect();
    let (v_lin, v_scr) = (at(&branch, r.d_linear)?, branch.last()?.1);
    let d_last = branch.last()?.0;
    let slope = (v_scr - v_lin) / (d_last - r.d_linear);
    if !(slope.is_finite() && slope > 0.0) {
        return None;
    }
    // dV/dr = (L²/2πα′)/L² · dv/dd = σ.
    let k = cornell_sigma() * l * l / slope;
    let network: Vec<(f64, f64)> = r
        .potential
        .iter()
        .filter(|p| p[2].is_finite())
        .map(|p| (p[1], k * p[2] / l))
        .collect();
    let r_max = (3.0 * r.d_screen_fm).max(MIN_RANGE_FM);
    let grid = (1..=200).map(|i| r_max * i as f64 / 200.0);
    let cornell: Vec<(f64, f64)> = grid.map(|x| (x, cornell_gev(x))).collect();
    let az = andreev_zakharov(r_max);
    // Meet the network's curve where its linear region starts.
    let meet = r.d_linear_fm;
    let target = at(&network, meet)?;
    let shift = |c: Vec<(f64, f64)>| -> Option<Vec<(f64, f64)>> {
        let s = target - at(&c, meet)?;
        Some(c.into_iter().map(|(x, y)| (x, y + s)).collect())
    };
    // κ = −dV/d(1/r), r in GeV⁻¹, between the two shortest distances.
    let ((r0, v0), (r1, v1)) = (*network.first()?, *network.get(1)?);
    Some(Physical {
        l2_over_2pi_alpha: k,
        network_kappa: (v1 - v0) / (HBAR_C_GEV_FM / r0 - HBAR_C_GEV_FM / r1),
        cornell: shift(cornell)?,
        andreev_zakharov: shift(az)?,
        network,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cornell_is_its_formula() {
        // r = 0.5 fm = 2.53387 GeV⁻¹: −0.52/2.53387 + 2.53387/2.34² by hand.
        assert!(
            (cornell_gev(0.5) - 0.257_536).abs() < 1e-5,
            "{}",
            cornell_gev(0.5)
        );
        assert!((cornell_sigma().sqrt() - 0.427_35).abs() < 1e-4);
    }

    /// The soft wall in GeV and fm: its far slope is the tension (g/2π)(e·c/2) = e g c/4π and its
    /// short-distance Coulomb coefficient is (g/2π)·8π³/Γ(1/4)⁴ (pure AdS's, the wall's
    /// e^{cz²/2} → 1 near the boundary).
    #[test]
    fn andreev_zakharov_in_physical_units_has_its_tension_and_coulomb_part() {
        let v = andreev_zakharov(3.0);
        let n = v.len();
        assert!(v.windows(2).all(|w| w[1].0 > w[0].0), "r increases");
        let (a, b) = (v[n - 2], v[n - 1]);
        let sigma = (b.1 - a.1) / ((b.0 - a.0) / HBAR_C_GEV_FM);
        let want = std::f64::consts::E * AZ_G * AZ_C_GEV2 / (4.0 * PI);
        assert!((sigma - want).abs() / want < 5e-3, "σ = {sigma} vs {want}");
        assert!(
            (want - 0.1830).abs() < 5e-4,
            "AZ's tension is Cornell's: {want}"
        );
        let (a, b) = (v[0], v[1]);
        let kappa = -(b.1 - a.1) / (HBAR_C_GEV_FM / b.0 - HBAR_C_GEV_FM / a.0);
        let want = andreev_zakharov_kappa();
        assert!((kappa - want).abs() / want < 0.02, "κ = {kappa} vs {want}");
    }

    #[test]
    fn the_network_gets_the_cornell_tension_and_the_others_meet_it() {
        use crate::systems::qcd::{TABLE_II_H, TABLE_II_L};
        let h: Vec<f64> = TABLE_II_H.iter().map(|p| p.0).collect();
        let net = crate::systems::qcd::ID.system().probe().unwrap().network();
        let (_, _, r) = crate::observables::observe(
            &h,
            &net.bulk.etas(),
            4.0,
            TABLE_II_L.0,
            0.207,
            crate::observables::Options {
                horizon_match: Some(crate::observables::P2_HORIZON_MATCH),
                ..Default::default()
            },
        )
        .expect("the Table II metric has a horizon");
        let p = physical(&r).unwrap_or_else(|| {
            panic!(
                "no linear region: d_linear {} d_screen {} first {:?} last {:?}",
                r.d_linear,
                r.d_screen,
                &r.potential[..3],
                &r.potential[r.potential.len() - 3..]
            )
        });
        // The mean slope over the linear region, in GeV/GeV⁻¹, is σ.
        let (x0, x1) = (r.d_linear_fm, r.d_screen_fm * 0.999);
        let (v0, v1) = (at(&p.network, x0).unwrap(), at(&p.network, x1).unwrap());
        let sigma = (v1 - v0) / ((x1 - x0) / HBAR_C_GEV_FM);
        assert!(
            (sigma - cornell_sigma()).abs() / cornell_sigma() < 0.02,
            "σ = {sigma}"
        );
        for c in [&p.cornell, &p.andreev_zakharov] {
            let m = at(c, r.d_linear_fm).unwrap();
            assert!((m - v0).abs() < 1e-9, "{m} vs {v0}");
        }
        // Near the boundary the metric is AdS's, so its Coulomb law too: κ = (L²/2πα′)·8π³/Γ(1/4)⁴.
        let ads = -p.l2_over_2pi_alpha * ADS5_COULOMB;
        assert!(
            (p.network_kappa - ads).abs() / ads < 0.1,
            "κ = {} vs {ads}",
            p.network_kappa
        );
    }
}
