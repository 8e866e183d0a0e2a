//! The seam between a system and the trainer: a [`Model`] is a parameter vector θ in named
//! blocks, a loss with its exact gradient on a batch of training items and on all of them, and
//! the few facts the training recipe asks of it. The trainer (optimiser, recipe, divergence guard,
//! history, sessions, snapshots) is written once against this trait and never learns which
//! network it trains: P2's probe-scalar network is one implementation
//! ([`crate::systems::probe::ProbeModel`]); a system with another loss (eigenvalues of a
//! Schrödinger problem, a free energy) brings its own.
//!
//! The split follows argmin's `CostFunction`/`Gradient`: the model knows its loss, the trainer
//! knows how to descend it.

use crate::i18n::Msg;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

/// One named block of θ, in the order the blocks are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Its name in sessions, snapshots and model files (`"h"`, `"lambda"`, …).
    pub name: &'static str,
    /// Number of values.
    pub len: usize,
    /// A single number (stored as a number, not a one-element list).
    pub scalar: bool,
    /// Whether the optimiser moves it (else it keeps its initial value).
    pub trained: bool,
}

/// A loss split into its parts, over a set of items.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossParts {
    /// The data term.
    pub data: f64,
    /// The regulariser E_reg.
    pub reg: f64,
}

impl LossParts {
    /// data + reg.
    pub fn total(&self) -> f64 {
        self.data + self.reg
    }
}

/// A loss plateau of a system's training (docs/physics.md §4): where runs spend most of their
/// epochs before the answer forms, crossed faster at a raised rate under the fast recipe.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plateau {
    /// Factor on the learning rate while on the plateau.
    pub factor: f64,
    /// The plateau ends once an epoch's mean loss is at or below this.
    pub until_loss: f64,
}

/// A trainable model: the loss of one system's reconstruction and its exact gradient.
///
/// The trainer owns θ (a flat vector laid out as [`Model::blocks`]) and hands it over with
/// [`Model::load`] after every change; the model evaluates at the θ it was last given. Training
/// items are numbered 0 … [`Model::items`]; an epoch's batches are shuffled index lists.
pub trait Model: fmt::Debug + Send + Sync {
    /// The blocks of θ, in order; their lengths sum to θ's length.
    fn blocks(&self) -> &[Block];
    /// Number of training items the batches are drawn from.
    fn items(&self) -> usize;
    /// Random initial θ.
    fn init(&self, rng: &mut Rng) -> Vec<f64>;
    /// Take θ: later losses are evaluated there.
    fn load(&mut self, theta: &[f64]);
    /// The loss over the items `batch` (data term) plus the regulariser, and its exact
    /// gradient with respect to θ written to `grad` (every entry set).
    fn loss_grad(&mut self, batch: &[usize], grad: &mut [f64]) -> LossParts;
    /// The loss over every training item evaluated as one batch, plus the regulariser.
    fn full_loss(&self) -> LossParts;
    /// Names of the scalars recorded after every epoch (history columns), in order.
    fn scalar_names(&self) -> &'static [&'static str] {
        &[]
    }
    /// Their values at the loaded θ, in the order of [`Model::scalar_names`].
    fn scalars(&self) -> Vec<f64> {
        Vec::new()
    }
    /// The loss at or below which a run counts as converged (its keep-cut).
    fn keep_loss(&self) -> f64;
    /// The restart recipe's failure detector: why the run at the loaded θ (at `epochs` since its
    /// last start, last epoch mean `loss`) is a dead end, or `None`.
    fn failure(&self, _epochs: usize, _loss: f64) -> Option<Msg> {
        None
    }
    /// The loss plateau the fast recipe crosses at a raised rate (`None`: none known).
    fn plateau(&self) -> Option<Plateau> {
        None
    }
    /// Whether the loaded θ has the published shape (`None`: nothing published to compare).
    /// A run settles only where this is not `Some(false)`.
    fn published_shape(&self) -> Option<bool> {
        None
    }
    /// What the system says of the loaded θ besides its loss (a meson model's towers and
    /// profile): the `observables` of `adsdl train --json`, by name.
    fn observables(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::new()
    }
    /// The lines the command line's summary prints of the loaded θ (empty: the system's
    /// probe-network summary, or nothing).
    fn summary(&self) -> Vec<String> {
        Vec::new()
    }
    /// A copy (trainers are cloned for ensembles and the page's views).
    fn clone_box(&self) -> Box<dyn Model>;
    /// For a system's own code to reach its concrete model.
    fn as_any(&self) -> &dyn Any;
}

impl Clone for Box<dyn Model> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// One block's values as stored: a number or a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A scalar block.
    Scalar(f64),
    /// A vector block.
    List(Vec<f64>),
}

/// θ by block name, as sessions, snapshots and model files store it:
/// `{"h": [3.1, …], "lambda": 0.012, "ads_radius": 3.46}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Named(pub BTreeMap<String, Value>);

impl Named {
    /// θ laid out as `blocks` says, named.
    pub fn of(blocks: &[Block], theta: &[f64]) -> Named {
        let mut out = BTreeMap::new();
        let mut at = 0;
        for b in blocks {
            let v = &theta[at..at + b.len];
            at += b.len;
            let value = if b.scalar && b.len == 1 {
                Value::Scalar(v[0])
            } else {
                Value::List(v.to_vec())
            };
            out.insert(b.name.to_string(), value);
        }
        Named(out)
    }

    /// The flat θ for `blocks`, or what is missing, extra, of the wrong length or not finite.
    pub fn theta(&self, blocks: &[Block]) -> Result<Vec<f64>, String> {
        let mut theta = Vec::with_capacity(blocks.iter().map(|b| b.len).sum());
        for b in blocks {
            let vals: &[f64] = match self.0.get(b.name) {
                None => return Err(format!("the parameter block '{}' is missing", b.name)),
                Some(Value::Scalar(v)) => std::slice::from_ref(v),
                Some(Value::List(v)) => v,
            };
            if vals.len() != b.len {
                return Err(format!(
                    "the parameter block '{}' has {} values, this model {}",
                    b.name,
                    vals.len(),
                    b.len
                ));
            }
            if let Some(i) = vals.iter().position(|v| !v.is_finite()) {
                return Err(format!(
                    "the parameter block '{}' is not finite at {i}",
                    b.name
                ));
            }
            theta.extend_from_slice(vals);
        }
        if let Some(extra) = self.0.keys().find(|k| !blocks.iter().any(|b| b.name == *k)) {
            return Err(format!("this model has no parameter block '{extra}'"));
        }
        Ok(theta)
    }

    /// One block's values.
    pub fn get(&self, name: &str) -> Option<&[f64]> {
        match self.0.get(name)? {
            Value::Scalar(v) => Some(std::slice::from_ref(v)),
            Value::List(v) => Some(v),
        }
    }
}

/// Which entries of θ the optimiser moves: each block's `trained`, repeated over its length.
pub fn trained_mask(blocks: &[Block]) -> Vec<bool> {
    blocks
        .iter()
        .flat_map(|b| std::iter::repeat_n(b.trained, b.len))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCKS: [Block; 2] = [
        Block {
            name: "a",
            len: 3,
            scalar: false,
            trained: true,
        },
        Block {
            name: "b",
            len: 1,
            scalar: true,
            trained: false,
        },
    ];

    #[test]
    fn named_blocks_round_trip_and_name_what_is_wrong() {
        let theta = [1.0, 2.0, 3.0, 4.5];
        let named = Named::of(&BLOCKS, &theta);
        let json = serde_json::to_string(&named).unwrap();
        assert_eq!(json, r#"{"a":[1.0,2.0,3.0],"b":4.5}"#);
        let back: Named = serde_json::from_str(&json).unwrap();
        assert_eq!(back.theta(&BLOCKS).unwrap(), theta);
        assert_eq!(trained_mask(&BLOCKS), [true, true, true, false]);
        let bad = |j: &str| {
            serde_json::from_str::<Named>(j)
                .unwrap()
                .theta(&BLOCKS)
                .unwrap_err()
        };
        assert!(bad(r#"{"a":[1,2,3]}"#).contains("'b' is missing"));
        assert!(bad(r#"{"a":[1,2],"b":1}"#).contains("'a' has 2 values"));
        assert!(bad(r#"{"a":[1,2,3],"b":1,"c":2}"#).contains("no parameter block 'c'"));
    }
}
