//! Training recipes: the papers' raw protocol; one that restarts a run its system's failure
//! detector ([`crate::systems::System::failure`]) judges a dead end; and that one with a faster
//! rate on the loss plateau ([`crate::systems::System::plateau`]).

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
    /// `Restart`, and while the run is still on its system's loss plateau (the last epoch's mean
    /// loss above [`crate::systems::Plateau::until_loss`]) the learning rate is multiplied by
    /// [`crate::systems::Plateau::factor`]; below it the run trains at the paper's rate, which
    /// decides where it ends (docs/physics.md §4). Where no plateau is known, as `Restart`.
    Fast,
}

impl Recipe {
    /// Name on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Recipe::Paper => "paper",
            Recipe::Restart => "restart",
            Recipe::Fast => "fast",
        }
    }

    /// Whether failing runs are restarted (and converged ones kept).
    pub fn restarts(self) -> bool {
        self != Recipe::Paper
    }
}

impl FromStr for Recipe {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "paper" => Ok(Recipe::Paper),
            "restart" => Ok(Recipe::Restart),
            "fast" => Ok(Recipe::Fast),
            _ => Err(format!(
                "unknown recipe '{s}' (expected 'fast', 'restart' or 'paper')"
            )),
        }
    }
}
