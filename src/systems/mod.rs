//! Physical systems as plug-ins. A system supplies its network geometry, data (or data generator),
//! initialisation, defaults, reference curves, charts, captions and names; the trainer, the charts,
//! the page, the CLI and the model file only ever ask a `&dyn System` — never *which* system.
//!
//! Adding a system: a folder here with a type implementing [`System`], and one line in
//! [`REGISTRY`].

pub mod ads_schwarzschild;
pub mod custom;
pub mod mesons;
pub mod model;
pub mod probe;
pub mod qcd;
mod recipe;

pub use model::{Block, LossParts, Model, Plateau};
pub use recipe::Recipe;

use crate::chart_kind::ChartKind;
use crate::physics::{Network, Params, RegChoice, Regularizer, Sample};
use crate::points::Measured;
use crate::rng::Rng;
use custom::MetricPoint;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Every system, in menu order. The first is the default. The mesons are the command line's
/// until the page draws their panels ([`System::in_page`]), so the page's build leaves them out
/// (14 kB of gzipped wasm a page could not use).
pub static REGISTRY: &[&dyn System] = &[
    &qcd::Qcd,
    &ads_schwarzschild::AdsSchwarzschild,
    &custom::Custom,
    #[cfg(not(target_arch = "wasm32"))]
    &mesons::Mesons,
];

/// A system's name on the command line, in URLs and in model files (`"qcd"`, …). Parsing
/// looks the name up in [`REGISTRY`], so only registered systems can be named.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SystemId(&'static str);

impl SystemId {
    /// The identifier with this name; for a system's own `ID` constant.
    pub const fn new(name: &'static str) -> SystemId {
        SystemId(name)
    }

    /// The name used on the command line, in URLs and in model files.
    pub fn name(self) -> &'static str {
        self.0
    }

    /// The registered system behind this identifier.
    pub fn system(self) -> &'static dyn System {
        REGISTRY
            .iter()
            .copied()
            .find(|s| s.id() == self)
            .expect("a SystemId is only made by a registered system")
    }

    /// The default system (the first in the registry).
    pub fn default_system() -> SystemId {
        REGISTRY[0].id()
    }

    /// All names, for messages and menus.
    pub fn names() -> Vec<&'static str> {
        REGISTRY.iter().map(|s| s.id().name()).collect()
    }
}

impl fmt::Display for SystemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for SystemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SystemId({})", self.0)
    }
}

impl FromStr for SystemId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        REGISTRY
            .iter()
            .map(|sys| sys.id())
            .find(|id| id.0 == s)
            .ok_or_else(|| {
                format!(
                    "unknown preset '{s}' (expected one of: {})",
                    SystemId::names().join(", ")
                )
            })
    }
}

impl Serialize for SystemId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for SystemId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a system reads of a run's configuration to make its data and its reference: how many
/// points, and the user's own measurements or metric where the system accepts them. The
/// trainer's configuration (`crate::train::TrainConfig::inputs`) hands it down, so systems
/// never depend on how runs are configured.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Inputs<'a> {
    /// Positive and negative training points each.
    pub per_class: usize,
    /// The user's own measurements (`None`: the system's own data).
    pub data: Option<&'a [Measured]>,
    /// The user's own metric (`None`: the system's default).
    pub metric: Option<&'a [MetricPoint]>,
    /// The user's own table in the form the system's [`InputTable`] reads (`None`: the
    /// system's own data).
    pub table: Option<&'a str>,
}

/// The table of the user's own data a system reads (the mesons' towers): its columns, and the
/// check that names what is wrong where.
#[derive(Clone, Copy, Debug)]
pub struct InputTable {
    /// The CSV header it reads, as a user writes it.
    pub columns: &'static str,
    /// Whether a text is such a table.
    pub check: fn(&str) -> Result<(), crate::error::Error>,
}

/// What a system's model is made from, besides the system itself: the inputs, the integrator and
/// the regulariser the run's configuration chose.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup<'a> {
    /// Data size and the user's own data or metric.
    pub inputs: Inputs<'a>,
    /// Euler sub-steps per layer.
    pub substeps: usize,
    /// Regulariser strengths.
    pub reg: Regularizer,
}

/// Training defaults of a system's protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct Defaults {
    /// Learning rate.
    pub lr: f64,
    /// Mini-batch size.
    pub batch: usize,
    /// Epochs.
    pub epochs: usize,
    /// Positive and negative samples each.
    pub per_class: usize,
    /// Regulariser family.
    pub reg: RegChoice,
    /// Training recipe.
    pub recipe: Recipe,
}

/// What the metric chart draws beside the learned h_k, and the CSV export's reference column.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Legend text.
    pub label: &'static str,
    /// Column name in the exported metric CSV.
    pub csv_column: &'static str,
    /// The reference value at each layer η_k.
    pub at_layers: Vec<f64>,
    /// The curve to draw (η, h).
    pub curve: Vec<(f64, f64)>,
    /// A band (η, low, high) to shade, if the reference has an uncertainty.
    pub band: Option<Vec<(f64, f64, f64)>>,
    /// Mark the reference's values at the layers (a known truth).
    pub mark_layers: bool,
    /// Upper limit of the chart's h axis (h toward the horizon may be large).
    pub h_max: f64,
}

/// A point to mark on the data plane (measured data, band centres), with an optional error bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    /// First input.
    pub x: f64,
    /// Second input.
    pub y: f64,
    /// Error of y (drawn as a bar), if measured.
    pub error: Option<f64>,
}

/// How the data plane of a system is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct DataPlane {
    /// Range of the first input.
    pub x: (f64, f64),
    /// Range of the second input.
    pub y: (f64, f64),
    /// Axis titles.
    pub x_desc: &'static str,
    /// Axis titles.
    pub y_desc: &'static str,
    /// Chart title.
    pub title: &'static str,
    /// Points to mark on top of the samples.
    pub marks: Vec<Mark>,
    /// Legend of the marks.
    pub marks_label: &'static str,
}

/// One physical system: everything that differs between QCD, AdS-Schwarzschild, the mesons and
/// the others, as far as the trainer, the settings, the URL and the model file ask.
///
/// A system brings its [`Model`] (θ, loss, exact gradient). Systems built on P2's probe-scalar
/// network also implement [`ProbeSystem`] and return themselves from [`System::probe`]; the views
/// that draw that network's panels (h(η), the data plane, L and λ) ask for it there.
pub trait System: Sync + fmt::Debug {
    /// Its identifier (the name in URLs, the CLI and model files).
    fn id(&self) -> SystemId;
    /// The name in the page's menu.
    fn title(&self) -> &'static str;
    /// Short name for chart titles.
    fn short_title(&self) -> &'static str;
    /// The model a run trains, its training data drawn with `rng`.
    fn model(&self, setup: &Setup, rng: &mut Rng) -> Result<Box<dyn Model>, String>;
    /// The blocks of its model's θ, known without data (model files are checked against them).
    fn blocks(&self) -> Vec<Block>;
    /// The probe-network family's questions, for a system built on P2's network.
    fn probe(&self) -> Option<&dyn ProbeSystem> {
        None
    }
    /// The protocol's defaults.
    fn defaults(&self) -> Defaults;
    /// The regulariser families this system offers.
    fn reg_choices(&self) -> &'static [RegChoice];
    /// The default strength c of a regulariser family.
    fn default_reg_c(&self, reg: RegChoice) -> f64;
    /// The regulariser strengths of a family at strength c.
    fn regularizer(&self, reg: RegChoice, c: f64) -> Regularizer {
        match reg {
            RegChoice::Paper => Regularizer {
                smooth: c,
                ..Default::default()
            },
            RegChoice::Einstein => Regularizer {
                einstein: c,
                ..Default::default()
            },
            RegChoice::Curvature => Regularizer {
                curvature: c,
                ..Default::default()
            },
        }
    }
    /// The loss at or below which a run counts as converged (its keep-cut).
    fn keep_loss(&self) -> f64 {
        // A field system's loss falls to ~10⁻⁴ once the band is learned (docs/physics.md §3).
        0.01
    }
    /// The loss plateau the fast recipe crosses at a raised rate (`None`: none known here).
    fn plateau(&self) -> Option<Plateau> {
        None
    }
    /// Whether the restart recipe does anything here.
    fn has_restart_recipe(&self) -> bool {
        false
    }
    /// The charts of the page, in order.
    fn charts(&self) -> &'static [ChartKind];
    /// Whether own measurements ([`Inputs::data`]) are accepted.
    fn accepts_measurements(&self) -> bool {
        false
    }
    /// Whether a user metric ([`Inputs::metric`]) is accepted.
    fn accepts_metric(&self) -> bool {
        false
    }
    /// The user's own table it reads ([`Inputs::table`]), if any.
    fn input_table(&self) -> Option<InputTable> {
        None
    }
    /// Whether the page shows this system. The page's panels, counters and exports still read
    /// P2's network (the seam's view split is the next step), so a system with its own model
    /// is the command line's until the page draws its panels.
    fn in_page(&self) -> bool {
        self.probe().is_some()
    }
    /// Whether the couplings λ and L of P2's network are learned (the page's couplings panel).
    fn learns_couplings(&self) -> bool {
        self.probe().is_some_and(|p| p.train_couplings())
    }
}

/// A system built on P2's probe-scalar network (docs/physics.md §2): its geometry, data,
/// reference metric and the facts its panels draw. Its model is [`probe::ProbeModel`].
pub trait ProbeSystem: System {
    /// The network: geometry and boundary map (with one Euler step per layer).
    fn network(&self) -> Network;
    /// Whether λ and L are trained (else fixed at their initial values).
    fn train_couplings(&self) -> bool {
        false
    }
    /// Random initial parameters.
    fn init_params(&self, network: &Network, rng: &mut Rng) -> Params;
    /// The training set of a run: `inputs.per_class` positive and negative samples.
    fn training_data(
        &self,
        inputs: &Inputs,
        network: &Network,
        rng: &mut Rng,
    ) -> Result<Vec<Sample>, String>;
    /// The true parameters, where the answer is known.
    fn truth(&self, _inputs: &Inputs, _network: &Network) -> Option<Params> {
        None
    }
    /// What the reference curve is, for the metric chart's caption.
    fn reference_caption(&self) -> &'static str;
    /// The reference the metric chart and the CSV export show.
    fn reference(&self, inputs: &Inputs, network: &Network) -> Reference;
    /// Reference points of the system, labelled positive (`adsdl eval` without `--data`).
    fn bundled_points(&self, inputs: &Inputs) -> Vec<Sample>;
    /// CSV column names of the two inputs.
    fn input_columns(&self) -> [&'static str; 2];
    /// The data plane: ranges, axis titles, marked points.
    fn data_plane(&self, inputs: &Inputs) -> DataPlane;
    /// The restart recipe's failure detector: why the run (at `epochs` since its last start,
    /// last epoch mean `loss`) is judged a dead end, or `None`. Systems without known failure
    /// modes never restart.
    fn failure(&self, _epochs: usize, _p: &Params, _loss: f64) -> Option<crate::i18n::Msg> {
        None
    }
    /// Whether h has the published shape (`None`: nothing published to compare with).
    fn published_shape(&self, _h: &[f64]) -> Option<bool> {
        None
    }
    /// Whether a run with epoch-mean loss `loss` at `p` shows the emergent metric (the speed
    /// measurements' criterion; `None`: the system has none).
    fn reached_metric(&self, _loss: f64, _p: &Params) -> Option<bool> {
        None
    }
    /// Published (L \[GeV⁻¹\], λ), drawn on the couplings chart.
    fn published_couplings(&self) -> Option<(f64, f64)> {
        None
    }
    /// The temperature in GeV, where L carries physical units (GeV⁻¹): then f, g and V(d) can
    /// be computed (docs/physics.md §5).
    fn temperature_gev(&self) -> Option<f64> {
        None
    }
    /// How many independent measurements the training points are drawn from (QCD: the rows of
    /// the condensate table), or `None` where they are labelled by a known metric. It sets the
    /// temperature of the Laplace band (docs/physics.md §6, Eq. 6.3): drawing more points from
    /// the same measurements adds no information.
    fn measurements(&self, _inputs: &Inputs) -> Option<usize> {
        None
    }
    /// One line on the couplings for the CLI's summary, if they are learned.
    fn couplings_line(&self, _p: &Params) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_system_round_trips_its_name() {
        for s in REGISTRY {
            let id: SystemId = s.id().name().parse().unwrap();
            assert_eq!(id, s.id());
            assert_eq!(id.system().id(), s.id());
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(serde_json::from_str::<SystemId>(&json).unwrap(), id);
        }
        let e = "nope".parse::<SystemId>().unwrap_err();
        for s in REGISTRY {
            assert!(e.contains(s.id().name()), "{e}");
        }
    }

    #[test]
    fn names_are_unique_and_defaults_consistent() {
        let names = SystemId::names();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "{n} registered twice");
        }
        for s in REGISTRY {
            assert!(s.reg_choices().contains(&s.defaults().reg));
            let inputs = Inputs {
                per_class: s.defaults().per_class,
                ..Inputs::default()
            };
            if let Some(p) = s.probe() {
                assert_eq!(
                    p.network().bulk.layers,
                    p.reference(&inputs, &p.network()).at_layers.len()
                );
            }
        }
    }
}
