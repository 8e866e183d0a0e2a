//! Mesons (docs/physics.md §M; Akutagawa, Hashimoto and Sumimoto, arXiv:2005.02636): the masses
//! of the ρ and a₂ towers determine a bulk warp factor A(z) and a dilaton Φ(z). The system's own
//! model ([`model::MesonModel`]) is a Schrödinger problem per spin; it trains through the same
//! seam as P2's network.

pub mod data;
pub mod model;
pub mod schrodinger;

use super::{Block, Defaults, InputTable, Model, Recipe, Setup, System, SystemId};
use crate::chart_kind::ChartKind;
use crate::error::Error;
use crate::physics::RegChoice;
use crate::rng::Rng;
use data::{parse_states, State, PDG};
use model::MesonModel;

/// The system's identifier.
pub const ID: SystemId = SystemId::new("mesons");

/// The default strength of the smoothness prior (Eq. M.5).
pub const DEFAULT_PRIOR: f64 = 0.1;

/// The meson system.
#[derive(Debug)]
pub struct Mesons;

/// The states a run trains on: the user's table, else the PDG towers.
pub fn states_of(table: Option<&str>) -> Result<Vec<State>, Error> {
    table.map_or_else(|| Ok(PDG.to_vec()), parse_states)
}

impl System for Mesons {
    fn id(&self) -> SystemId {
        ID
    }
    fn title(&self) -> &'static str {
        crate::i18n::t("system.mesons.title")
    }
    fn short_title(&self) -> &'static str {
        crate::i18n::t("system.mesons.short")
    }
    fn model(&self, setup: &Setup, _rng: &mut Rng) -> Result<Box<dyn Model>, String> {
        let states = states_of(setup.inputs.table).map_err(|e| e.of("data").to_string())?;
        Ok(Box::new(MesonModel::new(states, setup.reg.smooth)))
    }
    fn blocks(&self) -> Vec<Block> {
        model::blocks()
    }
    fn defaults(&self) -> Defaults {
        Defaults {
            lr: 0.01,
            // Every state in one batch: a handful of masses, one eigenproblem per spin.
            batch: data::MAX_STATES,
            epochs: 600,
            per_class: 10,
            reg: RegChoice::Paper,
            recipe: Recipe::Paper,
        }
    }
    fn reg_choices(&self) -> &'static [RegChoice] {
        // One prior: smooth curvatures (Eq. M.5).
        &[RegChoice::Paper]
    }
    fn default_reg_c(&self, _reg: RegChoice) -> f64 {
        DEFAULT_PRIOR
    }
    fn keep_loss(&self) -> f64 {
        1.0
    }
    fn charts(&self) -> &'static [ChartKind] {
        &[ChartKind::Loss]
    }
    fn input_table(&self) -> Option<InputTable> {
        Some(InputTable {
            columns: "spin,n,mass_GeV[,error_GeV]",
            check: |text| parse_states(text).map(|_| ()),
        })
    }
}
