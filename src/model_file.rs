//! The model file: versioned JSON shared by the page's export/import and the CLI.
//!
//! Version 2 stores the model's parameters as named blocks (the blocks of its
//! [`crate::systems::Model`]), and the probe-scalar network's geometry apart from them:
//! ```json
//! { "format": "adsdl-model", "version": 2, "preset": "qcd",
//!   "params": {"h": [3.08, 2.30, …], "lambda": 0.0124, "ads_radius": 3.46},
//!   "network": {"d": 4, "m2": -3, "layers": 15, "eta_ini": 1, "eta_fin": 0.0666…},
//!   "regularizer": {"smooth": 0.01, "boundary": 0.01, "einstein": 0},
//!   "seed": 1, "epochs": 1500, "loss": 0.071, "training": { …TrainConfig… } }
//! ```
//! Only `format`, `version`, `preset` and `params` are required; the rest default. Version 1
//! (the geometry, `h`, `lambda` and `ads_radius` at the top; `ads_radius` only for QCD) still
//! loads, and its errors name its own keys.

use crate::error::Error;
use crate::physics::{Bulk, Network, Params, Regularizer};
use crate::systems::model::{Named, Value};
use crate::systems::probe::ProbeModel;
use crate::systems::{ProbeSystem, SystemId};
use crate::tr;
use crate::train::trainer::network_for;
use crate::train::{TrainConfig, Trainer};
use serde::{Deserialize, Serialize};

/// The value of the `format` key.
pub const FORMAT: &str = "adsdl-model";
/// The version this build writes.
pub const VERSION: u32 = 2;
/// The versions this build reads.
pub const READS: [u32; 2] = [1, 2];
/// The most epochs a model file may say it was trained for: far beyond any run (a day of the
/// page trains ~4·10⁵), and small enough that resuming can add to it without wrapping, in the
/// page's 32-bit wasm too.
pub const MAX_EPOCHS: usize = 1_000_000_000;

/// A trained (or initial) model, as stored on disk (version 2; a version-1 file is read into
/// this shape).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always "adsdl-model".
    pub format: String,
    /// Format version.
    pub version: u32,
    /// The system: "qcd", "ads-schwarzschild" or "custom".
    pub preset: SystemId,
    /// The parameters by block (for the probe-scalar network: `h`, `lambda`, `ads_radius`).
    pub params: Named,
    /// The probe-scalar network's geometry (default: the system's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Bulk>,
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

/// Version 1, as it was written.
#[derive(Deserialize)]
struct V1 {
    format: String,
    preset: SystemId,
    d: u32,
    m2: f64,
    layers: usize,
    eta_ini: f64,
    eta_fin: f64,
    h: Vec<f64>,
    lambda: f64,
    #[serde(default)]
    ads_radius: Option<f64>,
    #[serde(default)]
    regularizer: Option<Regularizer>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    epochs: usize,
    #[serde(default)]
    loss: Option<f64>,
    #[serde(default)]
    training: Option<TrainConfig>,
}

impl V1 {
    fn into_v2(self) -> ModelFile {
        let mut params = Named::default();
        params.0.insert("h".into(), Value::List(self.h));
        params.0.insert("lambda".into(), Value::Scalar(self.lambda));
        if let Some(l) = self.ads_radius {
            params.0.insert("ads_radius".into(), Value::Scalar(l));
        }
        ModelFile {
            format: self.format,
            version: VERSION,
            preset: self.preset,
            params,
            network: Some(Bulk {
                d: self.d,
                m2: self.m2,
                layers: self.layers,
                eta_ini: self.eta_ini,
                eta_fin: self.eta_fin,
            }),
            regularizer: self.regularizer,
            seed: self.seed,
            epochs: self.epochs,
            loss: self.loss,
            training: self.training,
        }
    }
}

/// The format and version a file says it has (`shown`: its version as written, for the
/// message), checked before anything that depends on them.
fn check_head(
    format: &str,
    version: Option<u64>,
    shown: &dyn std::fmt::Display,
) -> Result<(), Error> {
    if format != FORMAT {
        return Err(Error::key(
            "format",
            tr!("error.model.format", got = format, want = FORMAT),
        ));
    }
    if !version.is_some_and(|v| READS.iter().any(|&r| u64::from(r) == v)) {
        let want = READS.map(|v| v.to_string()).join(", ");
        return Err(Error::key(
            "version",
            tr!("error.model.version", got = shown, want = want),
        ));
    }
    Ok(())
}

/// Where a version keeps a key: version 1 at the top, version 2 under `params.` / `network.`.
fn key_of(version: u32, group: &str, key: &str) -> String {
    if version == 1 {
        key.to_string()
    } else {
        format!("{group}.{key}")
    }
}

impl ModelFile {
    /// Snapshot a trainer. `loss` is the full-training-set loss (computed here).
    pub fn from_trainer(t: &Trainer) -> ModelFile {
        ModelFile {
            format: FORMAT.into(),
            version: VERSION,
            preset: t.config().preset,
            params: Named::of(t.model().blocks(), t.theta()),
            network: t
                .model()
                .as_any()
                .downcast_ref::<ProbeModel>()
                .map(|p| p.network().bulk.clone()),
            regularizer: Some(t.config().regularizer()),
            seed: Some(t.config().seed),
            epochs: t.epoch(),
            loss: Some(t.full_loss().total()).filter(|v| v.is_finite()),
            training: Some(t.config().clone()),
        }
    }

    /// Parse and validate JSON text (version 1 or 2). Errors name the key (or line and column)
    /// and the reason.
    pub fn from_json(text: &str) -> Result<ModelFile, Error> {
        let of = |e: serde_json::Error| Error::json(&e).of("model file");
        let raw: serde_json::Value = serde_json::from_str(text).map_err(of)?;
        // Format and version first: a file of another kind or version is named as such, not by
        // the first key this version would miss.
        let format = raw.get("format").and_then(|f| f.as_str()).unwrap_or("");
        let version = raw.get("version").and_then(|v| v.as_u64());
        let shown = raw
            .get("version")
            .map_or("(none)".into(), |v| v.to_string());
        check_head(format, version, &shown).map_err(|e| e.of("model file"))?;
        let (m, version) = if version == Some(1) {
            (serde_json::from_str::<V1>(text).map_err(of)?.into_v2(), 1)
        } else {
            (
                serde_json::from_str::<ModelFile>(text).map_err(of)?,
                VERSION,
            )
        };
        m.validate_as(version).map_err(|e| e.of("model file"))?;
        Ok(m)
    }

    /// Pretty JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serialises")
    }

    fn check_version(&self) -> Result<(), Error> {
        check_head(&self.format, Some(self.version.into()), &self.version)
    }

    /// Check the file against this build: format, version, geometry of the system, the
    /// parameter blocks, finiteness. The error names the key.
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_as(self.version)
    }

    /// [`ModelFile::validate`], naming keys as version `v` spells them (a version-1 file is
    /// read into version 2's shape, and its errors name the keys it has).
    fn validate_as(&self, v: u32) -> Result<(), Error> {
        self.check_version()?;
        if let Some(probe) = self.preset.system().probe() {
            self.check_probe(probe, v)?;
        } else if let Some(bulk) = &self.network {
            return Err(Error::key(
                key_of(v, "network", "layers"),
                tr!(
                    "error.model.geometry",
                    got = bulk.layers,
                    preset = self.preset,
                    want = "-"
                ),
            ));
        }
        self.theta().map_err(|e| Error::key("params", e))?;
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
    /// The probe-scalar network's checks: the geometry of the system, h's length and
    /// finiteness, a positive L where the system learns it.
    fn check_probe(&self, sys: &dyn ProbeSystem, v: u32) -> Result<(), Error> {
        let bulk = &sys.network().bulk;
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
        let file_bulk = self.network.clone().unwrap_or_else(|| bulk.clone());
        let geometry = |key: &str, got: String, want: String| {
            Err(Error::key(
                key_of(v, "network", key),
                tr!(
                    "error.model.geometry",
                    got = got,
                    preset = self.preset,
                    want = want
                ),
            ))
        };
        if file_bulk.d != bulk.d {
            return geometry("d", file_bulk.d.to_string(), bulk.d.to_string());
        }
        let reals = [
            ("m2", file_bulk.m2, bulk.m2),
            ("eta_ini", file_bulk.eta_ini, bulk.eta_ini),
            ("eta_fin", file_bulk.eta_fin, bulk.eta_fin),
        ];
        for (key, got, want) in reals {
            if !close(got, want) {
                return geometry(key, got.to_string(), want.to_string());
            }
        }
        if file_bulk.layers != bulk.layers {
            return geometry(
                "layers",
                file_bulk.layers.to_string(),
                bulk.layers.to_string(),
            );
        }
        let h = self.params.get("h").unwrap_or_default();
        if h.len() != bulk.layers {
            return Err(Error::key(
                key_of(v, "params", "h"),
                tr!("error.model.h_len", n = h.len(), layers = bulk.layers),
            ));
        }
        if let Some(k) = h.iter().position(|v| !v.is_finite()) {
            return Err(Error::key(
                key_of(v, "params", &format!("h[{k}]")),
                tr!("error.model.not_finite"),
            ));
        }
        match (sys.train_couplings(), self.params.get("ads_radius")) {
            (true, None) => {
                return Err(Error::key(
                    key_of(v, "params", "ads_radius"),
                    tr!("error.model.l_required", preset = self.preset),
                ))
            }
            (_, Some(&[l])) if !(l.is_finite() && l > 0.0) => {
                return Err(Error::key(
                    key_of(v, "params", "ads_radius"),
                    tr!("error.model.positive", got = l),
                ))
            }
            _ => {}
        }
        Ok(())
    }

    /// θ laid out as the system's model's blocks. L, which systems that do not learn it need
    /// not store, is 1 where absent.
    pub fn theta(&self) -> Result<Vec<f64>, String> {
        let mut named = self.params.clone();
        if self.preset.system().probe().is_some() {
            // A field system's file need not store its fixed L (version 1 did not).
            named
                .0
                .entry("ads_radius".into())
                .or_insert(Value::Scalar(1.0));
        }
        named.theta(&self.preset.system().blocks())
    }

    /// The probe-scalar network's parameters.
    pub fn params(&self) -> Params {
        ProbeModel::params_of(&self.theta().expect("a validated file"))
    }

    /// The metric h_0 … h_{N−1}.
    pub fn h(&self) -> &[f64] {
        self.params.get("h").unwrap_or_default()
    }

    /// The network's geometry: the file's, else the system's.
    pub fn bulk(&self) -> Bulk {
        self.network
            .clone()
            .unwrap_or_else(|| network_for(&self.config()).bulk)
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
        t.set_theta(self.theta()?)?;
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
