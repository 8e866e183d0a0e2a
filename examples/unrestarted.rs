//! Would a seed the fast recipe restarted have converged without restarts? Trains each seed's
//! first initialisation with the fast recipe's learning rates (its system's plateau factor while
//! the last epoch's mean loss is above the plateau's end) and no failure detector, for the same
//! budget the recipe has (`max_epochs`, 5000), and says whether it converged at any epoch
//! (whole-set loss at the keep-cut with the published shape) — the false-restart count of the
//! README and docs/results.md.
//!
//!   cargo run --release --example unrestarted -- SEED SEED …
use adsdl::systems::qcd;
use adsdl::train::{Recipe, TrainConfig, Trainer};

fn main() {
    let seeds: Vec<u64> = std::env::args()
        .skip(1)
        .map(|s| s.parse().expect("seed numbers"))
        .collect();
    let run = |seed: u64| {
        let c = TrainConfig {
            seed,
            recipe: Recipe::Paper,
            ..TrainConfig::new(qcd::ID)
        };
        let (lr, budget) = (c.lr, c.max_epochs);
        let mut t = Trainer::new(c).unwrap();
        let plateau = t.system().plateau().expect("QCD has a plateau");
        let cut = t.system().keep_loss();
        while t.epoch() < budget {
            let on = t.last_epoch_loss().is_none_or(|l| l > plateau.until_loss);
            t.set_lr(if on { plateau.factor * lr } else { lr }).unwrap();
            if t.epoch_step().is_err() {
                return (seed, format!("diverged at epoch {}", t.epoch()), false);
            }
            // The whole set decides (as the recipe's own check), asked only near the cut: it
            // costs a third of an epoch.
            if t.last_epoch_loss().is_some_and(|l| l <= 1.1 * cut) {
                let loss = t.full_loss().total();
                if loss <= cut && t.probe_system().published_shape(&t.params().h) == Some(true) {
                    let l = t.params().ads_radius;
                    let what =
                        format!("converged at epoch {}: loss {loss:.4}, L {l:.3}", t.epoch());
                    return (seed, what, true);
                }
            }
        }
        let loss = t.full_loss().total();
        let what = format!(
            "not by epoch {budget}: loss {loss:.4}, L {:.3}",
            t.params().ads_radius
        );
        (seed, what, false)
    };
    let half = seeds.len().div_ceil(2).max(1);
    let out: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = seeds
            .chunks(half)
            .map(|part| s.spawn(move || part.iter().map(|&x| run(x)).collect::<Vec<_>>()))
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    for (seed, what, ok) in &out {
        println!(
            "seed {seed}: {what}{}",
            if *ok { "  CONVERGED" } else { "" }
        );
    }
    println!(
        "{} of {} would have converged unrestarted",
        out.iter().filter(|x| x.2).count(),
        out.len()
    );
}
