//! A short description of each chart in words, for screen readers (a polite live region in the
//! page follows the run with it) and for anyone who cannot see the canvas.

use super::ChartKind;
use crate::observables::Report;
use crate::physics::t_of_f;
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
        ChartKind::Fg => match report {
            Some(r) => match r.f_peak {
                Some((eta, _)) => format!(
                    "f, how clocks run, has its maximum — the infrared wall — at η′ = {eta:.2} L; g grows toward the boundary."
                ),
                None => "f grows monotonically toward the boundary: no wall.".into(),
            },
            None => "No horizon yet: f and g appear once the metric rises toward the horizon.".into(),
        },
        ChartKind::Potential => match report {
            Some(r) => format!(
                "The quark–antiquark potential is Coulomb-like at short distance, linear (confining) from d = {:.3} L, and screened beyond d = {:.3} L ({:.2} fm).",
                r.d_linear, r.d_screen, r.d_screen_fm
            ),
            None => "No horizon yet: the potential appears once the metric rises toward the horizon.".into(),
        },
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
        return "The learned metric is not finite.".into();
    }
    let wall = if min < 0.0 {
        ", below zero: the wall"
    } else {
        ""
    };
    let reference = t.system().reference(t.config(), t.network());
    format!(
        "The learned h(η) has its minimum, {min:.2}, at η = {:.2}{wall}; toward the horizon (η = {:.2}) it is {:.1}, against {:.1} for the {}.",
        etas[k],
        etas[last],
        h[last],
        reference.at_layers[last],
        reference.label
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
    format!(
        "The network accepts {:.0} % of the points on the curve and rejects {:.0} % of the points off it.",
        pct(pos_ok, pos),
        pct(neg_ok, neg)
    )
}

fn loss(t: &Trainer) -> String {
    let l = &t.history().loss;
    match (l.first(), l.last()) {
        (Some(a), Some(b)) => {
            let restarts = match t.attempt() {
                0 => String::new(),
                1 => " The recipe restarted the run once.".into(),
                n => format!(" The recipe restarted the run {n} times."),
            };
            let n = l.len();
            let epochs = if n == 1 { "epoch" } else { "epochs" };
            format!("The loss is {b:.3} after {n} {epochs}; it started at {a:.3}.{restarts}")
        }
        _ => "No epoch finished yet.".into(),
    }
}

fn couplings(t: &Trainer) -> String {
    let p = t.params();
    let published = t
        .system()
        .published_couplings()
        .map_or(String::new(), |(l, lam)| {
            format!(" (published: {l} and {lam})")
        });
    format!(
        "The AdS radius L is {:.2} GeV⁻¹ and the coupling λ is {:.4}{published}.",
        p.ads_radius, p.lambda
    )
}

fn spectrum(t: &Trainer) -> String {
    spectrum_words(&crate::charts::spectrum_of(t))
}

/// The spectrum of what the data determine in words: the directions the data set, each by its
/// two largest components and the step it is pinned to.
pub fn spectrum_words(s: &crate::observables::determined::Spectrum) -> String {
    let set: Vec<String> = s
        .directions
        .iter()
        .filter(|d| d.set_by_data())
        .map(|d| format!("{} (to ±{:.1e})", s.leading(d, 2), d.resolution()))
        .collect();
    format!(
        "The data set {} of {} directions of the parameters: {}. The regulariser chooses the other {}.",
        set.len(),
        s.directions.len(),
        if set.is_empty() { "none yet".into() } else { set.join("; ") },
        s.directions.len() - set.len()
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
