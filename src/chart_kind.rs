//! Which charts there are: named by the systems that show them, the settings that choose them and
//! the charts that draw them, so it sits below all three.

/// The charts of the page and the CLI. A system lists the ones it shows
/// ([`crate::systems::System::charts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// The learned metric against its reference.
    Metric,
    /// The data plane with the accepted region.
    Data,
    /// Loss per epoch.
    Loss,
    /// Histories of L and λ.
    Couplings,
    /// Reconstructed f and g.
    Fg,
    /// The quark–antiquark potential.
    Potential,
    /// What the data determine: the spectrum of the points' Gauss–Newton matrix.
    Spectrum,
    /// A meson model's towers against the measured masses (m² against n per spin).
    Towers,
    /// A meson model's Schrödinger potentials with their levels and wavefunctions.
    Levels,
    /// A meson model's warp factor and dilaton against the soft wall.
    Profile,
}

impl ChartKind {
    /// Every chart.
    pub const ALL: [ChartKind; 10] = [
        ChartKind::Metric,
        ChartKind::Data,
        ChartKind::Loss,
        ChartKind::Couplings,
        ChartKind::Fg,
        ChartKind::Potential,
        ChartKind::Spectrum,
        ChartKind::Towers,
        ChartKind::Levels,
        ChartKind::Profile,
    ];
    /// The charts of P2's network (QCD shows them all): those before the mesons' in [`Self::ALL`].
    pub const PROBE: &[ChartKind] = Self::ALL.split_at(7).0;

    /// Its name (element ids `chart-NAME`, file names).
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Metric => "metric",
            ChartKind::Data => "data",
            ChartKind::Loss => "loss",
            ChartKind::Couplings => "couplings",
            ChartKind::Fg => "fg",
            ChartKind::Potential => "potential",
            ChartKind::Spectrum => "spectrum",
            ChartKind::Towers => "towers",
            ChartKind::Levels => "levels",
            ChartKind::Profile => "profile",
        }
    }

    /// Minimum milliseconds between redraws while training: the data plane and the observables
    /// are dear, the rest cheap.
    pub fn redraw_ms(self) -> f64 {
        match self {
            ChartKind::Metric => 100.0,
            ChartKind::Loss | ChartKind::Couplings | ChartKind::Towers | ChartKind::Profile => {
                200.0
            }
            // Wavefunctions: a Schrödinger problem per spin.
            ChartKind::Levels => 400.0,
            ChartKind::Data => 400.0,
            ChartKind::Fg | ChartKind::Potential => 1500.0,
            // A pass over every training point with its gradient (in the page: in the worker).
            ChartKind::Spectrum => 3000.0,
        }
    }

    /// Whether it is drawn from the reconstructed metric (f, g, V(d)) rather than the trainer.
    pub fn is_observable(self) -> bool {
        matches!(self, ChartKind::Fg | ChartKind::Potential)
    }
}

impl std::str::FromStr for ChartKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ChartKind::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown chart '{s}'"))
    }
}
