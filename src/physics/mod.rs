//! The bulk network and what it is made of: grid, layer map and its adjoint, boundary maps,
//! regularisers. Nothing here knows which system it models, nor that a browser exists.

pub mod network;
pub mod poly;
pub mod regularizer;
pub mod tanh;

pub use network::{t_of_f, Boundary, Bulk, Kernel, Network, Params, Sample, Workspace};
pub use regularizer::{RegChoice, Regularizer};

/// ħc in GeV·fm, to turn lengths in GeV⁻¹ into fm.
pub const HBAR_C_GEV_FM: f64 = 0.197_326_98;
