//! The meson network (docs/physics.md §M.2): its layers are the points z_k of the holographic
//! direction, its weights the curvatures A″(z_k) and Φ″(z_k) of the warp factor and the dilaton.
//! Between layers the curvatures are interpolated linearly, beyond the last one they stay
//! constant, and A = −ln z + a, Φ with a(0) = a′(0) = Φ(0) = Φ′(0) = 0: the boundary condition
//! A → −ln z holds for every θ. A spin-S tower's masses are the levels of −ψ″ + V_Sψ = m²ψ,
//! V_S = B′²/4 − B″/2, B = Φ − (2S − 1)A (Eq. M.1); the loss compares them with the data, and its
//! gradient is exact by Hellmann–Feynman, dm²/dθ = ⟨ψ|∂V/∂θ|ψ⟩ (Eq. M.4), for the discrete
//! problem the levels are computed from.

use super::data::{spins, State};
use super::schrodinger::{lowest_levels_near, Grid};
use crate::rng::Rng;
use crate::systems::model::{Block, LossParts, Model};
use std::any::Any;

/// Layers: the points z_k = k·[`Z_LAYERS`]/(LAYERS − 1) where A″ and Φ″ are weights.
pub const LAYERS: usize = 13;
/// The last layer \[GeV⁻¹\]: beyond the turning point of the highest level of the bundled towers
/// (z ≈ 10 GeV⁻¹ for ρ at n = 4), so every state the data and its predictions probe sees only
/// weights.
pub const Z_LAYERS: f64 = 12.0;
/// The wall of the Schrödinger problem \[GeV⁻¹\], where ψ = 0: far enough that the levels do not
/// move when it moves (docs/physics.md §M.2, the convergence test). The PDG fits flatten V_1
/// near m² ≈ 3 GeV² beyond z ≈ 6 (the ρ tower rises slower than linearly), so their upper
/// levels spread far: at a wall of 20 GeV⁻¹ ρ(1700)'s level still moved by 4·10⁻⁴ when the wall
/// moved to 24, at 30 by 10⁻⁵, at 40 by less than 10⁻⁶.
pub const Z_MAX: f64 = 40.0;
/// Interior points of the coarse grid (spacing 0.1 GeV⁻¹); the fine grid halves its spacing. The
/// combined levels of the soft wall are then exact to 1.4·10⁻⁵ (S = 1, whose 1/z² barrier is the
/// weakest; 600 points gave 6·10⁻⁶ at 1.5 times the cost), and doubling the grid moves the PDG fits'
/// levels by less than 10⁻⁴ (tests/mesons.rs).
pub const GRID: usize = 400;
/// The model's share of a mass's error: masses are compared within √(σ² + (1 % m)²), so that a
/// state measured to 0.03 % (ρ(770)) does not outweigh the rest by a thousand.
pub const MODEL_TOLERANCE: f64 = 0.01;
/// Epoch (since the last (re)start) at which the restart recipe judges a run: half the
/// protocol's 1000 epochs. A run still above the keep-cut there sits in a false minimum (a
/// level of the data matched by the wrong excitation); the rule was fixed before looking at
/// how often that happens, and is reported on unseen seeds (docs/physics.md §M.6).
pub const GIVE_UP_EPOCH: usize = 500;

/// Points of the reported profile A(z), Φ(z), evenly on (0, Z_LAYERS].
pub const PROFILE_POINTS: usize = 120;
/// Levels predicted above the highest measured one of each spin.
pub const PREDICTED: u32 = 2;

/// One level of the model's towers, as reported.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// Spin S.
    pub spin: u32,
    /// Radial excitation.
    pub n: u32,
    /// The model's mass \[GeV\].
    pub mass_gev: f64,
}

/// θ's blocks: A″ and Φ″ at the layers \[GeV²\].
pub fn blocks() -> Vec<Block> {
    ["A_zz", "Phi_zz"]
        .into_iter()
        .map(|name| Block {
            name,
            len: LAYERS,
            scalar: false,
            trained: true,
        })
        .collect()
}

/// The interpolation weights of one point z: H_k(z) (the curvature's hat functions) and their
/// first and second integrals from 0, I1_k = ∫₀^z H_k and I2_k = ∫₀^z (z − t) H_k(t) dt, so that
/// a″(z) = Σ a″_k H_k, a′(z) = Σ a″_k I1_k, a(z) = Σ a″_k I2_k exactly.
fn weights(z: f64, h: &mut [f64], i1: &mut [f64], i2: &mut [f64]) {
    let d = Z_LAYERS / (LAYERS - 1) as f64;
    h.fill(0.0);
    i1.fill(0.0);
    i2.fill(0.0);
    for j in 0..LAYERS - 1 {
        let zj = j as f64 * d;
        if zj >= z {
            break;
        }
        let u = (z - zj).min(d);
        let w = z - zj;
        // ∫₀^u of the rising hat s/d and of the falling one 1 − s/d, and with weight (w − s).
        let up1 = u * u / (2.0 * d);
        let up2 = (w * u * u / 2.0 - u * u * u / 3.0) / d;
        i1[j + 1] += up1;
        i1[j] += u - up1;
        i2[j + 1] += up2;
        i2[j] += w * u - u * u / 2.0 - up2;
        if z <= zj + d {
            let t = (z - zj) / d;
            h[j] = 1.0 - t;
            h[j + 1] = t;
        }
    }
    if z > Z_LAYERS {
        // The last curvature held constant beyond the last layer.
        let u = z - Z_LAYERS;
        h[LAYERS - 1] = 1.0;
        i1[LAYERS - 1] += u;
        i2[LAYERS - 1] += u * u / 2.0;
    }
}

/// The weights at every point of a grid.
#[derive(Clone, Debug)]
struct Basis {
    grid: Grid,
    /// H_k(z_i) at i·LAYERS + k.
    h: Vec<f64>,
    /// I1_k(z_i) at i·LAYERS + k.
    i1: Vec<f64>,
}

impl Basis {
    fn new(grid: Grid) -> Basis {
        let mut h = vec![0.0; grid.n * LAYERS];
        let mut i1 = vec![0.0; grid.n * LAYERS];
        let mut i2 = vec![0.0; LAYERS];
        for i in 0..grid.n {
            let r = i * LAYERS..(i + 1) * LAYERS;
            let (hh, ii) = (&mut h[r.clone()], &mut i1[r]);
            weights(grid.z(i), hh, ii, &mut i2);
        }
        Basis { grid, h, i1 }
    }
}

/// The spin-S Schrödinger potential on a grid and B′ there (Eq. M.1): with s₁ = 2S − 1,
/// B′ = Φ′ − s₁a′ + s₁/z and B″ = Φ″ − s₁a″ − s₁/z².
fn potential(basis: &Basis, theta: &[f64], spin: u32) -> (Vec<f64>, Vec<f64>) {
    let s1 = (2 * spin - 1) as f64;
    let (a, phi) = theta.split_at(LAYERS);
    let n = basis.grid.n;
    let (mut v, mut bp) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let z = basis.grid.z(i);
        let r = i * LAYERS..(i + 1) * LAYERS;
        let (h, i1) = (&basis.h[r.clone()], &basis.i1[r]);
        let dot = |w: &[f64], x: &[f64]| w.iter().zip(x).map(|(p, q)| p * q).sum::<f64>();
        let b1 = dot(i1, phi) - s1 * dot(i1, a) + s1 / z;
        let b2 = dot(h, phi) - s1 * dot(h, a) - s1 / (z * z);
        v.push(b1 * b1 / 4.0 - b2 / 2.0);
        bp.push(b1);
    }
    (v, bp)
}

/// One level of a tower with its exact gradient with respect to θ.
#[derive(Clone, Debug, PartialEq)]
pub struct TowerLevel {
    /// m² \[GeV²\].
    pub m2: f64,
    /// dm²/dθ.
    pub grad: Vec<f64>,
}

/// The `count` lowest levels of spin S on one grid, with dm²/dθ = Σ_i ψ_i² ∂V_i/∂θ
/// (Hellmann–Feynman for the discrete problem): ∂V/∂Φ″_k = B′I1_k/2 − H_k/2 and
/// ∂V/∂a″_k = −s₁·∂V/∂Φ″_k.
fn levels_on(
    basis: &Basis,
    theta: &[f64],
    spin: u32,
    count: usize,
    guesses: &[f64],
) -> Vec<TowerLevel> {
    let s1 = (2 * spin - 1) as f64;
    let (v, bp) = potential(basis, theta, spin);
    lowest_levels_near(&basis.grid, &v, count, guesses)
        .into_iter()
        .map(|l| {
            let mut g_phi = [0.0; LAYERS];
            for (i, (&p, &b)) in l.psi.iter().zip(&bp).enumerate() {
                let w = p * p;
                if w < 1e-300 {
                    continue;
                }
                let r = i * LAYERS..(i + 1) * LAYERS;
                for ((g, &h), &i1) in g_phi.iter_mut().zip(&basis.h[r.clone()]).zip(&basis.i1[r]) {
                    *g += w * (b * i1 - h) / 2.0;
                }
            }
            let mut grad = Vec::with_capacity(2 * LAYERS);
            grad.extend(g_phi.iter().map(|g| -s1 * g));
            grad.extend_from_slice(&g_phi);
            TowerLevel { m2: l.m2, grad }
        })
        .collect()
}

/// The meson network on a set of measured states.
#[derive(Clone, Debug)]
pub struct MesonModel {
    states: Vec<State>,
    reg: f64,
    theta: Vec<f64>,
    coarse: Basis,
    fine: Basis,
    blocks: Vec<Block>,
}

impl MesonModel {
    /// The network on `states` (validated by the caller) with smoothness strength `reg`, its
    /// levels on the default grid.
    pub fn new(states: Vec<State>, reg: f64) -> MesonModel {
        MesonModel::with_grid(states, reg, Grid::new(Z_MAX, GRID))
    }

    /// The same on another coarse grid (the convergence tests move its wall and spacing).
    pub fn with_grid(states: Vec<State>, reg: f64, grid: Grid) -> MesonModel {
        MesonModel {
            states,
            reg,
            theta: vec![0.0; 2 * LAYERS],
            coarse: Basis::new(grid),
            fine: Basis::new(grid.halved()),
            blocks: blocks(),
        }
    }

    /// The states trained on.
    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// θ last loaded.
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// The `count` lowest levels of spin S at the loaded θ, Richardson-extrapolated from the
    /// coarse and the fine grid (docs/physics.md §M.2), with their exact gradients.
    pub fn tower(&self, spin: u32, count: usize) -> Vec<TowerLevel> {
        // Cold brackets every time: the levels are a function of θ alone, bit for bit, so a
        // restored run continues exactly (warm brackets from the last step were 14 % faster).
        let c = levels_on(&self.coarse, &self.theta, spin, count, &[]);
        let guesses: Vec<f64> = c.iter().map(|l| l.m2).collect();
        let f = levels_on(&self.fine, &self.theta, spin, count, &guesses);
        c.into_iter()
            .zip(f)
            .map(|(c, f)| TowerLevel {
                m2: (4.0 * f.m2 - c.m2) / 3.0,
                grad: f
                    .grad
                    .iter()
                    .zip(&c.grad)
                    .map(|(f, c)| (4.0 * f - c) / 3.0)
                    .collect(),
            })
            .collect()
    }

    /// The masses \[GeV\] of spin S for n = 0 … count − 1 (√m²; a level below zero is reported
    /// as 0, a tachyon being no meson).
    pub fn masses(&self, spin: u32, count: usize) -> Vec<f64> {
        self.tower(spin, count)
            .iter()
            .map(|l| l.m2.max(0.0).sqrt())
            .collect()
    }

    /// Every spin of the data with its highest measured n, spins ascending.
    pub fn tops(&self) -> Vec<(u32, u32)> {
        spins(&self.states)
            .into_iter()
            .map(|spin| {
                let top = self.states.iter().filter(|s| s.spin == spin).map(|s| s.n);
                (spin, top.max().unwrap_or(0))
            })
            .collect()
    }

    /// The model's towers: for every spin in the data, n = 0 … (its highest measured n) +
    /// [`PREDICTED`].
    pub fn predictions(&self) -> Vec<Prediction> {
        let mut out = Vec::new();
        for (spin, top) in self.tops() {
            for (n, m) in self
                .masses(spin, (top + PREDICTED + 1) as usize)
                .iter()
                .enumerate()
            {
                out.push(Prediction {
                    spin,
                    n: n as u32,
                    mass_gev: *m,
                });
            }
        }
        out
    }

    /// A(z) = −ln z + a(z) and Φ(z) at the points `z` (> 0).
    pub fn profile(&self, z: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let (mut h, mut i1, mut i2) = ([0.0; LAYERS], [0.0; LAYERS], [0.0; LAYERS]);
        let (a, phi) = self.theta.split_at(LAYERS);
        z.iter()
            .map(|&z| {
                weights(z, &mut h, &mut i1, &mut i2);
                let dot = |x: &[f64]| i2.iter().zip(x).map(|(p, q)| p * q).sum::<f64>();
                (-z.ln() + dot(a), dot(phi))
            })
            .unzip()
    }

    /// The `count` lowest levels of spin S on the fine grid with their wavefunctions ψ(z_i)
    /// (normalised as Σψ² h = 1, the continuum's ∫ψ² dz = 1), for drawing.
    pub fn wavefunctions(&self, spin: u32, count: usize) -> Vec<(f64, Vec<f64>)> {
        let (v, _) = potential(&self.fine, &self.theta, spin);
        let scale = 1.0 / self.fine.grid.h.sqrt();
        lowest_levels_near(&self.fine.grid, &v, count, &[])
            .into_iter()
            .map(|l| (l.m2, l.psi.iter().map(|p| p * scale).collect()))
            .collect()
    }

    /// The points z_i of the fine grid (where [`MesonModel::potential`] and
    /// [`MesonModel::wavefunctions`] are given).
    pub fn grid_points(&self) -> Vec<f64> {
        (0..self.fine.grid.n).map(|i| self.fine.grid.z(i)).collect()
    }

    /// The spin-S potential V_S on the fine grid: (z, V).
    pub fn potential(&self, spin: u32) -> Vec<(f64, f64)> {
        let (v, _) = potential(&self.fine, &self.theta, spin);
        v.into_iter()
            .enumerate()
            .map(|(i, v)| (self.fine.grid.z(i), v))
            .collect()
    }

    /// The data term over `items` and its gradient added to `grad` (when given):
    /// the mean of r² with r = (m²_model − m²)/(2m·s), s = √(σ² + (1 % m)²) — (m_model − m)/s to
    /// first order, smooth where a level crosses zero.
    fn data_term(&self, items: &[usize], mut grad: Option<&mut [f64]>) -> f64 {
        let mut loss = 0.0;
        for spin in spins(&self.states) {
            let here: Vec<&State> = items
                .iter()
                .map(|&i| &self.states[i])
                .filter(|s| s.spin == spin)
                .collect();
            let Some(top) = here.iter().map(|s| s.n).max() else {
                continue;
            };
            let tower = self.tower(spin, top as usize + 1);
            for s in here {
                let scale = 2.0 * s.mass * s.error.hypot(MODEL_TOLERANCE * s.mass);
                let level = &tower[s.n as usize];
                let r = (level.m2 - s.mass * s.mass) / scale;
                loss += r * r;
                if let Some(g) = grad.as_deref_mut() {
                    let w = 2.0 * r / scale / items.len() as f64;
                    for (g, d) in g.iter_mut().zip(&level.grad) {
                        *g += w * d;
                    }
                }
            }
        }
        loss / items.len() as f64
    }

    /// The smoothness prior c·Σ_k[(a″_{k+1} − a″_k)² + (Φ″_{k+1} − Φ″_k)²] (Eq. M.5): it vanishes
    /// on constant curvatures, so the soft wall (a″ = 0, Φ″ = 2c) costs nothing, and its
    /// gradient is added to `grad` (when given).
    fn prior(&self, mut grad: Option<&mut [f64]>) -> f64 {
        let mut e = 0.0;
        for block in [0, LAYERS] {
            for k in block..block + LAYERS - 1 {
                let d = self.theta[k + 1] - self.theta[k];
                e += self.reg * d * d;
                if let Some(g) = grad.as_deref_mut() {
                    g[k + 1] += 2.0 * self.reg * d;
                    g[k] -= 2.0 * self.reg * d;
                }
            }
        }
        e
    }
}

impl Model for MesonModel {
    fn blocks(&self) -> &[Block] {
        &self.blocks
    }
    fn items(&self) -> usize {
        self.states.len()
    }
    /// A confining start: Φ″ = 2c₀(1 + 0.1ξ_k) with c₀ uniform in [0.1, 0.3] GeV² and
    /// a″ = 0.05ξ′_k GeV², ξ standard normal (a soft wall of random c₀ with rough curvatures).
    fn init(&self, rng: &mut Rng) -> Vec<f64> {
        let c0 = rng.range(0.1, 0.3);
        let mut theta: Vec<f64> = (0..LAYERS).map(|_| 0.05 * rng.normal()).collect();
        theta.extend((0..LAYERS).map(|_| 2.0 * c0 * (1.0 + 0.1 * rng.normal())));
        theta
    }
    fn load(&mut self, theta: &[f64]) {
        self.theta.copy_from_slice(theta);
    }
    fn loss_grad(&mut self, batch: &[usize], grad: &mut [f64]) -> LossParts {
        grad.fill(0.0);
        let data = self.data_term(batch, Some(grad));
        let reg = self.prior(Some(grad));
        LossParts { data, reg }
    }
    fn full_loss(&self) -> LossParts {
        let all: Vec<usize> = (0..self.states.len()).collect();
        LossParts {
            data: self.data_term(&all, None),
            reg: self.prior(None),
        }
    }
    fn observables(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        out.insert(
            "masses".into(),
            serde_json::to_value(self.predictions()).expect("json"),
        );
        let z: Vec<f64> = (1..=PROFILE_POINTS)
            .map(|i| i as f64 * Z_LAYERS / PROFILE_POINTS as f64)
            .collect();
        let (a, phi) = self.profile(&z);
        out.insert(
            "profile".into(),
            serde_json::json!({ "z": z, "A": a, "Phi": phi }),
        );
        out
    }
    fn summary(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{:>4} {:>3} {:>12} {:>18} {:>8}",
            "spin", "n", "model [GeV]", "data [GeV]", "pull"
        )];
        for p in self.predictions() {
            let data = self.states.iter().find(|s| s.spin == p.spin && s.n == p.n);
            lines.push(match data {
                Some(s) => format!(
                    "{:>4} {:>3} {:>12.4} {:>18} {:>+8.2}",
                    p.spin,
                    p.n,
                    p.mass_gev,
                    format!("{:.4} ± {:.4}", s.mass, s.error),
                    (p.mass_gev - s.mass) / s.error.hypot(MODEL_TOLERANCE * s.mass)
                ),
                None => format!(
                    "{:>4} {:>3} {:>12.4} {:>18}",
                    p.spin, p.n, p.mass_gev, "(predicted)"
                ),
            });
        }
        lines
    }
    fn failure(&self, epochs: usize, loss: f64) -> Option<crate::i18n::Msg> {
        (epochs >= GIVE_UP_EPOCH && (loss > self.keep_loss() || loss.is_nan())).then(|| {
            crate::msg!(
                "failure.mesons_stuck",
                loss = format!("{loss:.3}"),
                epochs = epochs,
                cut = self.keep_loss()
            )
        })
    }
    fn plateau(&self) -> Option<crate::systems::Plateau> {
        Some(super::PLATEAU)
    }
    fn keep_loss(&self) -> f64 {
        // r² averaged: every mass within its error (with the 1 % floor) on average.
        1.0
    }
    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// θ of the soft wall A = −ln z, Φ = cz².
    fn soft_wall(c: f64) -> Vec<f64> {
        let mut t = vec![0.0; LAYERS];
        t.extend(vec![2.0 * c; LAYERS]);
        t
    }

    #[test]
    fn the_weights_integrate_the_curvature_exactly() {
        // a″ = 1 + z/4 on the layers (linear, so the interpolation is exact up to Z_LAYERS, and
        // constant beyond): a′ and a are its integrals.
        let mut model = MesonModel::new(vec![], 0.0);
        let d = Z_LAYERS / (LAYERS - 1) as f64;
        let mut theta: Vec<f64> = (0..LAYERS).map(|k| 1.0 + k as f64 * d / 4.0).collect();
        theta.extend(vec![0.0; LAYERS]);
        model.load(&theta);
        for z in [0.3, 2.5, 7.0, 11.99] {
            let a = model.profile(&[z]).0[0] + z.ln();
            let exact = z * z / 2.0 + z * z * z / 24.0;
            assert!(
                (a - exact).abs() < 1e-12 * (1.0 + exact),
                "z = {z}: {a} vs {exact}"
            );
        }
        let z = 15.0;
        let (zl, top) = (Z_LAYERS, 1.0 + Z_LAYERS / 4.0);
        let (a_l, da_l) = (zl * zl / 2.0 + zl * zl * zl / 24.0, zl + zl * zl / 8.0);
        let exact = a_l + da_l * (z - zl) + top * (z - zl) * (z - zl) / 2.0;
        let a = model.profile(&[z]).0[0] + z.ln();
        assert!(
            (a - exact).abs() < 1e-10 * exact,
            "beyond the layers: {a} vs {exact}"
        );
    }

    #[test]
    fn the_soft_wall_has_its_closed_form_towers() {
        // m²_{n,S} = 4c(n + S) (Eq. M.2), spins 1–3, five levels each, to the grid's 1.4·10⁻⁵.
        let mut model = MesonModel::new(vec![], 0.0);
        for c in [0.15, 0.25] {
            model.load(&soft_wall(c));
            for spin in 1..=3 {
                for (n, l) in model.tower(spin, 5).iter().enumerate() {
                    let exact = 4.0 * c * (n as f64 + spin as f64);
                    assert!(
                        (l.m2 / exact - 1.0).abs() < 2e-5,
                        "c = {c}, S = {spin}, n = {n}: {} vs {exact}",
                        l.m2
                    );
                }
            }
        }
    }

    #[test]
    fn hellmann_feynman_gradients_match_finite_differences_per_component() {
        let states = super::super::data::PDG.to_vec();
        let mut model = MesonModel::new(states.clone(), 0.3);
        let theta = model.init(&mut Rng::new(5, 0));
        model.load(&theta);
        let items: Vec<usize> = (0..states.len()).collect();
        let mut g = vec![0.0; theta.len()];
        let base = model.loss_grad(&items, &mut g).total();
        assert!(base > 0.0);
        // The levels are exact to about ε‖T‖ ~ 10⁻¹³ (the Sturm count's rounding), so the
        // differences use a step of 10⁻³ and the fourth-order stencil.
        let largest = g.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        for k in 0..theta.len() {
            let step = 1e-3;
            let mut at = |x: f64| {
                let mut t = theta.clone();
                t[k] += x;
                model.load(&t);
                model.full_loss().total()
            };
            let fd =
                (8.0 * (at(step) - at(-step)) - (at(2.0 * step) - at(-2.0 * step))) / (12.0 * step);
            let err = (fd - g[k]).abs() / (g[k].abs() + 1e-4 * largest);
            assert!(err < 1e-6, "θ_{k}: analytic {} vs FD {fd} ({err:e})", g[k]);
        }
    }
}
