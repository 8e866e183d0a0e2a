//! Training recipes: the papers' raw protocol, or one that detects the two known QCD failure
//! modes early and restarts from a fresh random initialisation (PHYSICS.md §4, "How training behaves").

use crate::physics::{Params, PresetId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How a run reacts to failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recipe {
    /// Exactly the papers' protocol: whatever happens, happens (a NaN stops the run).
    Paper,
    /// The paper's loss and optimiser, plus failure detectors that restart from a new random
    /// initialisation (same data) when a run is heading for a known dead end.
    Restart,
}

impl Recipe {
    /// The default: `restart` for QCD (half the paper's seeds fail), `paper` otherwise.
    pub fn default_for(preset: PresetId) -> Recipe {
        match preset {
            PresetId::Qcd => Recipe::Restart,
            PresetId::AdsSchwarzschild => Recipe::Paper,
        }
    }

    /// Name on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Recipe::Paper => "paper",
            Recipe::Restart => "restart",
        }
    }
}

impl FromStr for Recipe {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "paper" => Ok(Recipe::Paper),
            "restart" => Ok(Recipe::Restart),
            _ => Err(format!("unknown recipe '{s}' (expected 'restart' or 'paper')")),
        }
    }
}

/// Epoch (since the last (re)start) at which the QCD detector judges a run.
pub const QCD_CHECK_EPOCH: usize = 300;

/// The QCD failure detector. Successful runs first swing λ to ≈ −10 while L grows past 1;
/// failing ones keep λ > −1 with L shrinking toward 0, or drift λ upward with the loss stuck at
/// 0.253. `epochs` counts epochs since the last (re)start, `loss` is the last epoch's mean loss.
/// Returns why the run is judged a failure.
pub fn qcd_failure(epochs: usize, p: &Params, loss: f64) -> Option<String> {
    if !p.is_finite() || !loss.is_finite() {
        return Some("parameters became non-finite".into());
    }
    if epochs == QCD_CHECK_EPOCH && !(p.lambda < -2.0 && p.ads_radius > 1.0) && loss > 0.1 {
        return Some(format!(
            "no sign of the wall by epoch {epochs} (loss {loss:.3}, L = {:.2} GeV⁻¹, λ = {:.2})",
            p.ads_radius, p.lambda
        ));
    }
    None
}
