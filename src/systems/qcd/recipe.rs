//! The QCD failure detector of the `restart` recipe: the two known failure modes of P2's protocol
//! are recognised early, and the run restarts from a fresh random initialisation
//! (docs/physics.md §4, "How training behaves").

use crate::i18n::Msg;
use crate::msg;
use crate::physics::Params;
use crate::systems::Plateau;

/// Epoch (since the last (re)start) of the early check: by then every converging run of the
/// paper protocol has swung λ below −1.9, every failing one has λ above +3 (upward drift) or
/// L < 0.6 with λ ≈ 0 (collapse) — measured on seeds 1–24 (`examples/trajectories.rs`).
pub const QCD_EARLY_EPOCH: usize = 50;
/// Epoch of the confirming check (docs/physics.md §4: by ~300, converging runs have λ < −5, L > 1).
pub const QCD_CONFIRM_EPOCH: usize = 300;
/// Epochs after which a run that has not reached loss ≤ 0.1 is abandoned (converging runs of the
/// paper protocol get there in 700–1100 epochs at lr 0.002).
pub const QCD_GIVE_UP_EPOCH: usize = 2500;

/// The fast recipe's plateau: twice P2's learning rate while the epoch-mean loss is above 0.12.
/// Runs sit near 0.253 for 350–750 epochs before the wall forms and the loss falls to P2's 0.08;
/// below 0.12 they train at P2's rate, which decides where along the flat direction of (L, λ)
/// they end: at 1.5× P2's rate throughout they end elsewhere (docs/findings.md, "Fewer epochs").
/// Chosen on seeds 1–24 (factors 1.5–4, ends 0.1–0.23: `cargo run --release --example
/// to_metric -- 1-24 0.002 100 fast`); reported on the unseen seeds 4001–4100 in docs/findings.md.
pub const QCD_PLATEAU: Plateau = Plateau {
    factor: 2.0,
    until_loss: 0.12,
};

/// The QCD failure detector: `epochs` counts epochs since the last (re)start, `loss` is the last
/// epoch's mean loss. Returns why the run is judged a failure, or `None` while it looks healthy.
pub fn qcd_failure(epochs: usize, p: &Params, loss: f64) -> Option<Msg> {
    if !p.is_finite() || !loss.is_finite() {
        return Some(msg!("failure.non_finite"));
    }
    let (l, lam) = (p.ads_radius, p.lambda);
    if epochs == QCD_EARLY_EPOCH && lam >= -1.0 {
        return Some(if l < 0.7 {
            msg!(
                "failure.l_collapse",
                l = format!("{l:.2}"),
                loss = format!("{loss:.3}")
            )
        } else {
            msg!(
                "failure.lambda_drift",
                lambda = format!("{lam:+.2}"),
                loss = format!("{loss:.3}")
            )
        });
    }
    if epochs == QCD_CONFIRM_EPOCH && loss > 0.1 && !(lam < -5.0 && l > 1.0) {
        return Some(msg!(
            "failure.no_wall",
            epochs = epochs,
            loss = format!("{loss:.3}"),
            l = format!("{l:.2}"),
            lambda = format!("{lam:+.2}")
        ));
    }
    if epochs >= QCD_GIVE_UP_EPOCH && loss > 0.1 {
        return Some(msg!(
            "failure.give_up",
            loss = format!("{loss:.3}"),
            epochs = epochs
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(l: f64, lambda: f64) -> Params {
        Params {
            h: vec![4.0; 15],
            lambda,
            ads_radius: l,
        }
    }

    #[test]
    fn detectors_fire_on_the_failure_signatures_only() {
        // Seen at epoch 50 on the paper protocol: converging seeds 1, 6 vs failing seeds 2, 10.
        assert_eq!(qcd_failure(QCD_EARLY_EPOCH, &p(0.81, -6.0), 0.252), None);
        assert_eq!(qcd_failure(QCD_EARLY_EPOCH, &p(1.05, -1.9), 0.250), None);
        assert!(qcd_failure(QCD_EARLY_EPOCH, &p(2.57, 3.9), 0.254)
            .unwrap()
            .to_string()
            .contains("drifting upward"));
        assert!(qcd_failure(QCD_EARLY_EPOCH, &p(0.57, -0.1), 0.253)
            .unwrap()
            .to_string()
            .contains("collapsing"));
        assert_eq!(qcd_failure(QCD_CONFIRM_EPOCH, &p(1.6, -9.6), 0.244), None);
        assert!(qcd_failure(QCD_CONFIRM_EPOCH, &p(0.9, -2.0), 0.25).is_some());
        assert!(qcd_failure(7, &p(f64::NAN, 0.0), 0.2).is_some());
        assert_eq!(qcd_failure(QCD_GIVE_UP_EPOCH, &p(3.4, 0.01), 0.08), None);
    }
}
