//! Statistics over runs: mean and sample standard deviation, serialisable with NaN for "none".

use serde::{Deserialize, Serialize};

/// Mean and sample standard deviation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeanSd {
    /// Mean.
    #[serde(deserialize_with = "nan_if_null")]
    pub mean: f64,
    /// Sample standard deviation (0 for one value).
    #[serde(deserialize_with = "nan_if_null")]
    pub sd: f64,
}

/// JSON has no NaN: serde_json writes it as null, and this reads null back as NaN (an empty
/// ensemble's mean).
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

impl MeanSd {
    /// Of a set of values (NaN for none).
    pub fn of(v: &[f64]) -> MeanSd {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = if v.len() > 1 {
            (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        MeanSd { mean, sd }
    }
}
