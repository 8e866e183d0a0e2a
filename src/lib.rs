#![warn(missing_docs)]
//! # adsdl — watch a neural network learn the shape of spacetime
//!
//! The network of Hashimoto, Sugishita, Tanaka and Tomiya (arXiv:1802.08313, arXiv:1809.10536):
//! its layers are the discretised radial direction η of a holographic black-hole spacetime, its
//! weights are the metric function h(η), and gradient descent on boundary data (for QCD: the
//! chiral condensate against the quark mass) makes a metric emerge — with a horizon and, for QCD,
//! a confining wall. The physics, in this project's words: `docs/physics.md`.
//!
//! Data flow one way: system → data → [`train::Trainer::step`] → parameters → observables → charts.
//! The modules form layers, and each uses only those below it (`tests/layers.rs` fails on an
//! import that runs up): `i18n`, `rng`, `stats`, `chart_kind` → `error` → `physics` → `points` →
//! `observables` → `systems` → `settings` → `train` → `charts`, `model_file` → `url_state` →
//! `serve`, `web` (and the CLI on top).
//!
//! - [`physics`]: grid, layer map and its exact adjoint, boundary maps, regularisers, polynomials.
//! - [`systems`]: the physical systems as plug-ins (QCD, AdS-Schwarzschild, your own spacetime)
//!   and their registry.
//! - [`settings`]: every setting declared once — URL key, CLI flag, page control, range, help.
//! - [`train`]: configuration, optimisers, recipes, the trainer, ensembles.
//! - [`observables`]: f, g from a learned metric and the quark–antiquark potential V(d).
//! - [`stats`]: mean ± sd over runs.
//! - [`i18n`]: the page's and the charts' words in English and Japanese, one table per language.
//! - [`error`]: rejected inputs with their place (line and column, point, key) as data.
//! - [`points`]: CSV readers for points and measurements.
//! - [`model_file`]: the versioned JSON model format shared by the page and the CLI.
//! - [`url_state`]: the page's state as a link.
//! - [`chart_kind`]: the list of charts (systems name theirs, settings choose, charts draw).
//! - [`charts`]: plotters charts, generic over the drawing backend (canvas in the page, SVG in the CLI).
//! - [`rng`]: the seeded random streams (same bits natively and in wasm).
//! - `serve` (native only): the CLI's static file server.
//! - `web` (wasm32 only): the thin `#[wasm_bindgen]` boundary.

pub mod chart_kind;
pub mod charts;
pub mod error;
pub mod files;
pub mod i18n;
pub mod model_file;
pub mod observables;
pub mod physics;
pub mod points;
pub mod rng;
#[cfg(not(target_arch = "wasm32"))]
pub mod serve;
pub mod settings;
pub mod stats;
pub mod systems;
pub mod train;
pub mod url_state;
#[cfg(target_arch = "wasm32")]
pub mod web;
