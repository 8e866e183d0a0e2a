//! Your own spacetime (docs/physics.md §7): the user gives h(η) as points (a CSV `eta,h`, the link,
//! or by dragging the metric chart); data are made from it by the true forward pass, exactly as
//! P1 does for AdS-Schwarzschild, and the network learns the metric back.

use super::ads_schwarzschild::{
    field_init, field_network, field_plane, true_h, AdsSchwarzschild, FIELD_BOX,
};
use super::{
    probe::{self, field_data},
    Block, DataPlane, Defaults, Inputs, Model, ProbeSystem, Recipe, Reference, Setup, System,
    SystemId,
};
use crate::chart_kind::ChartKind;
use crate::error::Error;
use crate::physics::{Network, Params, RegChoice, Sample};
use crate::points::Table;
use crate::rng::Rng;
use crate::tr;
use serde::{Deserialize, Serialize};

/// The system's identifier.
pub const ID: SystemId = SystemId::new("custom");

/// Largest |h| accepted: beyond, one Euler step (|Δη| = 0.09) amplifies by more than 9 per layer
/// and the metric is surely a typo.
pub const MAX_ABS_H: f64 = 100.0;
/// At most this many points (interpolated onto 10 layers, more add nothing).
pub const MAX_POINTS: usize = 1000;

/// One point of a user metric.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricPoint {
    /// η.
    pub eta: f64,
    /// h(η).
    pub h: f64,
}

/// The metric a new custom run starts from: 3 coth 3η with a dip in the middle, so that it is
/// visibly not AdS-Schwarzschild, sampled at the layers.
pub fn default_metric() -> Vec<MetricPoint> {
    let mut pts: Vec<MetricPoint> = field_network()
        .bulk
        .etas()
        .into_iter()
        .map(|eta| MetricPoint {
            eta,
            h: true_h(eta) - 1.5 * libm::exp(-((eta - 0.55) / 0.15).powi(2)),
        })
        .collect();
    pts.reverse();
    pts
}

/// The rules every user metric obeys, wherever it came from. `at(k, reason)` makes the error for
/// point k (0-based): a CSV line, or "point k+1" of a list.
pub fn validate_metric(
    pts: &[MetricPoint],
    at: &dyn Fn(usize, String) -> Error,
) -> Result<(), Error> {
    if pts.len() < 3 {
        return Err(Error::whole(tr!("error.too_few_metric", n = pts.len())));
    }
    if pts.len() > MAX_POINTS {
        return Err(Error::whole(tr!(
            "error.too_many",
            n = pts.len(),
            max = MAX_POINTS
        )));
    }
    for (k, p) in pts.iter().enumerate() {
        if !(p.eta.is_finite() && p.h.is_finite()) {
            return Err(at(k, tr!("error.metric_finite")));
        }
        if p.h.abs() > MAX_ABS_H {
            return Err(at(k, tr!("error.absurd_h", h = p.h, max = MAX_ABS_H)));
        }
        if k > 0 && p.eta <= pts[k - 1].eta {
            return Err(at(
                k,
                tr!("error.eta_order", eta = p.eta, before = pts[k - 1].eta),
            ));
        }
    }
    let grid = field_network().bulk.etas();
    let (lo, hi) = (grid[grid.len() - 1], grid[0]);
    if pts[0].eta > lo + 1e-9 || pts[pts.len() - 1].eta < hi - 1e-9 {
        return Err(Error::whole(tr!(
            "error.eta_cover",
            from = pts[0].eta,
            to = pts[pts.len() - 1].eta,
            lo = format!("{lo:.2}"),
            hi = hi
        )));
    }
    Ok(())
}

/// Errors of a metric given as a list: named by point.
pub fn by_point(k: usize, reason: String) -> Error {
    Error::point(k + 1, reason)
}

/// Parse a metric from CSV text: a header naming `eta` and `h`, then one point per line, η
/// increasing. Every rejection names the line (and column) and the reason.
pub fn parse_metric_csv(text: &str) -> Result<Vec<MetricPoint>, Error> {
    let t = Table::read(text, crate::i18n::t("error.metric_empty"))?;
    let (ie, ih) = match (t.col("eta"), t.col("h")) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(t.header_error(tr!("error.metric_header", got = t.header.trim()))),
    };
    let mut pts = Vec::with_capacity(t.rows.len());
    let mut lines = Vec::with_capacity(t.rows.len());
    for (line_no, fields) in &t.rows {
        pts.push(MetricPoint {
            eta: t.num(*line_no, fields, ie)?,
            h: t.num(*line_no, fields, ih)?,
        });
        lines.push(*line_no);
    }
    validate_metric(&pts, &|k, reason| Error::csv(lines[k], None, reason))?;
    Ok(pts)
}

/// Piecewise-linear interpolation of a validated metric at η.
pub fn interpolate(pts: &[MetricPoint], eta: f64) -> f64 {
    let i = pts
        .windows(2)
        .position(|w| eta <= w[1].eta)
        .unwrap_or(pts.len() - 2);
    let (a, b) = (pts[i], pts[i + 1]);
    a.h + (b.h - a.h) * (eta - a.eta) / (b.eta - a.eta)
}

/// The run's metric: the configured one or the default.
fn metric_of(inputs: &Inputs) -> Vec<MetricPoint> {
    inputs.metric.map_or_else(default_metric, <[_]>::to_vec)
}

/// Your own spacetime.
#[derive(Debug)]
pub struct Custom;

impl System for Custom {
    fn id(&self) -> SystemId {
        ID
    }
    fn title(&self) -> &'static str {
        crate::i18n::t("system.custom.title")
    }
    fn short_title(&self) -> &'static str {
        crate::i18n::t("system.custom.short")
    }
    fn defaults(&self) -> Defaults {
        Defaults {
            lr: 0.003,
            batch: 10,
            epochs: 500,
            per_class: 1000,
            // The Einstein condition holds only in vacuum: a user metric need not obey it.
            reg: RegChoice::Paper,
            recipe: Recipe::Paper,
        }
    }
    fn reg_choices(&self) -> &'static [RegChoice] {
        &[RegChoice::Paper, RegChoice::Curvature, RegChoice::Einstein]
    }
    /// The same strengths as AdS-Schwarzschild: the same network and data.
    fn default_reg_c(&self, reg: RegChoice) -> f64 {
        AdsSchwarzschild.default_reg_c(reg)
    }
    fn charts(&self) -> &'static [ChartKind] {
        &[
            ChartKind::Metric,
            ChartKind::Data,
            ChartKind::Loss,
            ChartKind::Spectrum,
        ]
    }
    fn accepts_metric(&self) -> bool {
        true
    }
    fn model(&self, setup: &Setup, rng: &mut Rng) -> Result<Box<dyn Model>, String> {
        probe::model(&Custom, setup, rng)
    }
    fn blocks(&self) -> Vec<Block> {
        probe::system_blocks(self)
    }
    fn probe(&self) -> Option<&dyn ProbeSystem> {
        Some(self)
    }
}

impl ProbeSystem for Custom {
    fn network(&self) -> Network {
        field_network()
    }
    fn init_params(&self, network: &Network, rng: &mut Rng) -> Params {
        field_init(network, rng)
    }
    fn training_data(
        &self,
        inputs: &Inputs,
        network: &Network,
        rng: &mut Rng,
    ) -> Result<Vec<Sample>, String> {
        let truth = self.truth(inputs, network).expect("a metric is always set");
        field_data(network, &truth, FIELD_BOX, inputs.per_class, rng).ok_or_else(|| {
            "metric: too few points of the box [0, 1.5] × [−0.2, 0.2] end in the band |F| < 0.1 — \
             this metric sends almost every boundary value away from a regular horizon"
                .into()
        })
    }
    fn truth(&self, inputs: &Inputs, network: &Network) -> Option<Params> {
        let pts = metric_of(inputs);
        Some(Params {
            h: network
                .bulk
                .etas()
                .into_iter()
                .map(|e| interpolate(&pts, e))
                .collect(),
            lambda: 1.0,
            ads_radius: 1.0,
        })
    }
    fn reference_caption(&self) -> &'static str {
        crate::i18n::t("system.custom.caption")
    }
    fn reference(&self, inputs: &Inputs, network: &Network) -> Reference {
        let b = &network.bulk;
        let pts = metric_of(inputs);
        let curve = pts
            .iter()
            .filter(|p| p.eta >= b.eta_fin - 0.03 && p.eta <= b.eta_ini + 0.03)
            .map(|p| (p.eta, p.h))
            .collect();
        Reference {
            label: crate::i18n::t("system.custom.reference"),
            csv_column: "h_true",
            at_layers: self.truth(inputs, network).expect("set").h,
            curve,
            band: None,
            mark_layers: true,
            h_max: 2.0 * MAX_ABS_H,
        }
    }
    fn bundled_points(&self, _inputs: &Inputs) -> Vec<Sample> {
        Vec::new()
    }
    fn input_columns(&self) -> [&'static str; 2] {
        ["phi", "pi"]
    }
    fn data_plane(&self, _inputs: &Inputs) -> DataPlane {
        field_plane(crate::i18n::t("system.custom.plane"), Vec::new(), "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_metric_is_interpolated_onto_the_layers() {
        let csv = "eta,h\n0.1,1\n0.5,3\n1.0,8\n";
        let pts = parse_metric_csv(csv).unwrap();
        assert_eq!(interpolate(&pts, 0.3), 2.0);
        assert_eq!(interpolate(&pts, 1.0), 8.0);
        assert!((interpolate(&pts, 0.75) - 5.5).abs() < 1e-12);
    }

    #[test]
    fn bad_metrics_are_refused_with_the_line() {
        let cases = [
            ("eta,h\n0.1,1\n0.5,3\n", "at least 3"),
            ("eta,h\n0.1,1\n0.5,x\n1.0,3\n", "line 3, column 2 (h)"),
            ("eta,h\n0.1,1\n0.5,3\n0.4,3\n1.0,3\n", "CSV line 4: η = 0.4"),
            ("eta,h\n0.1,1\n0.5,3\n0.5,3\n1.0,3\n", "CSV line 4"),
            (
                "eta,h\n0.1,1\n0.5,300\n1.0,3\n",
                "CSV line 3: h = 300 is an absurd",
            ),
            ("eta,h\n0.1,1\n0.5,inf\n1.0,3\n", "line 3, column 2"),
            ("eta,h\n0.3,1\n0.5,3\n1.0,3\n", "must cover the layers"),
            ("x,y\n1,2\n", "must name the columns eta and h"),
        ];
        for (csv, want) in cases {
            let e = parse_metric_csv(csv).unwrap_err().to_string();
            assert!(e.contains(want), "{csv:?}: {e:?} should contain {want:?}");
        }
        let e = parse_metric_csv("eta,h\n0.1,1\n0.5,3\n0.5,3\n1.0,3\n").unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(4), None));
    }

    #[test]
    fn the_default_metric_is_valid_and_makes_data() {
        let pts = default_metric();
        validate_metric(&pts, &by_point).unwrap();
        let c = Inputs {
            per_class: 200,
            ..Inputs::default()
        };
        let d = Custom
            .training_data(&c, &field_network(), &mut Rng::new(1, 0))
            .unwrap();
        assert_eq!(d.len(), 400);
    }

    #[test]
    fn the_truth_of_3coth3eta_given_on_the_layers_is_the_ads_schwarzschild_truth() {
        let net = field_network();
        let mut pts: Vec<MetricPoint> = net
            .bulk
            .etas()
            .into_iter()
            .map(|eta| MetricPoint {
                eta,
                h: true_h(eta),
            })
            .collect();
        pts.reverse();
        let c = Inputs {
            metric: Some(&pts),
            ..Inputs::default()
        };
        let want: Vec<f64> = net.bulk.etas().into_iter().map(true_h).collect();
        let got = Custom.truth(&c, &net).unwrap().h;
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }
}
