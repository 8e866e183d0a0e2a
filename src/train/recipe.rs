//! Training recipes: the papers' raw protocol, or one that restarts a run its system's failure
//! detector ([`crate::systems::System::failure`]) judges a dead end.

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
            _ => Err(format!(
                "unknown recipe '{s}' (expected 'restart' or 'paper')"
            )),
        }
    }
}
