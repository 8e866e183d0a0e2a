//! Would a seed the fast recipe restarted have converged without restarts? Trains each seed's
//! first initialisation with the fast recipe's learning rates (its system's plateau factor while
//! the last epoch's mean loss is above the plateau's end) and no failure detector, for the
//! protocol's epochs, and says whether it ends converged (whole-set loss at the keep-cut with the
//! published shape) — the false-restart count of the README.
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
        let (lr, epochs) = (c.lr, c.epochs);
        let mut t = Trainer::new(c).unwrap();
        let plateau = t.system().plateau().expect("QCD has a plateau");
        while t.epoch() < epochs {
            let on = t.last_epoch_loss().is_none_or(|l| l > plateau.until_loss);
            t.set_lr(if on { plateau.factor * lr } else { lr }).unwrap();
            if t.epoch_step().is_err() {
                return (seed, format!("diverged at epoch {}", t.epoch()), false);
            }
        }
        let loss = t.full_loss().total();
        let ok = loss <= t.system().keep_loss()
            && t.system().published_shape(&t.params().h) == Some(true);
        (
            seed,
            format!("loss {loss:.4}, L {:.3}", t.params().ads_radius),
            ok,
        )
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
