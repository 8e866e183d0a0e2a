//! Mesons (docs/physics.md §M; Akutagawa, Hashimoto and Sumimoto, arXiv:2005.02636): the masses
//! of the ρ and a₂ towers determine a bulk warp factor A(z) and a dilaton Φ(z). The system's own
//! model ([`model::MesonModel`]) is a Schrödinger problem per spin; it trains through the same
//! seam as P2's network.

pub mod data;
pub mod model;
pub mod schrodinger;

use super::{Block, Defaults, InputTable, Model, Plateau, Recipe, Setup, System, SystemId};
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

/// The fast recipe's raised rate: four times the set rate until the masses are within their
/// errors on average (loss ≤ 1), then the set rate, fine enough that Adam's steps do not throw
/// the tightly measured ρ(770) and a₂(1320) off (at 0.02 throughout, runs spiked by 10× and
/// stopped).
pub const PLATEAU: Plateau = Plateau {
    factor: 4.0,
    until_loss: 1.0,
};

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
            // Chosen on seeds 21–28 of the PDG towers (with the fast recipe's 4× until the loss
            // is 1, all eight fit within 0.15 of their errors in 1000 epochs); reported on
            // seeds 41–56 (docs/physics.md §M.6).
            lr: 0.005,
            // Every state in one batch: a handful of masses, one eigenproblem per spin.
            batch: data::MAX_STATES,
            epochs: 1000,
            per_class: 10,
            reg: RegChoice::Paper,
            recipe: Recipe::Fast,
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
    fn has_restart_recipe(&self) -> bool {
        true
    }
    fn plateau(&self) -> Option<Plateau> {
        Some(PLATEAU)
    }
    fn charts(&self) -> &'static [ChartKind] {
        &[
            ChartKind::Towers,
            ChartKind::Levels,
            ChartKind::Profile,
            ChartKind::Loss,
        ]
    }
    fn input_table(&self) -> Option<InputTable> {
        Some(InputTable {
            columns: "spin,n,mass_GeV[,error_GeV]",
            check: |text| parse_states(text).map(|_| ()),
        })
    }
}
