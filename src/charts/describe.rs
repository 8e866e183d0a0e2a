//! A short description of each chart in words, for screen readers (a polite live region in the
//! page follows the run with it) and for anyone who cannot see the canvas.

use super::ChartKind;
use crate::observables::Report;
use crate::physics::t_of_f;
use crate::tr;
use crate::train::Trainer;

/// What chart `kind` shows now, in one or two sentences. `report` is the reconstruction behind
/// the f, g and V(d) charts (`None`: no horizon yet).
pub fn describe(kind: ChartKind, t: &Trainer, report: Option<&Report>) -> String {
    match kind {
        ChartKind::Metric => metric(t),
        ChartKind::Data => data(t),
        ChartKind::Loss => loss(t),
        ChartKind::Couplings => couplings(t),
        ChartKind::Spectrum => spectrum(t),
        #[cfg(not(target_arch = "wasm32"))]
        ChartKind::Towers | ChartKind::Levels | ChartKind::Profile => mesons(kind, t),
        // The page's build has no meson system (systems::REGISTRY).
        #[cfg(target_arch = "wasm32")]
        ChartKind::Towers | ChartKind::Levels | ChartKind::Profile => String::new(),
        ChartKind::Fg => match report {
            Some(r) => match r.f_peak {
                Some((eta, _)) => tr!("describe.fg.wall", eta = format!("{eta:.2}")),
                None => tr!("describe.fg.no_wall"),
            },
            None => tr!("describe.fg.no_horizon"),
        },
        ChartKind::Potential => match report {
            Some(r) => tr!(
                "describe.potential",
                linear = format!("{:.3}", r.d_linear),
                screen = format!("{:.3}", r.d_screen),
                fm = format!("{:.2}", r.d_screen_fm)
            ),
            None => tr!("describe.potential.no_horizon"),
        },
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// The meson panels in words: the towers' fit and predictions, the levels, the profile.
fn mesons(kind: ChartKind, t: &Trainer) -> String {
    use crate::systems::mesons::model::MesonModel;
    let Some(m) = t.model().as_any().downcast_ref::<MesonModel>() else {
        return String::new();
    };
    let preds = m.predictions();
    let worst = m
        .states()
        .iter()
        .filter_map(|s| {
            let p = preds.iter().find(|p| p.spin == s.spin && p.n == s.n)?;
            Some((p.mass_gev / s.mass - 1.0).abs())
        })
        .fold(0.0, f64::max);
    let predicted: Vec<String> = preds
        .iter()
        .filter(|p| !m.states().iter().any(|s| s.spin == p.spin && s.n == p.n))
        .map(|p| format!("S = {}, n = {}: {:.3} GeV", p.spin, p.n, p.mass_gev))
        .collect();
    match kind {
        ChartKind::Towers => tr!(
            "describe.towers",
            states = m.states().len(),
            worst = format!("{:.1}", 100.0 * worst),
            predicted = predicted.join("; ")
        ),
        ChartKind::Levels => tr!("describe.levels", levels = preds.len()),
        _ => {
            let z = [2.0, 5.0, 8.0];
            let (a, phi) = m.profile(&z);
            tr!(
                "describe.profile",
                a2 = format!("{:+.2}", a[0] + z[0].ln()),
                a5 = format!("{:+.2}", a[1] + z[1].ln()),
                phi2 = format!("{:.2}", phi[0]),
                phi5 = format!("{:.2}", phi[1]),
                phi8 = format!("{:.2}", phi[2])
            )
        }
    }
}

fn metric(t: &Trainer) -> String {
    let h = &t.params().h;
    let etas = t.network().bulk.etas();
    let (k, min) =
        h.iter().copied().enumerate().fold(
            (0, f64::INFINITY),
            |a, (k, v)| if v < a.1 { (k, v) } else { a },
        );
    let last = h.len() - 1;
    if !min.is_finite() {
        return tr!("describe.metric.not_finite");
    }
    let wall = if min < 0.0 {
        crate::i18n::t("describe.metric.wall")
    } else {
        ""
    };
    let reference = t
        .probe_system()
        .reference(&t.config().inputs(), t.network());
    tr!(
        "describe.metric",
        min = format!("{min:.2}"),
        at = format!("{:.2}", etas[k]),
        wall = wall,
        horizon = format!("{:.2}", etas[last]),
        h = format!("{:.1}", h[last]),
        reference = format!("{:.1}", reference.at_layers[last]),
        label = reference.label
    )
}

fn data(t: &Trainer) -> String {
    // Every k-th point: a stable estimate at a fraction of the cost.
    let stride = (t.data().len() / 400).max(1);
    let (mut pos, mut pos_ok, mut neg, mut neg_ok) = (0, 0, 0, 0);
    for s in t.data().iter().step_by(stride) {
        let accepted = t_of_f(t.network().forward(t.params(), s.x)[1]) < 0.5;
        if s.y == 0.0 {
            pos += 1;
            pos_ok += usize::from(accepted);
        } else {
            neg += 1;
            neg_ok += usize::from(!accepted);
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    tr!(
        "describe.data",
        on = format!("{:.0}", pct(pos_ok, pos)),
        off = format!("{:.0}", pct(neg_ok, neg))
    )
}

fn loss(t: &Trainer) -> String {
    let l = &t.history().loss;
    match (l.first(), l.last()) {
        (Some(a), Some(b)) => {
            let restarts = match t.attempt() {
                0 => String::new(),
                1 => tr!("describe.loss.restarted_once"),
                n => tr!("describe.loss.restarted", n = n),
            };
            let n = l.len();
            let key = if n == 1 {
                "describe.loss.one"
            } else {
                "describe.loss"
            };
            crate::i18n::fill(
                crate::i18n::t(key),
                &[
                    ("loss", &format!("{b:.3}")),
                    ("n", &n),
                    ("start", &format!("{a:.3}")),
                    ("restarts", &restarts),
                ],
            )
        }
        _ => tr!("describe.loss.none"),
    }
}

fn couplings(t: &Trainer) -> String {
    let p = t.params();
    let published = t
        .probe_system()
        .published_couplings()
        .map_or(String::new(), |(l, lam)| {
            tr!("describe.couplings.published", l = l, lambda = lam)
        });
    tr!(
        "describe.couplings",
        l = format!("{:.2}", p.ads_radius),
        lambda = format!("{:.4}", p.lambda),
        published = published
    )
}

fn spectrum(t: &Trainer) -> String {
    spectrum_words(&crate::charts::spectrum_of(t))
}

/// The Laplace band in words: its width at the boundary and toward the horizon.
pub fn laplace_words(l: &crate::observables::determined::Laplace, layers: usize) -> String {
    tr!(
        "describe.metric.laplace",
        boundary = format!("{:.2}", l.sd[0]),
        horizon = format!("{:.1}", l.sd[layers - 1]),
        n = l.measurements
    )
}

/// The spectrum of what the data determine in words: the directions the data set, each by its
/// two largest components and the step it is pinned to.
pub fn spectrum_words(s: &crate::observables::determined::Spectrum) -> String {
    let set: Vec<String> = s
        .directions
        .iter()
        .filter(|d| d.set_by_data())
        .map(|d| {
            tr!(
                "describe.spectrum.direction",
                direction = s.leading(d, 2),
                step = format!("{:.1e}", d.resolution())
            )
        })
        .collect();
    tr!(
        "describe.spectrum",
        set = set.len(),
        n = s.directions.len(),
        list = if set.is_empty() {
            tr!("describe.spectrum.none")
        } else {
            set.join(crate::i18n::t("describe.spectrum.separator"))
        },
        rest = s.directions.len() - set.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systems::REGISTRY;
    use crate::train::TrainConfig;

    #[test]
    fn every_chart_of_every_system_is_described() {
        for sys in REGISTRY {
            let c = TrainConfig {
                per_class: 50,
                batch: 10,
                ..TrainConfig::new(sys.id())
            };
            let mut t = Trainer::new(c).unwrap();
            t.epoch_step().unwrap();
            for &k in sys.charts() {
                let d = describe(k, &t, None);
                assert!(d.len() > 20 && d.ends_with('.'), "{}: {d}", k.name());
            }
            let d = describe(ChartKind::Loss, &t, None);
            assert!(d.contains("after 1 epoch;"), "{d}");
        }
    }
}
