//! The bulk network and everything it is made of: grid, layer map and its adjoint, boundary map,
//! regularisers, presets and data. Nothing here knows that a browser exists.

pub mod lattice;
pub mod network;
pub mod presets;
pub mod regularizer;

pub use network::{t_of_f, Boundary, Bulk, Network, Params, Sample, Workspace};
pub use presets::{Preset, PresetId, RegChoice};
pub use regularizer::Regularizer;
