//! Ensembles of independent seeds: mean ± sd of the learned metric and couplings, as P2 Table II.
//! The threads live in the CLI (and Web Workers in the page); this module only trains one member
//! and summarises many.

use super::{TrainConfig, Trainer};
use crate::physics::Params;
pub use crate::stats::MeanSd;
use crate::systems::SystemId;
use serde::{Deserialize, Serialize};

/// 1/L in MeV is 1000/L\[GeV⁻¹\].
pub fn inv_l_mev(l_gev_inv: f64) -> f64 {
    1000.0 / l_gev_inv
}

/// The outcome of one ensemble member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Its seed.
    pub seed: u64,
    /// Final parameters.
    pub params: Params,
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
}

impl RunResult {
    /// Finite, not diverged, and with loss ≤ `cut`.
    pub fn converged(&self, cut: f64) -> bool {
        !self.diverged && self.loss.is_finite() && self.params.is_finite() && self.loss <= cut
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
        params: t.params().clone(),
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
}

/// Summarise runs of `system` as P2 does: keep those with loss ≤ `max_loss`.
pub fn summarize(system: SystemId, results: &[RunResult], max_loss: f64) -> Summary {
    let kept: Vec<&RunResult> = results
        .iter()
        .filter(|r| r.loss.is_finite() && r.params.is_finite() && r.loss <= max_loss)
        .collect();
    let col =
        |f: &dyn Fn(&RunResult) -> f64| MeanSd::of(&kept.iter().map(|r| f(r)).collect::<Vec<_>>());
    let n = results.first().map_or(0, |r| r.params.h.len());
    Summary {
        preset: system,
        runs: results.len(),
        kept: kept.len(),
        with_shape: kept
            .iter()
            .filter(|r| {
                system
                    .system()
                    .probe()
                    .and_then(|p| p.published_shape(&r.params.h))
                    == Some(true)
            })
            .count(),
        max_loss,
        h: (0..n).map(|k| col(&|r| r.params.h[k])).collect(),
        lambda: col(&|r| r.params.lambda),
        ads_radius: col(&|r| r.params.ads_radius),
        inv_l_mev: col(&|r| inv_l_mev(r.params.ads_radius)),
        loss: col(&|r| r.loss),
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
            params: Params {
                h: vec![1.0, 2.0],
                lambda: 0.0,
                ads_radius: l,
            },
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
    }
}
