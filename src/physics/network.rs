//! The bulk network: the discretised radial evolution of a scalar field and its exact adjoint.
//!
//! # The network is a spacetime
//! The field equation ∂_η π + h(η) π − m² φ − λ φ³ = 0 (docs/physics.md §1; P1 Eq. 5), integrated
//! from the boundary cut-off η_ini toward the horizon by explicit Euler on N layers, is a deep
//! network whose weights are the metric function h_k = h(η_k) (docs/physics.md §2; P1 Eq. 8 with the
//! nonlinearity on the layer's INPUT φ, as in the authors' code). The output is F = π(η_fin),
//! which a regular horizon forces to zero.
//!
//! ## Reference
//! K. Hashimoto, S. Sugishita, A. Tanaka, A. Tomiya, Phys. Rev. D 98, 046019 (2018), arXiv:1802.08313;
//! Phys. Rev. D 98, 106014 (2018), arXiv:1809.10536.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU8, Ordering};

/// Number of colours in the QCD boundary map (docs/physics.md §4).
pub const N_C: f64 = 3.0;

/// The fixed geometry of the network: dimension, mass, grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bulk {
    /// Boundary spacetime dimension d (the bulk is d+1 dimensional).
    pub d: u32,
    /// Scalar mass squared m² in units of the AdS radius.
    pub m2: f64,
    /// Number of layers N.
    pub layers: usize,
    /// Input (boundary-side) cut-off η_ini.
    pub eta_ini: f64,
    /// Output (horizon-side) position η_fin.
    pub eta_fin: f64,
}

impl Bulk {
    /// Δη = (η_fin − η_ini)/N, negative: the network integrates toward the horizon.
    pub fn deta(&self) -> f64 {
        (self.eta_fin - self.eta_ini) / self.layers as f64
    }

    /// η_k = η_ini + k Δη, where weight h_k acts.
    pub fn eta(&self, k: usize) -> f64 {
        self.eta_ini + k as f64 * self.deta()
    }

    /// All layer positions η_0 … η_{N−1}.
    pub fn etas(&self) -> Vec<f64> {
        (0..self.layers).map(|k| self.eta(k)).collect()
    }
}

/// How a data point becomes the field at the cut-off η_ini.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Boundary {
    /// The data are (φ, π) at η_ini themselves (preset A).
    Field,
    /// The data are (m_q \[GeV\], ⟨q̄q⟩ \[GeV³\]), mapped through the near-boundary solution of
    /// docs/physics.md §4 (P2 Eqs. 13–15) with the AdS radius L \[GeV⁻¹\] and λ.
    Qcd,
}

/// The trainable parameters: the metric h_k, the coupling λ and the AdS radius L.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// h_0 … h_{N−1}.
    pub h: Vec<f64>,
    /// Quartic coupling λ.
    pub lambda: f64,
    /// AdS radius L in GeV⁻¹ (used by the QCD boundary map only).
    pub ads_radius: f64,
}

impl Params {
    /// Zero parameters of the same shape, to accumulate gradients into.
    pub fn zeros_like(&self) -> Params {
        Params {
            h: vec![0.0; self.h.len()],
            lambda: 0.0,
            ads_radius: 0.0,
        }
    }

    /// True when every number is finite.
    pub fn is_finite(&self) -> bool {
        self.lambda.is_finite()
            && self.ads_radius.is_finite()
            && self.h.iter().all(|v| v.is_finite())
    }

    /// Set every entry to zero.
    pub fn clear(&mut self) {
        self.h.iter_mut().for_each(|v| *v = 0.0);
        self.lambda = 0.0;
        self.ads_radius = 0.0;
    }
}

/// One labelled data point: `x` is (φ, π) or (m_q, ⟨q̄q⟩) depending on the [`Boundary`];
/// `y` = 0 for positive (true response) data, 1 for negative.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The two inputs.
    pub x: [f64; 2],
    /// The label (0 positive, 1 negative).
    pub y: f64,
}

/// One (sub-)step of the adjoint pass: what [`adjoint_step`] returns.
struct Adjoint {
    /// (gφ, gπ) at the step's input.
    g: [f64; 2],
    /// The step's contribution to dE/dh_k, to be subtracted: gπ Δη π.
    dh: f64,
    /// Its contribution to dE/dλ: gπ Δη φ³.
    dlambda: f64,
}

/// Adjoint of one layer map (docs/physics.md §2): from (gφ, gπ) at the output of a (sub-)step
/// with input state `s` = (φ, π), the adjoint at its input and the step's parameter gradients.
/// The batch kernel and the per-point gradient share it, operation for operation.
#[inline(always)]
fn adjoint_step(s: [f64; 2], g: [f64; 2], hk: f64, lambda: f64, m2: f64, deta: f64) -> Adjoint {
    let ([phi, pi], [gphi, gpi]) = (s, g);
    let phi2 = phi * phi;
    Adjoint {
        g: [
            gphi + gpi * deta * (m2 + 3.0 * lambda * phi2),
            gphi * deta + gpi * (1.0 - deta * hk),
        ],
        dh: gpi * deta * pi,
        dlambda: gpi * deta * phi2 * phi,
    }
}

/// The label function t(F) = [tanh(100(F − 0.1)) − tanh(100(F + 0.1)) + 2]/2 (docs/physics.md §2):
/// ≈ 0 inside the band |F| < 0.1, ≈ 1 outside.
pub fn t_of_f(f: f64) -> f64 {
    t_and_slope(f).0
}

/// The compiled forms of the batch kernels, all with the same bits. Natively on x86-64 the
/// widest the CPU has runs; `adsdl bench --kernel` chooses another, to compare widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// Four lanes per instruction and the vector tanh (x86-64 with AVX2).
    Avx2,
    /// Two lanes per instruction, the width of the page's simd128, and the vector tanh
    /// (x86-64 with SSE4.1).
    Sse41,
    /// The compilation target's own: simd128 and the vector tanh in the page's wasm; natively
    /// SSE2 and libm's tanh lane by lane.
    Portable,
}

/// The kernel chosen for the whole process: 0 for the widest available, else 1 + its index
/// in [`Kernel::ALL`].
static CHOSEN: AtomicU8 = AtomicU8::new(0);

impl Kernel {
    /// Every form, widest first.
    pub const ALL: [Kernel; 3] = [Kernel::Avx2, Kernel::Sse41, Kernel::Portable];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx2 => "avx2",
            Kernel::Sse41 => "sse4.1",
            Kernel::Portable => "portable",
        }
    }

    /// Whether this CPU runs it.
    pub fn available(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Sse41 => std::arch::is_x86_feature_detected!("sse4.1"),
            Kernel::Portable => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The kernel the batch functions run: the chosen one, else the widest available.
    pub fn current() -> Kernel {
        match CHOSEN.load(Ordering::Relaxed) {
            0 => Self::ALL
                .into_iter()
                .find(|k| k.available())
                .unwrap_or(Kernel::Portable),
            n => Self::ALL[usize::from(n) - 1],
        }
    }

    /// Runs this kernel from now on, in the whole process (the benchmark's choice).
    pub fn choose(self) -> Result<(), String> {
        if !self.available() {
            return Err(format!("this CPU cannot run the {} kernel", self.name()));
        }
        let index = Self::ALL.iter().position(|&k| k == self).unwrap_or(0);
        CHOSEN.store(index as u8 + 1, Ordering::Relaxed);
        Ok(())
    }
}

/// tanh of a group's two arguments per lane, bit for bit `libm::tanh`: how each kernel gets it.
trait Tanh16 {
    fn tanh16(x: &[f64; 2 * LANES]) -> [f64; 2 * LANES];
}

/// simd128 in the page's wasm, libm itself natively (see `tanh::tanh16`).
struct Portable;
impl Tanh16 for Portable {
    #[inline(always)]
    fn tanh16(x: &[f64; 2 * LANES]) -> [f64; 2 * LANES] {
        super::tanh::tanh16(x)
    }
}

/// AVX2 (only inside the kernels compiled for it).
#[cfg(target_arch = "x86_64")]
struct Avx2;
#[cfg(target_arch = "x86_64")]
impl Tanh16 for Avx2 {
    #[inline(always)]
    fn tanh16(x: &[f64; 2 * LANES]) -> [f64; 2 * LANES] {
        // SAFETY: used only by the kernels compiled with AVX2, which run after checking for it.
        unsafe { super::tanh::tanh16_avx2(x) }
    }
}

/// SSE4.1 (only inside the kernels compiled for it).
#[cfg(target_arch = "x86_64")]
struct Sse41;
#[cfg(target_arch = "x86_64")]
impl Tanh16 for Sse41 {
    #[inline(always)]
    fn tanh16(x: &[f64; 2 * LANES]) -> [f64; 2 * LANES] {
        // SAFETY: used only by the kernels compiled with SSE4.1, which run after checking for it.
        unsafe { super::tanh::tanh16_sse41(x) }
    }
}

/// [`t_and_slope`] of each lane, bit for bit.
#[inline(always)]
fn t_and_slope_lanes<T: Tanh16>(f: &Lanes) -> (Lanes, Lanes) {
    let mut args = [0.0; 2 * LANES];
    for l in 0..LANES {
        args[l] = 100.0 * (f[l] - 0.1);
        args[LANES + l] = 100.0 * (f[l] + 0.1);
    }
    let t = T::tanh16(&args);
    let (a, b) = t.split_at(LANES);
    (
        std::array::from_fn(|l| (a[l] - b[l] + 2.0) / 2.0),
        std::array::from_fn(|l| 50.0 * (b[l] * b[l] - a[l] * a[l])),
    )
}

/// t(F) and dt/dF = 50 [tanh²(100(F + 0.1)) − tanh²(100(F − 0.1))] from one pair of tanh
/// (they are the dearest part of a point's loss, and the gradient needs both).
pub fn t_and_slope(f: f64) -> (f64, f64) {
    let a = libm::tanh(100.0 * (f - 0.1));
    let b = libm::tanh(100.0 * (f + 0.1));
    ((a - b + 2.0) / 2.0, 50.0 * (b * b - a * a))
}

/// Field (φ, π) at η = η_ini for a QCD data point (docs/physics.md §4; P2 Eqs. 13–15):
/// α = (√N_c/2π) m_q L, β = (π/√N_c) ⟨q̄q⟩ L³,
/// φ = α e^{−η} + β e^{−3η} − (λα³/2) η e^{−3η}, π = ∂_η φ.
pub fn qcd_boundary(m_q: f64, cond: f64, lambda: f64, l: f64, eta: f64) -> [f64; 2] {
    QcdBoundary::new(eta).map(m_q, cond, lambda, l).0
}

/// The QCD boundary map at a fixed cut-off, with e^{−η}, e^{−3η} computed once (they are the
/// same for every data point, and the exponentials dominated the batch's cost).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QcdBoundary {
    eta: f64,
    e1: f64,
    e3: f64,
    /// √N_c/2π and π/√N_c.
    ka: f64,
    kb: f64,
}

impl QcdBoundary {
    /// The map at η.
    pub fn new(eta: f64) -> Self {
        let sn = libm::sqrt(N_C);
        QcdBoundary {
            eta,
            e1: libm::exp(-eta),
            e3: libm::exp(-3.0 * eta),
            ka: sn / (2.0 * core::f64::consts::PI),
            kb: core::f64::consts::PI / sn,
        }
    }

    /// (φ, π) at η for (m_q, ⟨q̄q⟩), and the Jacobian: rows (φ, π), columns (∂/∂λ, ∂/∂L).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    pub fn map(&self, m_q: f64, cond: f64, lambda: f64, l: f64) -> ([f64; 2], [[f64; 2]; 2]) {
        let QcdBoundary {
            eta,
            e1,
            e3,
            ka,
            kb,
        } = *self;
        let alpha = ka * m_q * l;
        let beta = kb * cond * l * l * l;
        let a2 = alpha * alpha;
        let a3 = a2 * alpha;
        let phi = alpha * e1 + beta * e3 - 0.5 * lambda * a3 * eta * e3;
        let pi = -alpha * e1 - (3.0 * beta + 0.5 * lambda * a3) * e3 + 1.5 * lambda * a3 * eta * e3;
        let dphi_da = e1 - 1.5 * lambda * a2 * eta * e3;
        let dphi_db = e3;
        let dphi_dl = -0.5 * a3 * eta * e3;
        let dpi_da = -e1 - 1.5 * lambda * a2 * e3 + 4.5 * lambda * a2 * eta * e3;
        let dpi_db = -3.0 * e3;
        let dpi_dl = -0.5 * a3 * e3 + 1.5 * a3 * eta * e3;
        let da_dl = ka * m_q;
        let db_dl = 3.0 * kb * cond * l * l;
        let jac = [
            [dphi_dl, dphi_da * da_dl + dphi_db * db_dl],
            [dpi_dl, dpi_da * da_dl + dpi_db * db_dl],
        ];
        ([phi, pi], jac)
    }
}

/// The network: geometry plus boundary map. Parameters are passed in, so one network can
/// evaluate many parameter sets (ensembles, finite differences).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Dimension, mass and grid.
    pub bulk: Bulk,
    /// How data enter at η_ini.
    pub boundary: Boundary,
    /// Euler sub-steps per layer (1 = the papers' network). With S > 1 each layer integrates its
    /// Δη in S steps of Δη/S with the same h_k: the same weights, a finer integrator
    /// (docs/physics.md §6), so that less discretisation error hides in the learned metric.
    #[serde(default = "one")]
    pub substeps: usize,
}

fn one() -> usize {
    1
}

/// Samples the batch-major kernel carries side by side. Each lane performs exactly the scalar
/// operations of one sample (no reassociation, no fused multiply-add), so results are bit for bit
/// those of one sample at a time; what changes is that independent samples fill the pipeline and
/// the SIMD registers (SSE2 or AVX2 natively, simd128 in wasm). Eight lanes measured fastest
/// natively (`adsdl bench`, SSE2: 3.1 ms per epoch against 3.35 ms with four); in Chromium four
/// and eight could not be told apart.
pub const LANES: usize = 8;

/// Groups the forward pass carries side by side: one group's step is a chain of dependent
/// operations (the cube of φ, then the update) that leaves the vector units idle while it waits;
/// two chains fill them.
pub const FORWARD_GROUPS: usize = 2;

/// One value per lane.
type Lanes = [f64; LANES];

/// Scratch space reused across batches so the hot loop does not allocate.
#[derive(Default, Clone, Debug)]
pub struct Workspace {
    /// Trajectories, batch-major: group g of [`LANES`] samples, after t steps, at g·stride + t,
    /// holding (φ of each lane, π of each lane).
    traj: Vec<[Lanes; 2]>,
    /// Per point: dE/dF up to the batch factor, i.e. sign(t − y)·t′(F).
    dt: Vec<f64>,
    /// Per point: Jacobian of the boundary map (QCD).
    jac: Vec<[[f64; 2]; 2]>,
    /// Points whose loss gradient is not exactly zero (the others need no backward pass).
    active: Vec<usize>,
    /// Per step and lane, the backward pass's contributions to dE/dh_k and dE/dλ, summed
    /// afterwards in the scalar order (sample by sample, last step first): two chunks' worth,
    /// one being filled while the other is summed ([`Sums`]).
    contrib: Vec<[Lanes; 2]>,
}

/// The sums of one chunk's backward pass into the gradient, in the order of one sample at a
/// time: point by point, each point's steps last first, then its boundary-map terms. The sum
/// into dE/dλ is one chain of dependent additions, 16 per point in QCD; after its own chunk's
/// backward pass it ran alone, the vector units idle (a sixth of the page's epoch in Chromium).
/// Run one point per step of the next chunk's backward pass, it overlaps with that pass (the
/// page's epoch ~5 % faster, old and new module alternately in one page; natively no change).
/// The order of the additions into each sum is unchanged, so are the bits.
#[derive(Default)]
struct Sums {
    /// The chunk's points (their Jacobians' indices) and how many.
    points: [usize; LANES],
    len: usize,
    /// (gφ, gπ) of each lane at η_ini, for the boundary-map terms.
    g: [Lanes; 2],
    /// The next point to sum.
    lane: usize,
}

impl Sums {
    fn new(chunk: &[usize], g: [Lanes; 2]) -> Self {
        let mut points = [0; LANES];
        points[..chunk.len()].copy_from_slice(chunk);
        Sums {
            points,
            len: chunk.len(),
            g,
            lane: 0,
        }
    }

    /// The sums of up to `n` points: −contributions into dE/dh (`h`), +contributions into
    /// (dE/dλ, dE/dL) (`acc`). `contrib` holds the chunk's steps, `sub` sub-steps per layer.
    #[inline(always)]
    fn run(
        &mut self,
        n: usize,
        contrib: &[[Lanes; 2]],
        jac: &[[[f64; 2]; 2]],
        sub: usize,
        h: &mut [f64],
        acc: &mut [f64; 2],
    ) {
        let end = self.len.min(self.lane.saturating_add(n));
        for l in self.lane..end {
            if sub == 1 {
                for (g, c) in h.iter_mut().zip(contrib).rev() {
                    *g -= c[0][l];
                    acc[0] += c[1][l];
                }
            } else {
                for (idx, c) in contrib.iter().enumerate().rev() {
                    h[idx / sub] -= c[0][l];
                    acc[0] += c[1][l];
                }
            }
            if let Some(j) = jac.get(self.points[l]) {
                let [gphi, gpi] = [self.g[0][l], self.g[1][l]];
                acc[0] += gphi * j[0][0] + gpi * j[1][0];
                acc[1] += gphi * j[0][1] + gpi * j[1][1];
            }
        }
        self.lane = end;
    }
}

/// Result of evaluating one batch: the data part of the loss and per-point outputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchLoss {
    /// (mean |t − y|)².
    pub data_loss: f64,
    /// mean |t − y|.
    pub mean_abs: f64,
}

impl Network {
    /// (φ, π) at η_ini for a data point.
    pub fn input(&self, p: &Params, x: [f64; 2]) -> [f64; 2] {
        match self.boundary {
            Boundary::Field => x,
            Boundary::Qcd => qcd_boundary(x[0], x[1], p.lambda, p.ads_radius, self.bulk.eta_ini),
        }
    }

    /// One layer (docs/physics.md §2): φ ← φ + Δη π, π ← π − Δη (h_k π − m² φ − λ φ³), both on the old state.
    #[inline(always)]
    fn layer(&self, s: [f64; 2], h: f64, lambda: f64, deta: f64) -> [f64; 2] {
        let [phi, pi] = s;
        [
            phi + deta * pi,
            pi - deta * (h * pi - self.bulk.m2 * phi - lambda * phi * phi * phi),
        ]
    }

    /// Propagate a data point to η_fin; returns (φ, π) there. F = π(η_fin).
    pub fn forward(&self, p: &Params, x: [f64; 2]) -> [f64; 2] {
        let (sub, step) = self.step();
        let mut s = self.input(p, x);
        for &h in &p.h {
            for _ in 0..sub {
                s = self.layer(s, h, p.lambda, step);
            }
        }
        s
    }

    /// Sub-steps per layer and the Euler step Δη/S.
    fn step(&self) -> (usize, f64) {
        let sub = self.substeps.max(1);
        (sub, self.bulk.deta() / sub as f64)
    }

    /// One point's output t(F) and its exact gradient with respect to (h_0 … h_{N−1}, λ, L), by
    /// reverse mode through the layers and the boundary map (L's entry is 0 without the QCD map).
    /// The per-point Jacobian behind [`crate::observables::determined`].
    pub fn point_gradient(&self, p: &Params, x: [f64; 2]) -> (f64, Vec<f64>) {
        let n = p.h.len();
        let (sub, deta) = self.step();
        let (m2, lam) = (self.bulk.m2, p.lambda);
        let (mut s, jac) = match self.qcd_map() {
            Some(b) => {
                let (s, j) = b.map(x[0], x[1], lam, p.ads_radius);
                (s, Some(j))
            }
            None => (x, None),
        };
        let mut tr = Vec::with_capacity(n * sub + 1);
        tr.push(s);
        for &h in &p.h {
            for _ in 0..sub {
                s = self.layer(s, h, lam, deta);
                tr.push(s);
            }
        }
        let (t, slope) = t_and_slope(s[1]);
        let mut g = vec![0.0; n + 2];
        let (mut gphi, mut gpi) = (0.0, slope);
        for idx in (0..n * sub).rev() {
            let k = idx / sub;
            let a = adjoint_step(tr[idx], [gphi, gpi], p.h[k], lam, m2, deta);
            [gphi, gpi] = a.g;
            g[k] -= a.dh;
            g[n] += a.dlambda;
        }
        if let Some(j) = jac {
            g[n] += gphi * j[0][0] + gpi * j[1][0];
            g[n + 1] += gphi * j[0][1] + gpi * j[1][1];
        }
        (t, g)
    }

    /// Explicit Euler through every layer for [`LANES`] samples at once; `record(t, φ, π)` sees
    /// the state after each step t = 1 … N·S. The arithmetic is [`Network::layer`]'s, lane by lane.
    #[inline(always)]
    fn propagate<const G: usize>(
        &self,
        h: &[f64],
        lambda: f64,
        s: &mut [[Lanes; 2]; G],
        mut record: impl FnMut(usize, &[[Lanes; 2]; G]),
    ) {
        let (sub, deta) = self.step();
        let m2 = self.bulk.m2;
        let mut t = 0;
        for &hk in h {
            for _ in 0..sub {
                for [phi, pi] in s.iter_mut() {
                    for l in 0..LANES {
                        let (a, b) = (phi[l], pi[l]);
                        phi[l] = a + deta * b;
                        pi[l] = b - deta * (hk * b - m2 * a - lambda * a * a * a);
                    }
                }
                t += 1;
                record(t, s);
            }
        }
    }

    /// The inputs of one group of samples at η_ini, lanes beyond the chunk repeating its last
    /// sample (they are computed and ignored). With the QCD map, the chunk's Jacobians are pushed.
    /// Natively it is inlined into each kernel, where the lane loop is vectorised at the kernel's
    /// width: as a scalar call it took a tenth of an epoch, and inlined an epoch is ~10 % faster
    /// (`adsdl bench`, old and new binary alternately). In the page's wasm, inlined, `App.bench`
    /// was ~20 % slower (old and new module alternately in one page, 15 of 16 rounds), so there
    /// it stays a call. Each lane does the scalar map's operations in its order: the bits do not
    /// change.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn group_input(
        &self,
        p: &Params,
        qcd: Option<&QcdBoundary>,
        chunk: &[Sample],
        jac: Option<&mut Vec<[[f64; 2]; 2]>>,
    ) -> (Lanes, Lanes) {
        let (mut x0, mut x1) = ([0.0; LANES], [0.0; LANES]);
        for l in 0..LANES {
            let smp = chunk[l.min(chunk.len() - 1)];
            x0[l] = smp.x[0];
            x1[l] = smp.x[1];
        }
        let Some(b) = qcd else {
            return (x0, x1);
        };
        let (mut phi, mut pi) = ([0.0; LANES], [0.0; LANES]);
        let mut jacs = [[[0.0; 2]; 2]; LANES];
        for l in 0..LANES {
            let (s, j) = b.map(x0[l], x1[l], p.lambda, p.ads_radius);
            phi[l] = s[0];
            pi[l] = s[1];
            jacs[l] = j;
        }
        if let Some(out) = jac {
            out.extend_from_slice(&jacs[..chunk.len()]);
        }
        (phi, pi)
    }

    /// `G` groups of samples from η_ini through every layer side by side, their trajectories
    /// recorded in `traj` (group g's at g·`stride`), each with t(F) and t′(F) of its lanes.
    #[inline(always)]
    fn forward_groups<'a, T: Tanh16, const G: usize>(
        &self,
        p: &Params,
        qcd: Option<&QcdBoundary>,
        chunks: [&'a [Sample]; G],
        traj: &mut [[Lanes; 2]],
        stride: usize,
        jac: &mut Vec<[[f64; 2]; 2]>,
    ) -> [(&'a [Sample], (Lanes, Lanes)); G] {
        let mut st = chunks.map(|c| {
            let (phi, pi) = self.group_input(p, qcd, c, Some(jac));
            [phi, pi]
        });
        for (g, s) in st.iter().enumerate() {
            traj[g * stride] = *s;
        }
        self.propagate(&p.h, p.lambda, &mut st, |t, s| {
            for (g, s) in s.iter().enumerate() {
                traj[g * stride + t] = *s;
            }
        });
        std::array::from_fn(|g| (chunks[g], t_and_slope_lanes::<T>(&st[g][1])))
    }

    fn qcd_map(&self) -> Option<QcdBoundary> {
        (self.boundary == Boundary::Qcd).then(|| QcdBoundary::new(self.bulk.eta_ini))
    }

    /// Data loss E_data = (mean_B |t(F_i) − y_i|)² of a batch (docs/physics.md §2), without gradients.
    pub fn batch_loss(&self, p: &Params, batch: &[Sample]) -> BatchLoss {
        self.batch_loss_with(Kernel::current(), p, batch)
    }

    /// [`Network::batch_loss`] with the given kernel, which the CPU must run.
    fn batch_loss_with(&self, k: Kernel, p: &Params, batch: &[Sample]) -> BatchLoss {
        match k {
            // SAFETY (both): `Kernel::current` and the tests choose only kernels the CPU runs.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { self.batch_loss_avx2(p, batch) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Sse41 => unsafe { self.batch_loss_sse41(p, batch) },
            _ => self.batch_loss_portable::<Portable>(p, batch),
        }
    }

    /// [`Network::batch_loss`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn batch_loss_avx2(&self, p: &Params, batch: &[Sample]) -> BatchLoss {
        self.batch_loss_portable::<Avx2>(p, batch)
    }

    /// [`Network::batch_loss`] compiled for SSE4.1.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse4.1")]
    unsafe fn batch_loss_sse41(&self, p: &Params, batch: &[Sample]) -> BatchLoss {
        self.batch_loss_portable::<Sse41>(p, batch)
    }

    #[inline(always)]
    fn batch_loss_portable<T: Tanh16>(&self, p: &Params, batch: &[Sample]) -> BatchLoss {
        let qcd = self.qcd_map();
        let mut sum = 0.0;
        for chunk in batch.chunks(LANES) {
            let (phi, pi) = self.group_input(p, qcd.as_ref(), chunk, None);
            let mut st = [[phi, pi]];
            self.propagate(&p.h, p.lambda, &mut st, |_, _| {});
            let (t, _) = t_and_slope_lanes::<T>(&st[0][1]);
            // Summed in sample order, as one sample at a time would.
            for (l, smp) in chunk.iter().enumerate() {
                sum += (t[l] - smp.y).abs();
            }
        }
        let mean_abs = sum / batch.len().max(1) as f64;
        BatchLoss {
            data_loss: mean_abs * mean_abs,
            mean_abs,
        }
    }

    /// Data loss of a batch and its exact gradient, ADDED to `grad` (reverse mode through the
    /// layers and the boundary map). λ always gets its in-layer gradient, and with the QCD
    /// boundary map λ and L also get theirs through (4.1); whether they are trained is the
    /// trainer's mask, not this function's business.
    ///
    /// Batch-major: [`LANES`] samples go through the layers together, forward and backward; every
    /// sum runs in the order of one sample at a time, so the result is bit for bit that of the
    /// scalar reference (`tests::scalar_reference`).
    pub fn batch_loss_grad(
        &self,
        p: &Params,
        batch: &[Sample],
        grad: &mut Params,
        ws: &mut Workspace,
    ) -> BatchLoss {
        self.batch_loss_grad_with(Kernel::current(), p, batch, grad, ws)
    }

    /// [`Network::batch_loss_grad`] with the given kernel, which the CPU must run.
    fn batch_loss_grad_with(
        &self,
        k: Kernel,
        p: &Params,
        batch: &[Sample],
        grad: &mut Params,
        ws: &mut Workspace,
    ) -> BatchLoss {
        match k {
            // SAFETY (both): `Kernel::current` and the tests choose only kernels the CPU runs.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { self.batch_loss_grad_avx2(p, batch, grad, ws) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Sse41 => unsafe { self.batch_loss_grad_sse41(p, batch, grad, ws) },
            _ => self.batch_loss_grad_portable::<Portable>(p, batch, grad, ws),
        }
    }

    /// [`Network::batch_loss_grad`] compiled for AVX2: twice the lanes per instruction of the
    /// baseline SSE2. Same operations in the same order, so the same bits (Rust never fuses a
    /// multiply and an add on its own).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn batch_loss_grad_avx2(
        &self,
        p: &Params,
        batch: &[Sample],
        grad: &mut Params,
        ws: &mut Workspace,
    ) -> BatchLoss {
        self.batch_loss_grad_portable::<Avx2>(p, batch, grad, ws)
    }

    /// [`Network::batch_loss_grad`] compiled for SSE4.1: the page's vector width, natively.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse4.1")]
    unsafe fn batch_loss_grad_sse41(
        &self,
        p: &Params,
        batch: &[Sample],
        grad: &mut Params,
        ws: &mut Workspace,
    ) -> BatchLoss {
        self.batch_loss_grad_portable::<Sse41>(p, batch, grad, ws)
    }

    /// The kernel for whatever vector width the compilation target has (SSE2 natively, simd128
    /// in the page's wasm).
    #[inline(always)]
    fn batch_loss_grad_portable<T: Tanh16>(
        &self,
        p: &Params,
        batch: &[Sample],
        grad: &mut Params,
        ws: &mut Workspace,
    ) -> BatchLoss {
        let (sub, deta) = self.step();
        let steps = p.h.len() * sub;
        let stride = steps + 1;
        let (m2, lam) = (self.bulk.m2, p.lambda);
        let qcd = self.qcd_map();
        // Every entry a group uses is written before it is read: only grow, never clear.
        let need = batch.len().div_ceil(LANES) * stride;
        if ws.traj.len() < need {
            ws.traj.resize(need, [[0.0; LANES]; 2]);
        }
        ws.dt.clear();
        ws.jac.clear();
        let mut sum = 0.0;
        let mut groups = batch.chunks(LANES);
        let mut g = 0;
        while groups.len() > 0 {
            let tr = &mut ws.traj[g * stride..];
            let jac = &mut ws.jac;
            // Groups side by side through the layers (see [`FORWARD_GROUPS`]), the last few
            // one at a time.
            let outs: &[_] = if groups.len() >= FORWARD_GROUPS {
                let chunks = std::array::from_fn(|_| groups.next().unwrap_or_default());
                &self.forward_groups::<T, FORWARD_GROUPS>(p, qcd.as_ref(), chunks, tr, stride, jac)
            } else {
                let chunks = [groups.next().unwrap_or_default()];
                &self.forward_groups::<T, 1>(p, qcd.as_ref(), chunks, tr, stride, jac)
            };
            for (chunk, (ts, slopes)) in outs {
                g += 1;
                for (l, smp) in chunk.iter().enumerate() {
                    let (t, slope) = (ts[l], slopes[l]);
                    let diff = t - smp.y;
                    sum += diff.abs();
                    // sign(0) = 0, as torch.abs.
                    let sign = if diff > 0.0 {
                        1.0
                    } else if diff < 0.0 {
                        -1.0
                    } else {
                        0.0
                    };
                    ws.dt.push(sign * slope);
                }
            }
        }
        let bsz = batch.len().max(1) as f64;
        let mean_abs = sum / bsz;
        // E = M², dE/dt_i = 2M sign(t_i − y_i)/B.
        let scale = 2.0 * mean_abs / bsz;
        // Points far outside the band have t′ = 0 exactly (tanh saturates): no backward pass.
        ws.active.clear();
        ws.active
            .extend((0..batch.len()).filter(|&i| scale * ws.dt[i] != 0.0));
        // Two buffers of contributions: a chunk's are summed while the next chunk's backward
        // pass fills the other (see [`Sums`]).
        ws.contrib.resize(2 * steps, [[0.0; LANES]; 2]);
        let (mut cur, mut prev) = ws.contrib.split_at_mut(steps);
        let mut sums = Sums::default();
        let mut acc = [grad.lambda, grad.ads_radius];
        for chunk in ws.active.chunks(LANES) {
            // Lanes beyond the chunk re-run its first point with a zero gradient, ignored below.
            let lane_point = |l: usize| chunk[if l < chunk.len() { l } else { 0 }];
            let whole_group = (chunk.len() == LANES
                && chunk[0] % LANES == 0
                && chunk[LANES - 1] == chunk[0] + LANES - 1)
                .then_some(chunk[0] / LANES);
            let mut gphi = [0.0; LANES];
            let mut gpi: Lanes = std::array::from_fn(|l| {
                if l < chunk.len() {
                    scale * ws.dt[chunk[l]]
                } else {
                    0.0
                }
            });
            // The previous chunk's points, spread over this chunk's steps.
            let per_step = sums.len.div_ceil(steps);
            for idx in (0..steps).rev() {
                let hk = p.h[if sub == 1 { idx } else { idx / sub }];
                let [phi, pi] = match whole_group {
                    // The common case (every point of a group active): its stored lanes as they are.
                    Some(g) => ws.traj[g * stride + idx],
                    None => {
                        let at = |l: usize, part: usize| {
                            let i = lane_point(l);
                            ws.traj[(i / LANES) * stride + idx][part][i % LANES]
                        };
                        [
                            std::array::from_fn(|l| at(l, 0)),
                            std::array::from_fn(|l| at(l, 1)),
                        ]
                    }
                };
                let c = &mut cur[idx];
                for l in 0..LANES {
                    let a = adjoint_step([phi[l], pi[l]], [gphi[l], gpi[l]], hk, lam, m2, deta);
                    [gphi[l], gpi[l]] = a.g;
                    c[0][l] = a.dh;
                    c[1][l] = a.dlambda;
                }
                sums.run(per_step, prev, &ws.jac, sub, &mut grad.h, &mut acc);
            }
            std::mem::swap(&mut cur, &mut prev);
            sums = Sums::new(chunk, [gphi, gpi]);
        }
        sums.run(usize::MAX, prev, &ws.jac, sub, &mut grad.h, &mut acc);
        [grad.lambda, grad.ads_radius] = acc;
        BatchLoss {
            data_loss: mean_abs * mean_abs,
            mean_abs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The kernel as it was written first, one sample at a time: the batch-major kernel must
    /// reproduce it bit for bit (that is what keeps the golden run and native = wasm).
    fn scalar_reference(net: &Network, p: &Params, batch: &[Sample], grad: &mut Params) -> f64 {
        let n = p.h.len();
        let (sub, deta) = net.step();
        let (m2, lam) = (net.bulk.m2, p.lambda);
        let mut trajs = Vec::new();
        let mut dts = Vec::new();
        let mut jacs = Vec::new();
        let mut sum = 0.0;
        for smp in batch {
            let mut s = match net.boundary {
                Boundary::Qcd => {
                    let (s, jac) = QcdBoundary::new(net.bulk.eta_ini).map(
                        smp.x[0],
                        smp.x[1],
                        lam,
                        p.ads_radius,
                    );
                    jacs.push(jac);
                    s
                }
                Boundary::Field => smp.x,
            };
            let mut tr = vec![s];
            for &h in &p.h {
                for _ in 0..sub {
                    s = net.layer(s, h, lam, deta);
                    tr.push(s);
                }
            }
            let (t, slope) = t_and_slope(s[1]);
            let diff = t - smp.y;
            sum += diff.abs();
            dts.push(if diff == 0.0 {
                0.0
            } else {
                diff.signum() * slope
            });
            trajs.push(tr);
        }
        let mean_abs = sum / batch.len() as f64;
        let scale = 2.0 * mean_abs / batch.len() as f64;
        for (i, tr) in trajs.iter().enumerate() {
            let gf = scale * dts[i];
            if gf == 0.0 {
                continue;
            }
            let (mut gphi, mut gpi) = (0.0, gf);
            for idx in (0..n * sub).rev() {
                let k = idx / sub;
                let [phi, pi] = tr[idx];
                let phi2 = phi * phi;
                grad.h[k] -= gpi * deta * pi;
                grad.lambda += gpi * deta * phi2 * phi;
                let new_gphi = gphi + gpi * deta * (m2 + 3.0 * lam * phi2);
                let new_gpi = gphi * deta + gpi * (1.0 - deta * p.h[k]);
                gphi = new_gphi;
                gpi = new_gpi;
            }
            if let Some(jac) = jacs.get(i) {
                grad.lambda += gphi * jac[0][0] + gpi * jac[1][0];
                grad.ads_radius += gphi * jac[0][1] + gpi * jac[1][1];
            }
        }
        mean_abs * mean_abs
    }

    fn bits(p: &Params) -> Vec<u64> {
        p.h.iter()
            .chain([&p.lambda, &p.ads_radius])
            .map(|v| v.to_bits())
            .collect()
    }

    #[test]
    fn batch_major_kernel_is_bit_identical_to_one_sample_at_a_time() {
        let mut rng = Rng::new(11, 0);
        // The systems' own networks: QCD's boundary map, and the field boundary of AdS.
        let qcd = crate::systems::qcd::ID.system().probe().unwrap().network();
        let field = crate::systems::ads_schwarzschild::ID
            .system()
            .probe()
            .unwrap()
            .network();
        assert_eq!(
            (qcd.boundary, field.boundary),
            (Boundary::Qcd, Boundary::Field)
        );
        let mut cases = 0;
        // One workspace through every case, as the trainer keeps one: whatever an earlier
        // batch (another size, another network) left in it must not leak into the next.
        let mut kept = Workspace::default();
        let mut kernels = std::collections::BTreeSet::new();
        for base in [qcd, field] {
            for substeps in [1, 3] {
                // Batch sizes around the lane count and the forward pass's pair of groups
                // (one pair, a pair and a single group), a full QCD batch and a ragged one.
                for size in [1, 3, 4, 5, 9, 16, 17, 100, 103] {
                    let net = Network {
                        substeps,
                        ..base.clone()
                    };
                    let n = net.bulk.layers;
                    let p = Params {
                        h: (0..n).map(|_| rng.range(-2.0, 6.0)).collect(),
                        lambda: rng.range(-0.5, 0.5),
                        ads_radius: rng.range(2.0, 5.0),
                    };
                    // Inputs spread so that some points land in the band, some on its slopes.
                    let batch: Vec<Sample> = (0..size)
                        .map(|_| Sample {
                            x: match net.boundary {
                                Boundary::Qcd => [rng.range(0.0, 0.05), rng.range(0.0, 0.03)],
                                Boundary::Field => [rng.range(-1.0, 1.0), rng.range(-0.5, 0.5)],
                            },
                            y: if rng.uniform() < 0.5 { 0.0 } else { 1.0 },
                        })
                        .collect();
                    let mut want = p.zeros_like();
                    let loss_want = scalar_reference(&net, &p, &batch, &mut want);
                    // Every kernel this CPU runs, each with a fresh workspace and with the one
                    // kept through every case.
                    for k in Kernel::ALL.into_iter().filter(|k| k.available()) {
                        let mut got = p.zeros_like();
                        let ws = &mut Workspace::default();
                        let loss = net.batch_loss_grad_with(k, &p, &batch, &mut got, ws);
                        let tag = format!("{k:?}, substeps {substeps}, batch {size}");
                        assert_eq!(loss.data_loss.to_bits(), loss_want.to_bits(), "{tag}");
                        assert_eq!(bits(&got), bits(&want), "{tag}");
                        let mut again = p.zeros_like();
                        net.batch_loss_grad_with(k, &p, &batch, &mut again, &mut kept);
                        assert_eq!(bits(&again), bits(&want), "kept workspace, {tag}");
                        let loss = net.batch_loss_with(k, &p, &batch);
                        assert_eq!(loss.data_loss.to_bits(), loss_want.to_bits(), "{tag}");
                        kernels.insert(k.name());
                    }
                    cases += usize::from(want.h.iter().any(|&g| g != 0.0));
                }
            }
        }
        // The comparison means something only where gradients flow.
        assert!(cases >= 16, "only {cases} cases had a non-zero gradient");
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            assert_eq!(kernels.len(), 3, "{kernels:?}");
        }
    }

    #[test]
    fn t_is_a_band_indicator() {
        assert!(t_of_f(0.0) < 1e-8);
        assert!(t_of_f(0.05) < 1e-2);
        assert!((t_of_f(0.1) - 0.5).abs() < 1e-6);
        assert!((t_of_f(-0.1) - 0.5).abs() < 1e-6);
        assert!(t_of_f(0.3) > 1.0 - 1e-8);
        assert!(t_of_f(-3.0) > 1.0 - 1e-8);
    }

    #[test]
    fn slope_of_t_matches_finite_difference() {
        for &f in &[-0.2, -0.11, -0.1, -0.05, 0.0, 0.03, 0.095, 0.12] {
            let e = 1e-6;
            let fd = (t_of_f(f + e) - t_of_f(f - e)) / (2.0 * e);
            assert!(
                (fd - t_and_slope(f).1).abs() <= 1e-6 * (1.0 + fd.abs()),
                "F={f}: {fd} vs {}",
                t_and_slope(f).1
            );
        }
    }

    #[test]
    /// Every entry relative to itself: ∂φ/∂λ is ~6·10⁻⁹ at P2's masses, below any absolute
    /// floor, and an error of 10 % in it must fail. φ and π are linear in λ, so the central
    /// difference in λ is exact up to rounding (a large step keeps that small); in L the step is
    /// small.
    fn boundary_jacobian_matches_finite_difference() {
        for (m, c, lam, l, eta) in [(0.01, 0.05, 0.7, 2.3, 1.0), (0.3, 0.02, -0.4, 3.4, 1.0)] {
            let (_, jac) = QcdBoundary::new(eta).map(m, c, lam, l);
            let fd = |dl: f64, dr: f64| {
                let (a, b) = (
                    qcd_boundary(m, c, lam + dl, l + dr, eta),
                    qcd_boundary(m, c, lam - dl, l - dr, eta),
                );
                let e = dl + dr;
                [(a[0] - b[0]) / (2.0 * e), (a[1] - b[1]) / (2.0 * e)]
            };
            let (by_lambda, by_l) = (fd(1e-2, 0.0), fd(0.0, 1e-6));
            for (out, row) in jac.iter().enumerate() {
                for (fd, an, what) in [(by_lambda[out], row[0], "λ"), (by_l[out], row[1], "L")] {
                    assert!(
                        an != 0.0 && (fd - an).abs() < 1e-6 * an.abs(),
                        "m {m}: ∂{}/∂{what}: {an} against finite differences {fd}",
                        ["φ", "π"][out]
                    );
                }
            }
        }
    }

    #[test]
    fn qcd_boundary_pi_is_the_eta_derivative_of_phi() {
        let (m, c, lam, l) = (0.02, 0.1, 0.5, 3.0);
        let e = 1e-6;
        let d = (qcd_boundary(m, c, lam, l, 1.0 + e)[0] - qcd_boundary(m, c, lam, l, 1.0 - e)[0])
            / (2.0 * e);
        assert!((d - qcd_boundary(m, c, lam, l, 1.0)[1]).abs() < 1e-8);
    }
}
