//! The model file: versioned JSON shared by the page's export/import and the CLI.
//!
//! ```json
//! { "format": "adsdl-model", "version": 1, "preset": "qcd",
//!   "d": 4, "m2": -3, "layers": 15, "eta_ini": 1, "eta_fin": 0.0666…,
//!   "h": [3.08, 2.30, …], "lambda": 0.0124, "ads_radius": 3.46,
//!   "regularizer": {"smooth": 0.01, "boundary": 0.01, "einstein": 0},
//!   "seed": 1, "epochs": 1500, "loss": 0.071, "training": { …TrainConfig… } }
//! ```
//! Only `format` … `lambda` (and `ads_radius` for QCD) are required; the rest default.

use crate::error::Error;
use crate::physics::{Network, Params, Regularizer};
use crate::systems::SystemId;
use crate::tr;
use crate::train::trainer::network_for;
use crate::train::{TrainConfig, Trainer};
use serde::{Deserialize, Serialize};

/// The value of the `format` key.
pub const FORMAT: &str = "adsdl-model";
/// The only version this build reads and writes.
pub const VERSION: u32 = 1;
/// The most epochs a model file may say it was trained for: far beyond any run (a day of the
/// page trains ~4·10⁵), and small enough that resuming can add to it without wrapping, in the
/// page's 32-bit wasm too.
pub const MAX_EPOCHS: usize = 1_000_000_000;

/// A trained (or initial) model, as stored on disk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always "adsdl-model".
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// The system: "qcd", "ads-schwarzschild" or "custom".
    pub preset: SystemId,
    /// Boundary dimension d.
    pub d: u32,
    /// m² in units of L.
    pub m2: f64,
    /// Number of layers N.
    pub layers: usize,
    /// η at the input layer.
    pub eta_ini: f64,
    /// η at the output.
    pub eta_fin: f64,
    /// The metric h_0 … h_{N−1}.
    pub h: Vec<f64>,
    /// λ.
    pub lambda: f64,
    /// L in GeV⁻¹ (systems that learn it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_radius: Option<f64>,
    /// Regulariser strengths (default: the preset's default regulariser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regularizer: Option<Regularizer>,
    /// Seed of the run that produced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Epochs trained.
    #[serde(default)]
    pub epochs: usize,
    /// Final loss over the training set evaluated as one batch (data + regulariser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// The full run configuration, to resume training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainConfig>,
}

impl ModelFile {
    /// Snapshot a trainer. `loss` is the full-training-set loss (computed here).
    pub fn from_trainer(t: &Trainer) -> ModelFile {
        let bulk = &t.network().bulk;
        let p = t.params();
        let learns_l = t.system().train_couplings();
        ModelFile {
            format: FORMAT.into(),
            version: VERSION,
            preset: t.config().preset,
            d: bulk.d,
            m2: bulk.m2,
            layers: bulk.layers,
            eta_ini: bulk.eta_ini,
            eta_fin: bulk.eta_fin,
            h: p.h.clone(),
            lambda: p.lambda,
            ads_radius: learns_l.then_some(p.ads_radius),
            regularizer: Some(t.regularizer().clone()),
            seed: Some(t.config().seed),
            epochs: t.epoch(),
            loss: Some(t.full_loss().total()).filter(|v| v.is_finite()),
            training: Some(t.config().clone()),
        }
    }

    /// Parse and validate JSON text. Errors name the key (or line and column) and the reason.
    pub fn from_json(text: &str) -> Result<ModelFile, Error> {
        let m: ModelFile =
            serde_json::from_str(text).map_err(|e| Error::json(&e).of("model file"))?;
        m.validate().map_err(|e| e.of("model file"))?;
        Ok(m)
    }

    /// Pretty JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serialises")
    }

    /// Check the file against this build: format, version, geometry of the system, finiteness.
    /// The error names the key.
    pub fn validate(&self) -> Result<(), Error> {
        if self.format != FORMAT {
            return Err(Error::key(
                "format",
                tr!("error.model.format", got = self.format, want = FORMAT),
            ));
        }
        if self.version != VERSION {
            return Err(Error::key(
                "version",
                tr!("error.model.version", got = self.version, want = VERSION),
            ));
        }
        let sys = self.preset.system();
        let bulk = &sys.network().bulk;
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
        if self.d != bulk.d {
            return Err(Error::key(
                "d",
                tr!(
                    "error.model.geometry",
                    got = self.d,
                    preset = self.preset,
                    want = bulk.d
                ),
            ));
        }
        let reals = [
            ("m2", self.m2, bulk.m2),
            ("eta_ini", self.eta_ini, bulk.eta_ini),
            ("eta_fin", self.eta_fin, bulk.eta_fin),
        ];
        for (key, got, want) in reals {
            if !close(got, want) {
                return Err(Error::key(
                    key,
                    tr!(
                        "error.model.geometry",
                        got = got,
                        preset = self.preset,
                        want = want
                    ),
                ));
            }
        }
        if self.layers != bulk.layers {
            return Err(Error::key(
                "layers",
                tr!(
                    "error.model.geometry",
                    got = self.layers,
                    preset = self.preset,
                    want = bulk.layers
                ),
            ));
        }
        if self.h.len() != self.layers {
            return Err(Error::key(
                "h",
                tr!("error.model.h_len", n = self.h.len(), layers = self.layers),
            ));
        }
        if let Some(seed) = self.seed.filter(|&s| s > crate::settings::MAX_SEED) {
            return Err(Error::key(
                "seed",
                tr!(
                    "error.model.at_most",
                    max = crate::settings::MAX_SEED,
                    got = seed
                ),
            ));
        }
        if self.epochs > MAX_EPOCHS {
            return Err(Error::key(
                "epochs",
                tr!("error.model.at_most", max = MAX_EPOCHS, got = self.epochs),
            ));
        }
        if let Some(k) = self.h.iter().position(|v| !v.is_finite()) {
            return Err(Error::key(format!("h[{k}]"), tr!("error.model.not_finite")));
        }
        if !self.lambda.is_finite() {
            return Err(Error::key("lambda", tr!("error.model.not_finite")));
        }
        match (sys.train_couplings(), self.ads_radius) {
            (true, None) => {
                return Err(Error::key(
                    "ads_radius",
                    tr!("error.model.l_required", preset = self.preset),
                ))
            }
            (_, Some(l)) if !(l.is_finite() && l > 0.0) => {
                return Err(Error::key(
                    "ads_radius",
                    tr!("error.model.positive", got = l),
                ))
            }
            _ => {}
        }
        if let Some(r) = &self.regularizer {
            for (key, v) in [
                ("smooth", r.smooth),
                ("boundary", r.boundary),
                ("einstein", r.einstein),
                ("curvature", r.curvature),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(Error::key(
                        format!("regularizer.{key}"),
                        tr!("error.model.non_negative", got = v),
                    ));
                }
            }
        }
        if let Some(c) = &self.training {
            c.validate().map_err(|e| Error::key("training", e))?;
            if c.preset != self.preset {
                return Err(Error::key("training.preset", tr!("error.model.preset")));
            }
        }
        Ok(())
    }

    /// The parameters.
    pub fn params(&self) -> Params {
        Params {
            h: self.h.clone(),
            lambda: self.lambda,
            ads_radius: self.ads_radius.unwrap_or(1.0),
        }
    }

    /// The network the file describes.
    pub fn network(&self) -> Network {
        network_for(&self.config())
    }

    /// The run configuration: the stored one, else the preset's defaults with the stored seed.
    pub fn config(&self) -> TrainConfig {
        self.training.clone().unwrap_or_else(|| {
            let mut c = TrainConfig::new(self.preset);
            if let Some(s) = self.seed {
                c.seed = s;
            }
            c
        })
    }

    /// The regulariser: the stored strengths, else those of the configuration.
    pub fn regularizer(&self) -> Regularizer {
        self.regularizer
            .clone()
            .unwrap_or_else(|| self.config().regularizer())
    }

    /// A trainer that resumes from this model (same data as the original run, fresh optimiser).
    pub fn resume(&self) -> Result<Trainer, String> {
        let mut t = Trainer::new(self.config())?;
        t.set_params(self.params())?;
        t.set_epoch(self.epochs);
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systems::qcd;

    fn minimal_qcd() -> String {
        let h: Vec<String> = (0..15)
            .map(|k| format!("{}", 3.0 - 0.1 * k as f64))
            .collect();
        format!(
            r#"{{"format":"adsdl-model","version":1,"preset":"qcd","d":4,"m2":-3,"layers":15,
               "eta_ini":1,"eta_fin":0.06666666666666667,"h":[{}],"lambda":0.01,"ads_radius":3.4}}"#,
            h.join(",")
        )
    }

    #[test]
    fn a_file_with_only_the_required_keys_loads() {
        let m = ModelFile::from_json(&minimal_qcd()).unwrap();
        assert_eq!(m.epochs, 0);
        assert_eq!(m.config().preset, qcd::ID);
        assert_eq!(m.regularizer().smooth, 0.01);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let cases = [
            (
                minimal_qcd().replace("\"version\":1", "\"version\":7"),
                "version",
            ),
            (
                minimal_qcd().replace("\"layers\":15", "\"layers\":14"),
                "layers",
            ),
            (
                minimal_qcd().replace(",\"ads_radius\":3.4", ""),
                "ads_radius",
            ),
            (minimal_qcd().replace("adsdl-model", "something"), "format"),
            (
                minimal_qcd().replace("\"lambda\":0.01", "\"lambda\":\"x\""),
                "line",
            ),
            ("{".to_string(), "line 1"),
        ];
        for (text, needle) in cases {
            let e = ModelFile::from_json(&text).unwrap_err().to_string();
            assert!(e.contains(needle), "{e:?} should mention {needle}");
        }
        let e = ModelFile::from_json(&minimal_qcd().replace("\"layers\":15", "\"layers\":14"))
            .unwrap_err();
        assert_eq!(e.place, crate::error::Place::Key("layers".into()));
        let e = ModelFile::from_json("{\n  \"format\": x").unwrap_err();
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn a_trainer_round_trips_through_json() {
        let mut c = TrainConfig::new(qcd::ID);
        c.per_class = 100;
        let mut t = Trainer::new(c).unwrap();
        t.epoch_step().unwrap();
        let m = ModelFile::from_trainer(&t);
        let back = ModelFile::from_json(&m.to_json()).unwrap();
        assert_eq!(back, m);
        let r = back.resume().unwrap();
        assert_eq!(r.params(), t.params());
        assert_eq!(r.epoch(), 1);
        assert_eq!(r.full_loss(), t.full_loss());
    }
}
