//! Print λ, L and loss at checkpoints for the raw paper protocol, per seed: the data behind the
//! failure detectors of the `restart` recipe. `cargo run --release --example trajectories -- 1 20`
use adsdl::systems::qcd;
use adsdl::train::{Recipe, TrainConfig, Trainer};

fn main() {
    let a: Vec<u64> = std::env::args()
        .skip(1)
        .map(|s| s.parse().expect("seed numbers"))
        .collect();
    let (first, n) = (
        a.first().copied().unwrap_or(1),
        a.get(1).copied().unwrap_or(12),
    );
    let checks = [10, 25, 50, 100, 150, 200, 300, 500, 1000, 1500];
    for seed in first..first + n {
        let mut c = TrainConfig::new(qcd::ID);
        c.seed = seed;
        c.recipe = Recipe::Paper;
        let mut t = Trainer::new(c).unwrap();
        let mut line = format!("seed {seed:>3}:");
        for &e in &checks {
            while t.epoch() < e {
                if t.epoch_step().is_err() {
                    break;
                }
            }
            if t.epoch() < e {
                line += &format!(" NaN@{}", t.epoch());
                break;
            }
            let p = t.params();
            line += &format!(
                " [{e}: {:.3} L{:.2} λ{:+.1}]",
                t.last_epoch_loss().unwrap(),
                p.ads_radius,
                p.lambda
            );
        }
        println!("{line}");
    }
}
