//! Ensembles of independent seeds: mean ± sd of the learned metric and couplings, as P2 Table II.
//! The threads live in the CLI (and Web Workers in the page); this module only trains one member
//! and summarises many.

use super::{TrainConfig, Trainer};
use crate::physics::Params;
pub use crate::stats::MeanSd;
use crate::systems::model::Named;
use crate::systems::SystemId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// 1/L in MeV is 1000/L\[GeV⁻¹\].
pub fn inv_l_mev(l_gev_inv: f64) -> f64 {
    1000.0 / l_gev_inv
}

/// The outcome of one ensemble member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Its seed.
    pub seed: u64,
    /// Final θ by block (P2's network: `h`, `lambda`, `ads_radius`).
    pub params: Named,
    /// Final loss over the training set as one batch (data + regulariser).
    pub loss: f64,
    /// Epochs trained.
    pub epochs: usize,
    /// Restarts the recipe made.
    pub restarts: u32,
    /// First epoch at which the metric had the published shape (systems that have one), if ever.
    pub shape_epoch: Option<usize>,
    /// Whether the run ended in a divergence (paper recipe).
    pub diverged: bool,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// What the model says of its final θ besides the loss ([`crate::systems::Model::observables`]:
    /// a meson run's towers and profile); empty for P2's network.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub observables: Map<String, Value>,
}

impl RunResult {
    /// Finite, not diverged, and with loss ≤ `cut`.
    pub fn converged(&self, cut: f64) -> bool {
        !self.diverged && self.kept(cut)
    }

    /// Finite θ and loss ≤ `cut` (the runs a summary keeps).
    pub fn kept(&self, cut: f64) -> bool {
        let finite = self.params.0.keys().all(|k| {
            self.params
                .get(k)
                .is_some_and(|v| v.iter().all(|x| x.is_finite()))
        });
        finite && self.loss.is_finite() && self.loss <= cut
    }

    /// P2's network's parameters, where the run is of a probe system.
    pub fn probe_params(&self) -> Option<Params> {
        let scalar = |k: &str| self.params.get(k).and_then(|v| v.first().copied());
        Some(Params {
            h: self.params.get("h")?.to_vec(),
            lambda: scalar("lambda")?,
            ads_radius: scalar("ads_radius")?,
        })
    }
}

/// Train one member to `config.epochs` (and on, within its budget, while it has not converged:
/// [`Trainer::train_budget`]), noting when the published shape first appears.
/// `now` returns seconds (std's clock natively, `performance.now()` in the page).
pub fn train_member(config: TrainConfig, now: &dyn Fn() -> f64) -> Result<RunResult, String> {
    let t0 = now();
    let seed = config.seed;
    let epochs = config.epochs;
    let mut t = Trainer::new(config)?;
    let mut shape_epoch = None;
    let diverged = t
        .train_budget(epochs, |t| {
            if shape_epoch.is_none()
                && t.model().published_shape() == Some(true)
                && t.last_epoch_loss().is_some_and(|l| l <= 0.1)
            {
                shape_epoch = Some(t.epoch());
            }
        })
        .is_err();
    if !diverged {
        t.keep_converged();
    }
    Ok(RunResult {
        seed,
        params: Named::of(t.model().blocks(), t.theta()),
        observables: t.model().observables(),
        loss: t.full_loss().total(),
        epochs: t.epoch(),
        restarts: t.attempt(),
        shape_epoch,
        diverged,
        seconds: now() - t0,
    })
}

/// Table II of an ensemble: statistics over the runs whose final loss ≤ `max_loss`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The system of the runs.
    pub preset: SystemId,
    /// Runs trained.
    pub runs: usize,
    /// Runs kept (finite, loss ≤ max_loss).
    pub kept: usize,
    /// Kept runs with the published QCD shape.
    pub with_shape: usize,
    /// The loss cut.
    pub max_loss: f64,
    /// h_k over kept runs.
    pub h: Vec<MeanSd>,
    /// λ.
    pub lambda: MeanSd,
    /// L in GeV⁻¹.
    pub ads_radius: MeanSd,
    /// 1/L in MeV.
    pub inv_l_mev: MeanSd,
    /// Final losses of kept runs.
    pub loss: MeanSd,
    /// Mean ± sd over the kept runs of every number in their observables, in the observables'
    /// own shape (a meson ensemble's towers and the bands of A and Φ); absent when they have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observables: Option<Value>,
}

/// Summarise runs of `system` as P2 does: keep those with loss ≤ `max_loss`.
pub fn summarize(system: SystemId, results: &[RunResult], max_loss: f64) -> Summary {
    let kept: Vec<&RunResult> = results.iter().filter(|r| r.kept(max_loss)).collect();
    let col =
        |f: &dyn Fn(&RunResult) -> f64| MeanSd::of(&kept.iter().map(|r| f(r)).collect::<Vec<_>>());
    let block = |name: &'static str, k: usize| {
        move |r: &RunResult| {
            r.params
                .get(name)
                .and_then(|v| v.get(k).copied())
                .unwrap_or(f64::NAN)
        }
    };
    let n = results
        .first()
        .and_then(|r| r.params.get("h"))
        .map_or(0, <[f64]>::len);
    let probe = system.system().probe();
    Summary {
        preset: system,
        runs: results.len(),
        kept: kept.len(),
        with_shape: kept
            .iter()
            .filter(|r| {
                let h = r.params.get("h").unwrap_or_default();
                probe.and_then(|p| p.published_shape(h)) == Some(true)
            })
            .count(),
        max_loss,
        h: (0..n).map(|k| col(&block("h", k))).collect(),
        lambda: col(&block("lambda", 0)),
        ads_radius: col(&block("ads_radius", 0)),
        inv_l_mev: col(&|r| inv_l_mev(block("ads_radius", 0)(r))),
        loss: col(&|r| r.loss),
        observables: None,
    }
}

/// [`summarize`] with the mean ± sd of the kept runs' observables ([`mean_sd_tree`]): the
/// command line's report of a system whose model has observables (the page's ensembles, of P2's
/// network, do without it and without its JSON code).
pub fn summarize_with_observables(
    system: SystemId,
    results: &[RunResult],
    max_loss: f64,
) -> Summary {
    let mut s = summarize(system, results, max_loss);
    let kept: Vec<Value> = results
        .iter()
        .filter(|r| r.kept(max_loss) && !r.observables.is_empty())
        .map(|r| Value::Object(r.observables.clone()))
        .collect();
    if !kept.is_empty() {
        s.observables = Some(mean_sd_tree(&kept.iter().collect::<Vec<_>>()));
    }
    s
}

/// Mean ± sd of every number of values of one shape: numbers become `{"mean", "sd"}`, arrays and
/// objects are followed element by element (the shape of the first value; what the others lack
/// is left out), other values are kept from the first.
pub fn mean_sd_tree(values: &[&Value]) -> Value {
    let Some(first) = values.first() else {
        return Value::Null;
    };
    match first {
        Value::Number(_) => {
            let v: Vec<f64> = values.iter().filter_map(|x| x.as_f64()).collect();
            serde_json::to_value(MeanSd::of(&v)).expect("json")
        }
        Value::Array(a) => Value::Array(
            (0..a.len())
                .map(|i| mean_sd_tree(&values.iter().filter_map(|x| x.get(i)).collect::<Vec<_>>()))
                .collect(),
        ),
        Value::Object(o) => Value::Object(
            o.keys()
                .map(|k| {
                    let sub: Vec<&Value> = values.iter().filter_map(|x| x.get(k)).collect();
                    (k.clone(), mean_sd_tree(&sub))
                })
                .collect(),
        ),
        other => (*other).clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systems::qcd;

    #[test]
    fn an_empty_summary_round_trips_through_json() {
        let s = summarize(qcd::ID, &[], 0.1);
        let back: Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert!(back.lambda.mean.is_nan() && back.kept == 0);
    }

    #[test]
    fn summary_keeps_only_good_runs() {
        let mk = |loss: f64, l: f64| RunResult {
            seed: 0,
            params: serde_json::from_value(
                serde_json::json!({ "h": [1.0, 2.0], "lambda": 0.0, "ads_radius": l }),
            )
            .unwrap(),
            observables: Map::new(),
            loss,
            epochs: 1,
            restarts: 0,
            shape_epoch: None,
            diverged: false,
            seconds: 0.0,
        };
        let s = summarize(
            qcd::ID,
            &[
                mk(0.05, 3.0),
                mk(0.07, 4.0),
                mk(0.25, 0.1),
                mk(f64::NAN, 1.0),
            ],
            0.1,
        );
        assert_eq!((s.runs, s.kept), (4, 2));
        assert!((s.ads_radius.mean - 3.5).abs() < 1e-12);
        assert!((s.ads_radius.sd - 0.5f64.sqrt()).abs() < 1e-12);
        assert!(summarize_with_observables(qcd::ID, &[mk(0.05, 3.0)], 0.1)
            .observables
            .is_none());
    }

    #[test]
    fn observables_are_summarised_number_by_number_in_their_shape() {
        let a = serde_json::json!({ "masses": [{ "n": 0, "mass_gev": 1.0 }], "z": [1.0, 2.0] });
        let b = serde_json::json!({ "masses": [{ "n": 0, "mass_gev": 3.0 }], "z": [1.0, 4.0] });
        let t = mean_sd_tree(&[&a, &b]);
        assert_eq!(t["masses"][0]["mass_gev"]["mean"], 2.0);
        assert_eq!(t["masses"][0]["mass_gev"]["sd"], 2f64.sqrt());
        assert_eq!(t["masses"][0]["n"]["sd"], 0.0);
        assert_eq!(t["z"][1]["mean"], 3.0);
    }
}
