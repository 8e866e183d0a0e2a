//! Epochs from a fresh start to the emergent metric (`qcd::reached_metric`, the criterion of the
//! page benchmark), per seed of the default QCD run.
//!
//!   cargo run --release --example to_metric -- SEEDS [lr] [batch] [recipe] [budget]
//!
//! e.g. `-- 1-24 0.002 100 fast 3000` (recipe `fast`, `restart` or `paper`). Prints one line
//! per seed and the median and worst (a seed that never gets there counts as the budget). Two
//! threads.
use adsdl::systems::qcd;
use adsdl::train::{TrainConfig, Trainer};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let (lo, hi) = a[0].split_once('-').map_or_else(
        || (a[0].parse().unwrap(), a[0].parse().unwrap()),
        |(x, y)| (x.parse::<u64>().unwrap(), y.parse::<u64>().unwrap()),
    );
    let mut c = TrainConfig::new(qcd::ID);
    if let Some(v) = a.get(1) {
        c.lr = v.parse().unwrap();
    }
    if let Some(v) = a.get(2) {
        c.batch = v.parse().unwrap();
    }
    if let Some(v) = a.get(3) {
        c.recipe = v.parse().unwrap();
    }
    let budget: usize = a.get(4).map_or(3000, |v| v.parse().unwrap());
    let seeds: Vec<u64> = (lo..=hi).collect();
    let run = |seed: u64| {
        let mut t = Trainer::new(TrainConfig { seed, ..c.clone() }).unwrap();
        while t.epoch() < budget {
            if t.epoch_step().is_err() {
                return (seed, None);
            }
            if qcd::reached_metric(t.last_epoch_loss().unwrap(), t.params().ads_radius) {
                return (seed, Some(t.epoch()));
            }
        }
        (seed, None)
    };
    let half = seeds.len().div_ceil(2);
    let mut out: Vec<(u64, Option<usize>)> = std::thread::scope(|s| {
        let hs: Vec<_> = seeds
            .chunks(half)
            .map(|part| s.spawn(move || part.iter().map(|&x| run(x)).collect::<Vec<_>>()))
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    out.sort();
    for (seed, e) in &out {
        println!(
            "seed {seed}: {}",
            e.map_or("not reached".into(), |e| e.to_string())
        );
    }
    let mut e: Vec<usize> = out.iter().map(|x| x.1.unwrap_or(budget)).collect();
    e.sort();
    println!(
        "lr {} batch {} recipe {}: reached {}/{}, median {} epochs, worst {}",
        c.lr,
        c.batch,
        c.recipe.name(),
        out.iter().filter(|x| x.1.is_some()).count(),
        out.len(),
        e[e.len() / 2],
        e[e.len() - 1]
    );
}
