#![warn(missing_docs)]
//! # adsdl — watch a neural network learn the shape of spacetime
//!
//! The network of Hashimoto, Sugishita, Tanaka and Tomiya (arXiv:1802.08313, arXiv:1809.10536):
//! its layers are the discretised radial direction η of a holographic black-hole spacetime, its
//! weights are the metric function h(η), and gradient descent on boundary data (for QCD: the
//! chiral condensate against the quark mass) makes a metric emerge — with a horizon and, for QCD,
//! a confining wall.
//!
//! Data flow one way: preset → data → [`train::Trainer::step`] → parameters → charts.
//!
//! - [`physics`]: grid, layer map and its exact adjoint, boundary map, regularisers, presets, data.
//! - [`train`]: configuration, optimisers, recipes, the trainer.
//! - [`model_file`]: the versioned JSON model format shared by the page and the CLI.
//! - [`charts`]: plotters charts, generic over the drawing backend (canvas in the page, SVG in the CLI).
//! - `web` (wasm32 only): the thin `#[wasm_bindgen]` boundary.

pub mod charts;
pub mod model_file;
pub mod observables;
pub mod physics;
pub mod points;
pub mod rng;
pub mod serve;
pub mod train;
pub mod url_state;
#[cfg(target_arch = "wasm32")]
pub mod web;
