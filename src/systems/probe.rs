//! P2's probe-scalar network as a [`Model`]: θ = (h_0 … h_{N−1}, λ, L), the loss
//! E = (mean_B |t(F) − y|)² + E_reg of docs/physics.md §2, its exact gradient by the adjoint of
//! the layer map ([`Network::batch_loss_grad`]). QCD, AdS-Schwarzschild and your own spacetime
//! train through it; the trainer sees only the [`Model`] trait.

use super::model::{Block, LossParts, Model, Plateau};
use super::{ProbeSystem, Setup};
use crate::i18n::Msg;
use crate::physics::{Network, Params, Regularizer, Sample, Workspace};
use crate::rng::Rng;
use std::any::Any;

/// The probe-scalar network on one data set: geometry, regulariser, labelled points, and the
/// parameters it was last loaded with.
#[derive(Clone, Debug)]
pub struct ProbeModel {
    system: &'static dyn ProbeSystem,
    network: Network,
    reg: Regularizer,
    data: Vec<Sample>,
    blocks: Vec<Block>,
    params: Params,
    grad: Params,
    ws: Workspace,
    batch: Vec<Sample>,
}

/// θ's blocks: h_0 … h_{N−1} over `layers` layers, then λ and L (trained when `couplings`).
pub fn blocks(layers: usize, couplings: bool) -> Vec<Block> {
    vec![
        Block {
            name: "h",
            len: layers,
            scalar: false,
            trained: true,
        },
        Block {
            name: "lambda",
            len: 1,
            scalar: true,
            trained: couplings,
        },
        Block {
            name: "ads_radius",
            len: 1,
            scalar: true,
            trained: couplings,
        },
    ]
}

/// The model of a probe system (its [`crate::systems::System::model`]): its network with the
/// run's integrator, on its training data drawn with `rng` (docs/physics.md §2).
pub fn model(
    system: &'static dyn ProbeSystem,
    setup: &Setup,
    rng: &mut Rng,
) -> Result<Box<dyn Model>, String> {
    let mut network = system.network();
    network.substeps = setup.substeps;
    let data = system.training_data(&setup.inputs, &network, rng)?;
    Ok(Box::new(ProbeModel::new(
        system,
        network,
        setup.reg.clone(),
        data,
    )))
}

/// The blocks of a probe system's θ (its [`crate::systems::System::blocks`]).
pub fn system_blocks(system: &dyn ProbeSystem) -> Vec<Block> {
    blocks(system.network().bulk.layers, system.train_couplings())
}

/// History columns (the couplings after each epoch).
const SCALARS: [&str; 2] = ["lambda", "ads_radius"];

impl ProbeModel {
    /// The network of `system` with regulariser `reg` on labelled points `data`.
    pub fn new(
        system: &'static dyn ProbeSystem,
        network: Network,
        reg: Regularizer,
        data: Vec<Sample>,
    ) -> ProbeModel {
        let layers = network.bulk.layers;
        let blocks = blocks(layers, system.train_couplings());
        let params = Params {
            h: vec![0.0; layers],
            lambda: 0.0,
            ads_radius: 0.0,
        };
        ProbeModel {
            system,
            network,
            reg,
            data,
            blocks,
            grad: params.zeros_like(),
            params,
            ws: Workspace::default(),
            batch: Vec::new(),
        }
    }

    /// θ of parameters `p`: h, then λ, then L.
    pub fn theta_of(p: &Params) -> Vec<f64> {
        let mut t = p.h.clone();
        t.push(p.lambda);
        t.push(p.ads_radius);
        t
    }

    /// The parameters of θ.
    pub fn params_of(theta: &[f64]) -> Params {
        let n = theta.len() - 2;
        Params {
            h: theta[..n].to_vec(),
            lambda: theta[n],
            ads_radius: theta[n + 1],
        }
    }

    /// The parameters last loaded.
    pub fn params(&self) -> &Params {
        &self.params
    }
    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// The labelled training points.
    pub fn data(&self) -> &[Sample] {
        &self.data
    }
    /// The regulariser.
    pub fn regularizer(&self) -> &Regularizer {
        &self.reg
    }

    /// The loss over `points` evaluated as ONE batch, and E_reg, at the loaded parameters.
    pub fn loss_on(&self, points: &[Sample]) -> LossParts {
        LossParts {
            data: self.network.batch_loss(&self.params, points).data_loss,
            reg: self.reg.loss_grad(&self.network.bulk, &self.params, None),
        }
    }
}

impl Model for ProbeModel {
    fn blocks(&self) -> &[Block] {
        &self.blocks
    }
    fn items(&self) -> usize {
        self.data.len()
    }
    fn init(&self, rng: &mut Rng) -> Vec<f64> {
        ProbeModel::theta_of(&self.system.init_params(&self.network, rng))
    }
    fn load(&mut self, theta: &[f64]) {
        let n = self.params.h.len();
        self.params.h.copy_from_slice(&theta[..n]);
        self.params.lambda = theta[n];
        self.params.ads_radius = theta[n + 1];
    }
    fn loss_grad(&mut self, batch: &[usize], grad: &mut [f64]) -> LossParts {
        self.batch.clear();
        self.batch.extend(batch.iter().map(|&i| self.data[i]));
        self.grad.clear();
        let data = self
            .network
            .batch_loss_grad(&self.params, &self.batch, &mut self.grad, &mut self.ws)
            .data_loss;
        let reg = self
            .reg
            .loss_grad(&self.network.bulk, &self.params, Some(&mut self.grad));
        let n = self.grad.h.len();
        grad[..n].copy_from_slice(&self.grad.h);
        grad[n] = self.grad.lambda;
        grad[n + 1] = self.grad.ads_radius;
        LossParts { data, reg }
    }
    fn full_loss(&self) -> LossParts {
        self.loss_on(&self.data)
    }
    fn scalar_names(&self) -> &'static [&'static str] {
        &SCALARS
    }
    fn scalars(&self) -> Vec<f64> {
        vec![self.params.lambda, self.params.ads_radius]
    }
    fn keep_loss(&self) -> f64 {
        self.system.keep_loss()
    }
    fn failure(&self, epochs: usize, loss: f64) -> Option<Msg> {
        self.system.failure(epochs, &self.params, loss)
    }
    fn plateau(&self) -> Option<Plateau> {
        self.system.plateau()
    }
    fn published_shape(&self) -> Option<bool> {
        self.system.published_shape(&self.params.h)
    }
    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Draw until both classes hold `per_class` points; positives first, then negatives
/// (the trainer shuffles). `draw` returns a point and whether it is positive.
/// `None` when a class stays too rare to fill (a curve or metric whose band leaves the box).
pub fn collect_balanced(
    per_class: usize,
    mut draw: impl FnMut() -> ([f64; 2], bool),
) -> Option<Vec<Sample>> {
    let (mut pos, mut neg) = (Vec::with_capacity(per_class), Vec::with_capacity(per_class));
    // P1's positives are ~2.5 % of draws, P2's ~10 %: a thousandfold margin.
    let max_draws = 40_000 * per_class as u64 + 1_000_000;
    let mut draws = 0u64;
    while pos.len() < per_class || neg.len() < per_class {
        draws += 1;
        if draws > max_draws {
            return None;
        }
        // A hopeless curve (one a class never or almost never hits: data of absurd magnitude,
        // 1e-308) is given up once the rate seen says the budget would run out twice over, not
        // after all 4·10⁷ draws (that was 40 s on a phone's main thread). A curve that succeeds
        // within the budget is untouched: its rate projects well inside it.
        if draws.is_multiple_of(65_536) {
            let short = |have: usize| {
                let need = (per_class - have.min(per_class)) as f64;
                need > 0.0
                    && (have == 0
                        || draws as f64 * (1.0 + need / have as f64) > 2.0 * max_draws as f64)
            };
            if draws >= 131_072 && (short(pos.len()) || short(neg.len())) {
                return None;
            }
        }
        let (x, positive) = draw();
        if positive && pos.len() < per_class {
            pos.push(Sample { x, y: 0.0 });
        } else if !positive && neg.len() < per_class {
            neg.push(Sample { x, y: 1.0 });
        }
    }
    pos.extend(neg);
    Some(pos)
}

/// Data of a system whose inputs are the field (φ, π) at η_ini (docs/physics.md §3): uniform in
/// `bx`, labelled positive when the forward pass through the true metric ends in the band.
pub fn field_data(
    network: &Network,
    truth: &Params,
    bx: [[f64; 2]; 2],
    per_class: usize,
    rng: &mut Rng,
) -> Option<Vec<Sample>> {
    collect_balanced(per_class, || {
        let x = [rng.range(bx[0][0], bx[0][1]), rng.range(bx[1][0], bx[1][1])];
        let f = network.forward(truth, x)[1];
        (x, f.abs() < 0.1)
    })
}
