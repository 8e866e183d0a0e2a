//! The meson system over many seeds (docs/physics.md §M.6): each run's masses, and for the soft
//! wall how close the learned A and Φ come to −ln z and cz².
//!
//! `cargo run --release --example mesons_seeds -- LR PRIOR {pdg|soft|loo} EPOCHS SEEDS`, e.g.
//! `… -- 0.005 0.1 pdg 1000 41-56`. `pdg`: the bundled towers; `soft`: the soft wall c = 0.2 GeV²
//! (ρ n = 0–2, a₂ n = 0–1); `loo`: the PDG towers without ρ(1700) and a₂(1700).

use adsdl::systems::mesons::{self, model::MesonModel};
use adsdl::train::{TrainConfig, Trainer};

const C: f64 = 0.2;

fn soft(spin: u32, n: u32) -> f64 {
    (4.0 * C * (n + spin) as f64).sqrt()
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 6 {
        eprintln!("usage: mesons_seeds LR PRIOR pdg|soft|loo EPOCHS FIRST-LAST");
        std::process::exit(2);
    }
    let lr: f64 = a[1].parse().expect("LR");
    let prior: f64 = a[2].parse().expect("PRIOR");
    let mode = a[3].as_str();
    let epochs: usize = a[4].parse().expect("EPOCHS");
    let (first, last) = a[5].split_once('-').expect("seeds FIRST-LAST");
    let seeds = first.parse::<u64>().expect("FIRST")..=last.parse::<u64>().expect("LAST");
    let table = match mode {
        "pdg" => None,
        "soft" => {
            let mut t = String::from("spin,n,mass_GeV\n");
            for (s, top) in [(1, 2), (2, 1)] {
                for n in 0..=top {
                    t += &format!("{s},{n},{}\n", soft(s, n));
                }
            }
            Some(t)
        }
        "loo" => Some(
            "spin,n,mass_GeV,error_GeV\n1,0,0.77526,0.00025\n1,1,1.465,0.025\n2,0,1.3182,0.0006\n"
                .to_string(),
        ),
        m => panic!("mode {m}: pdg, soft or loo"),
    };
    for seed in seeds {
        let c = TrainConfig {
            lr,
            reg_c: prior,
            seed,
            epochs,
            table: table.clone(),
            ..TrainConfig::new(mesons::ID)
        };
        let mut t = Trainer::new(c).expect("a valid configuration");
        let start = std::time::Instant::now();
        let diverged = t.train_budget(epochs, |_| {}).is_err();
        t.keep_converged();
        let loss = t.full_loss();
        let m: &MesonModel = t.model().as_any().downcast_ref().expect("a meson model");
        let (rho, a2) = (m.masses(1, 5), m.masses(2, 4));
        let status = if diverged {
            "diverged"
        } else if loss.total() <= 1.0 {
            "converged"
        } else {
            "not converged"
        };
        print!(
            "seed {seed} {status} epochs {} restarts {} {:.2} s  loss data {:.2e} prior {:.2e}",
            t.epoch(),
            t.attempt(),
            start.elapsed().as_secs_f64(),
            loss.data,
            loss.reg
        );
        if mode == "soft" {
            let fitted = [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1)];
            let fit = fitted
                .iter()
                .map(|&(s, n)| {
                    let mass = if s == 1 {
                        rho[n as usize]
                    } else {
                        a2[n as usize]
                    };
                    (mass / soft(s, n) - 1.0).abs()
                })
                .fold(0.0f64, f64::max);
            let z: Vec<f64> = (4..=24).map(|i| i as f64 * 0.25).collect();
            let (aa, phi) = m.profile(&z);
            let warp = z.iter().zip(&aa).map(|(z, a)| (a + z.ln()).abs());
            // tests/mesons.rs's bound: |Φ − cz²| < 0.05cz² + 0.02; shown as its share of it.
            let dil = z
                .iter()
                .zip(&phi)
                .map(|(z, p)| (p - C * z * z).abs() / (0.05 * C * z * z + 0.02));
            println!(
                "  fit {fit:.2e}  next ρ {:+.4} a₂ {:+.4}  max|A+ln z| {:.3}  max|Φ−cz²|/bound {:.2} (z 1–6)",
                rho[3] / soft(1, 3) - 1.0,
                a2[2] / soft(2, 2) - 1.0,
                warp.fold(0.0, f64::max),
                dil.fold(0.0, f64::max)
            );
        } else {
            println!("  ρ {rho:.4?}  a₂ {a2:.4?}");
        }
    }
}
