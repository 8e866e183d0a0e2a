//! Charts, generic over plotters' `DrawingBackend`: the page draws them on canvases, the CLI
//! writes the same figures as SVG.

use crate::physics::t_of_f;
use crate::train::{TrainConfig, Trainer};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The charts of the page and the CLI. A system lists the ones it shows
/// ([`crate::systems::System::charts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// The learned metric against its reference.
    Metric,
    /// The data plane with the accepted region.
    Data,
    /// Loss per epoch.
    Loss,
    /// Histories of L and λ.
    Couplings,
    /// Reconstructed f and g.
    Fg,
    /// The quark–antiquark potential.
    Potential,
}

impl ChartKind {
    /// Every chart.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Metric,
        ChartKind::Data,
        ChartKind::Loss,
        ChartKind::Couplings,
        ChartKind::Fg,
        ChartKind::Potential,
    ];

    /// Its name (element ids `chart-NAME`, file names).
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Metric => "metric",
            ChartKind::Data => "data",
            ChartKind::Loss => "loss",
            ChartKind::Couplings => "couplings",
            ChartKind::Fg => "fg",
            ChartKind::Potential => "potential",
        }
    }

    /// Minimum milliseconds between redraws while training: the data plane and the observables
    /// are dear, the rest cheap.
    pub fn redraw_ms(self) -> f64 {
        match self {
            ChartKind::Metric => 100.0,
            ChartKind::Loss | ChartKind::Couplings => 200.0,
            ChartKind::Data => 400.0,
            ChartKind::Fg | ChartKind::Potential => 1500.0,
        }
    }

    /// Whether it is drawn from the reconstructed metric (f, g, V(d)) rather than the trainer.
    pub fn is_observable(self) -> bool {
        matches!(self, ChartKind::Fg | ChartKind::Potential)
    }
}

impl std::str::FromStr for ChartKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ChartKind::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown chart '{s}'"))
    }
}

/// Where a chart put its plotting area: pixel ranges on the backend and the data ranges they show
/// (y pixels grow downward: `px_y.0` shows `y.1`). The page maps pointer positions with it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct MetricGeometry {
    /// Left and right pixel of the plotting area.
    pub px_x: (i32, i32),
    /// Top and bottom pixel.
    pub px_y: (i32, i32),
    /// Data range along x (η).
    pub x: (f64, f64),
    /// Data range along y (h).
    pub y: (f64, f64),
}

/// Colours of a chart: light or dark mode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// Background.
    pub bg: RGBColor,
    /// Text and axes.
    pub fg: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// The learned quantity.
    pub accent: RGBColor,
    /// Reference (truth, published) curves.
    pub reference: RGBColor,
    /// Negative data.
    pub negative: RGBColor,
    /// The region the network accepts.
    pub accept: RGBColor,
    /// Scale of text and markers (1 on screen, larger in presentation mode).
    pub scale: f64,
}

impl Theme {
    /// Light mode.
    pub fn light() -> Theme {
        Theme {
            bg: RGBColor(255, 255, 255),
            fg: RGBColor(30, 30, 40),
            grid: RGBColor(225, 225, 232),
            accent: RGBColor(200, 50, 40),
            reference: RGBColor(30, 100, 200),
            negative: RGBColor(150, 150, 160),
            accept: RGBColor(120, 200, 140),
            scale: 1.0,
        }
    }

    /// Dark mode.
    pub fn dark() -> Theme {
        Theme {
            bg: RGBColor(22, 24, 30),
            fg: RGBColor(225, 228, 235),
            grid: RGBColor(55, 58, 68),
            accent: RGBColor(255, 120, 90),
            reference: RGBColor(110, 170, 255),
            negative: RGBColor(110, 112, 125),
            accept: RGBColor(50, 120, 70),
            scale: 1.0,
        }
    }

    fn font(&self, size: f64) -> TextStyle<'static> {
        ("sans-serif", size * self.scale)
            .into_font()
            .color(&self.fg)
    }

    fn px(&self, v: f64) -> u32 {
        (v * self.scale).round().max(1.0) as u32
    }
}

/// The result type of drawing on backend `DB`.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Range of finite values, widened a little; (lo, hi) fallback when there are none.
fn finite_range(vals: impl Iterator<Item = f64>, fallback: (f64, f64)) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vals.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return fallback;
    }
    let pad = 0.08 * (hi - lo).max(1e-9 * hi.abs().max(1.0));
    (lo - pad, hi + pad)
}

/// Axes and grid in the theme's style. `log_y` labels a log₁₀ axis with the values themselves,
/// so that log scales get readable ticks even within one decade.
fn mesh<'a, DB: DrawingBackend + 'a, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    th: &Theme,
    x_desc: &str,
    y_desc: &str,
    log_y: bool,
) -> DrawResult<DB>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let log_label = |v: &f64| {
        let x = 10f64.powf(*v);
        if !(0.01..1000.0).contains(&x) {
            format!("{x:.1e}")
        } else if x >= 10.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.3}")
        }
    };
    let mut m = chart.configure_mesh();
    m.axis_style(th.fg)
        .bold_line_style(th.grid)
        .light_line_style(th.grid.mix(0.35))
        .label_style(th.font(12.0))
        .axis_desc_style(th.font(13.0))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(6)
        .y_labels(if log_y { 8 } else { 6 });
    if log_y {
        m.y_label_formatter(&log_label);
    }
    m.draw()
}

/// The legend key of a line series: a short stroke in its colour.
fn line_key(c: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
}

fn legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    th: &Theme,
    pos: SeriesLabelPosition,
) -> DrawResult<DB> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(th.bg.mix(0.85))
        .border_style(th.grid)
        .label_font(th.font(12.0))
        .draw()
}

fn builder<'a, 'b, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    th: &Theme,
    caption: &str,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(root);
    b.caption(caption, th.font(15.0))
        .margin(th.px(10.0))
        .x_label_area_size(th.px(38.0))
        .y_label_area_size(th.px(52.0));
    b
}

/// The emergent metric h(η) with its layer points, and the truth (AdS-Schwarzschild:
/// 3 coth 3η) or the published Table II band (QCD).
pub fn draw_metric<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Trainer,
    th: &Theme,
) -> Result<MetricGeometry, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&th.bg)?;
    let bulk = &t.network().bulk;
    let etas = bulk.etas();
    let h = &t.params().h;
    let sys = t.system();
    let r = sys.reference(t.config(), t.network());
    let reference = &r.curve;
    let (lo, hi) = finite_range(
        h.iter().copied().chain(reference.iter().map(|p| p.1)),
        (0.0, 10.0),
    );
    let (lo, hi) = (lo.max(-30.0), hi.min(r.h_max));
    let x = (bulk.eta_fin - 0.03)..(bulk.eta_ini + 0.03);
    let title = format!("emergent metric h(η) — {}", sys.short_title());
    let mut chart = builder(root, th, &title).build_cartesian_2d(x.clone(), lo..hi)?;
    let (px_x, px_y) = chart.plotting_area().get_pixel_range();
    let geometry = MetricGeometry {
        px_x: (px_x.start, px_x.end),
        px_y: (px_y.start, px_y.end),
        x: (x.start, x.end),
        y: (lo, hi),
    };
    mesh(&mut chart, th, "η (boundary →)", "h(η)", false)?;
    if let Some(b) = &r.band {
        let band: Vec<(f64, f64)> = b
            .iter()
            .map(|&(e, _, hi)| (e, hi))
            .chain(b.iter().rev().map(|&(e, lo, _)| (e, lo)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            th.reference.mix(0.25).filled(),
        )))?;
    }
    let rc = th.reference;
    chart
        .draw_series(LineSeries::new(
            reference.clone(),
            rc.stroke_width(th.px(2.0)),
        ))?
        .label(r.label)
        .legend(line_key(rc));
    if r.mark_layers {
        chart.draw_series(
            etas.iter()
                .zip(&r.at_layers)
                .map(|(&e, &v)| Circle::new((e, v), th.px(3.0), th.reference.filled())),
        )?;
    }
    let ac = th.accent;
    let learned: Vec<(f64, f64)> = etas
        .iter()
        .zip(h)
        .filter(|(_, v)| v.is_finite())
        .map(|(&e, &v)| (e, v.clamp(lo, hi)))
        .collect();
    chart
        .draw_series(LineSeries::new(
            learned.clone(),
            ac.stroke_width(th.px(2.0)),
        ))?
        .label("learned h_k")
        .legend(line_key(ac));
    chart.draw_series(
        learned
            .iter()
            .map(|&p| Circle::new(p, th.px(4.0), ac.filled())),
    )?;
    legend(&mut chart, th, SeriesLabelPosition::UpperRight)?;
    Ok(geometry)
}

/// The data plane: training samples, the bundled points (QCD: lattice data with error bars)
/// and the region the current network accepts, t(F) < ½, shaded.
pub fn draw_data<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Trainer,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let plane = t.system().data_plane(t.config());
    let (xr, yr, xd, yd, title) = (plane.x, plane.y, plane.x_desc, plane.y_desc, plane.title);
    let mut chart = builder(root, th, title).build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    // Accepted region: a grid of cells whose centre the network maps into the band, merged into
    // vertical strips so that no seams show between neighbouring cells.
    let (nx, ny) = (96, 72);
    let (dx, dy) = ((xr.1 - xr.0) / nx as f64, (yr.1 - yr.0) / ny as f64);
    let net = t.network();
    let p = t.params();
    let mut strips = Vec::new();
    for i in 0..nx {
        let x0 = xr.0 + i as f64 * dx;
        let mut run_start = None;
        for j in 0..=ny {
            let inside = j < ny && {
                let f = net.forward(p, [x0 + 0.5 * dx, yr.0 + (j as f64 + 0.5) * dy])[1];
                t_of_f(f) < 0.5
            };
            match (inside, run_start) {
                (true, None) => run_start = Some(j),
                (false, Some(j0)) => {
                    strips.push([(x0, yr.0 + j0 as f64 * dy), (x0 + dx, yr.0 + j as f64 * dy)]);
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    let fill = th.accept.mix(0.55).filled();
    mesh(&mut chart, th, xd, yd, false)?;
    chart.draw_series(strips.into_iter().map(|r| Rectangle::new(r, fill)))?;
    // A deterministic subset of the training data: enough to see the band, cheap to draw.
    let data = t.data();
    let stride = (data.len() / 800).max(1);
    let neg = th.negative;
    chart
        .draw_series(
            data.iter()
                .step_by(stride)
                .filter(|s| s.y == 1.0)
                .map(|s| Circle::new((s.x[0], s.x[1]), th.px(1.5), neg.filled())),
        )?
        .label("negative data")
        .legend(move |(x, y)| Circle::new((x + 8, y), 3, neg.filled()));
    let ac = th.accent;
    chart
        .draw_series(
            data.iter()
                .step_by(stride)
                .filter(|s| s.y == 0.0)
                .map(|s| Circle::new((s.x[0], s.x[1]), th.px(1.8), ac.filled())),
        )?
        .label("positive data")
        .legend(move |(x, y)| Circle::new((x + 8, y), 3, ac.filled()));
    let rc = th.reference;
    // Error bars at least a few pixels tall, so that tiny errors still read as measurements.
    let min_bar = 0.006 * (yr.1 - yr.0);
    chart.draw_series(plane.marks.iter().filter_map(|m| {
        let e = m.error?.max(min_bar);
        Some(ErrorBar::new_vertical(
            m.x,
            m.y - e,
            m.y,
            m.y + e,
            rc.stroke_width(th.px(2.0)),
            th.px(8.0),
        ))
    }))?;
    if !plane.marks.is_empty() {
        chart
            .draw_series(
                plane
                    .marks
                    .iter()
                    .map(|m| Circle::new((m.x, m.y), th.px(4.0), rc.filled())),
            )?
            .label(plane.marks_label)
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, rc.filled()));
    }
    let acc = th.accept;
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
        .label("network accepts (t < ½)")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], acc.filled()));
    legend(&mut chart, th, SeriesLabelPosition::LowerRight)
}

/// Loss per epoch on a log scale (log₁₀ on a linear axis, labelled with the loss itself, so that
/// even a range inside one decade gets readable ticks).
pub fn draw_loss<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Trainer,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let loss = &t.history().loss;
    let pts: Vec<(f64, f64)> = loss
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite() && **v > 0.0)
        .map(|(i, &v)| ((i + 1) as f64, v.log10()))
        .collect();
    let (lo, hi) = finite_range(pts.iter().map(|p| p.1), (-4.0, 0.0));
    let (lo, hi) = if hi - lo < 0.3 {
        (lo - 0.15, hi + 0.15)
    } else {
        (lo, hi)
    };
    let xmax = (pts.len() as f64).max(10.0);
    let mut chart =
        builder(root, th, "loss (epoch mean, log scale)").build_cartesian_2d(0.0..xmax, lo..hi)?;
    mesh(&mut chart, th, "epoch", "loss", true)?;
    for ev in t.events() {
        let x = ev.epoch as f64;
        chart.draw_series(LineSeries::new(
            vec![(x, lo), (x, hi)],
            th.negative.stroke_width(th.px(1.0)),
        ))?;
    }
    chart.draw_series(LineSeries::new(pts, th.accent.stroke_width(th.px(2.0))))?;
    Ok(())
}

/// Histories of L [GeV⁻¹] and λ (QCD), one above the other.
pub fn draw_couplings<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Trainer,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let hist = t.history();
    let xmax = (hist.loss.len() as f64).max(10.0);
    let parts = root.split_evenly((2, 1));
    let published = t.system().published_couplings();
    let series = [
        (
            "AdS radius L [GeV⁻¹]",
            &hist.ads_radius,
            published.map(|p| p.0),
        ),
        ("coupling λ", &hist.lambda, published.map(|p| p.1)),
    ];
    for (area, (name, vals, published)) in parts.iter().zip(series) {
        let pts: Vec<(f64, f64)> = vals
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, &v)| ((i + 1) as f64, v))
            .collect();
        let (lo, hi) = finite_range(pts.iter().map(|p| p.1).chain(published), (0.0, 1.0));
        let mut chart = builder(area, th, name).build_cartesian_2d(0.0..xmax, lo..hi)?;
        mesh(&mut chart, th, "epoch", "", false)?;
        if let Some(v) = published {
            let rc = th.reference;
            chart
                .draw_series(LineSeries::new(
                    vec![(0.0, v), (xmax, v)],
                    rc.stroke_width(th.px(1.0)),
                ))?
                .label("P2")
                .legend(line_key(rc));
        }
        chart.draw_series(LineSeries::new(pts, th.accent.stroke_width(th.px(2.0))))?;
        legend(&mut chart, th, SeriesLabelPosition::LowerRight)?;
    }
    Ok(())
}

/// Draw a chart of the trainer (not an observable: those need a [`crate::observables::Report`])
/// on any backend. The metric chart returns where it put its axes.
pub fn draw_chart<DB: DrawingBackend>(
    kind: ChartKind,
    root: &DrawingArea<DB, Shift>,
    t: &Trainer,
    th: &Theme,
) -> Result<Option<MetricGeometry>, String> {
    let r = match kind {
        ChartKind::Metric => draw_metric(root, t, th).map(Some),
        ChartKind::Data => draw_data(root, t, th).map(|_| None),
        ChartKind::Loss => draw_loss(root, t, th).map(|_| None),
        ChartKind::Couplings => draw_couplings(root, t, th).map(|_| None),
        ChartKind::Fg | ChartKind::Potential => {
            return Err(format!("'{}' is drawn from observables", kind.name()))
        }
    };
    let name = kind.name();
    let geometry = r.map_err(|e| format!("drawing '{name}': {e:?}"))?;
    root.present()
        .map_err(|e| format!("drawing '{name}': {e:?}"))?;
    Ok(geometry)
}

/// Every trainer chart of the trainer's system as SVG text, 800×500.
pub fn all_svgs(t: &Trainer, th: &Theme) -> Result<Vec<(String, String)>, String> {
    t.system()
        .charts()
        .iter()
        .filter(|k| !k.is_observable())
        .map(|&kind| {
            let mut buf = String::new();
            {
                let root = SVGBackend::with_string(&mut buf, (800, 500)).into_drawing_area();
                draw_chart(kind, &root, t, th)?;
            }
            Ok((kind.name().to_string(), buf))
        })
        .collect()
}

/// f(η′) and g(η′) of a reconstruction (log scale): the IR wall is the maximum of f.
pub fn draw_fg<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &crate::observables::Report,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let pts = |col: usize| -> Vec<(f64, f64)> {
        r.metric
            .iter()
            .filter(|m| m[col].is_finite() && m[col] > 0.0)
            .map(|m| (m[0], m[col].log10()))
            .collect()
    };
    let (f, g) = (pts(2), pts(3));
    let (lo, hi) = finite_range(f.iter().chain(&g).map(|p| p.1), (0.0, 4.0));
    let xmax = r.metric.last().map_or(1.0, |m| m[0]);
    let title = format!(
        "reconstructed metric (g ∝ {}, placement {})",
        if r.g == "exp" { "e^2η" } else { "cosh 2η" },
        r.placement
    );
    let mut chart = builder(root, th, &title).build_cartesian_2d(0.0..xmax, lo..hi)?;
    mesh(&mut chart, th, "η′ (horizon at 0)", "f, g", true)?;
    let (ac, rc) = (th.accent, th.reference);
    chart
        .draw_series(LineSeries::new(f, ac.stroke_width(th.px(2.0))))?
        .label("f(η′)")
        .legend(line_key(ac));
    chart
        .draw_series(LineSeries::new(g, rc.stroke_width(th.px(2.0))))?
        .label("g(η′)")
        .legend(line_key(rc));
    if let Some((e, v)) = r.f_peak {
        chart.draw_series(std::iter::once(Circle::new(
            (e, v.log10()),
            th.px(5.0),
            ac.filled(),
        )))?;
    }
    legend(&mut chart, th, SeriesLabelPosition::LowerRight)
}

/// The quark–antiquark potential 2πα′V(d), with the linear region and the screening distance.
pub fn draw_potential<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &crate::observables::Report,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let pts: Vec<(f64, f64)> = r
        .potential
        .iter()
        .filter(|p| p[2].is_finite())
        .map(|p| (p[0], p[2]))
        .collect();
    let xmax = pts.iter().fold(0.0f64, |a, p| a.max(p.0)).max(1e-3);
    let lo = pts
        .iter()
        .map(|p| p.1)
        .filter(|v| *v > -4.0 / (0.03 * xmax))
        .fold(0.0f64, f64::min);
    let mut chart = builder(root, th, "quark–antiquark potential")
        .build_cartesian_2d(0.0..xmax, (1.1 * lo)..(0.1 * -lo).max(0.1))?;
    mesh(&mut chart, th, "d [units of L]", "2πα′ V", false)?;
    let span = |a: f64, b: f64, c: RGBColor| {
        Rectangle::new([(a, 1.1 * lo), (b, 0.0)], c.mix(0.15).filled())
    };
    chart.draw_series(std::iter::once(span(r.d_linear, r.d_screen, th.accept)))?;
    let ac = th.accent;
    chart
        .draw_series(LineSeries::new(
            pts.into_iter().filter(|p| p.1 >= 1.1 * lo),
            ac.stroke_width(th.px(2.0)),
        ))?
        .label(format!(
            "linear {:.3}–{:.3} L, screened beyond {:.3} L ({:.2} fm)",
            r.d_linear, r.d_screen, r.d_screen, r.d_screen_fm
        ))
        .legend(line_key(ac));
    legend(&mut chart, th, SeriesLabelPosition::LowerRight)
}

/// A chart area that only says something (e.g. "no horizon yet"), so a panel is never blank.
pub fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (
            (w / 2) as i32 - (4.0 * title.len() as f64 * th.scale) as i32,
            (12.0 * th.scale) as i32,
        ),
        th.font(15.0),
    ))?;
    root.draw(&Text::new(
        message.to_string(),
        ((w / 10) as i32, (h / 2) as i32),
        th.font(14.0),
    ))?;
    Ok(())
}

/// Mean ± sd of an ensemble's metric against its system's reference.
pub fn draw_ensemble_metric<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &crate::train::ensemble::Summary,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let sys = s.preset.system();
    let network = sys.network();
    let etas = network.bulk.etas();
    let r = sys.reference(&TrainConfig::new(s.preset), &network);
    let (lo, hi) = finite_range(
        s.h.iter()
            .flat_map(|m| [m.mean - m.sd, m.mean + m.sd])
            .chain(r.at_layers.iter().copied()),
        (-2.0, 50.0),
    );
    let title = format!("ensemble of {} seeds: h(η), mean ± sd", s.kept);
    let x = (network.bulk.eta_fin - 0.03)..(network.bulk.eta_ini + 0.03);
    let mut chart = builder(root, th, &title).build_cartesian_2d(x, lo..hi)?;
    mesh(&mut chart, th, "η (boundary →)", "h(η)", false)?;
    let band = |pts: Vec<(f64, f64, f64)>| -> Vec<(f64, f64)> {
        pts.iter()
            .map(|p| (p.0, p.1 + p.2))
            .chain(pts.iter().rev().map(|p| (p.0, p.1 - p.2)))
            .collect()
    };
    let (ac, rc) = (th.accent, th.reference);
    if let Some(b) = &r.band {
        let published: Vec<(f64, f64, f64)> = b
            .iter()
            .map(|&(e, lo, hi)| (e, 0.5 * (lo + hi), (hi - lo) / 6.0))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            band(published),
            rc.mix(0.3).filled(),
        )))?;
    }
    chart
        .draw_series(LineSeries::new(
            etas.iter().zip(&r.at_layers).map(|(&e, &v)| (e, v)),
            rc.stroke_width(th.px(2.0)),
        ))?
        .label(r.label)
        .legend(line_key(rc));
    let ours: Vec<(f64, f64, f64)> = etas
        .iter()
        .zip(&s.h)
        .filter(|(_, m)| m.mean.is_finite())
        .map(|(&e, m)| (e, m.mean, m.sd))
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(
        band(ours.clone()),
        ac.mix(0.3).filled(),
    )))?;
    chart
        .draw_series(LineSeries::new(
            ours.iter().map(|p| (p.0, p.1)),
            ac.stroke_width(th.px(2.0)),
        ))?
        .label(format!(
            "this ensemble: L = {:.2} ± {:.2} GeV⁻¹, λ = {:.4} ± {:.4}",
            s.ads_radius.mean, s.ads_radius.sd, s.lambda.mean, s.lambda.sd
        ))
        .legend(line_key(ac));
    legend(&mut chart, th, SeriesLabelPosition::UpperRight)
}

/// Mean ± sd of an ensemble's quark–antiquark potential.
pub fn draw_ensemble_potential<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    o: &crate::observables::EnsembleObservables,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let b = &o.potential_band;
    let xmax = b.last().map_or(0.5, |p| p[0]).max(1e-3);
    let lo = b
        .iter()
        .map(|p| p[1] - p[2])
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::min)
        .max(-400.0);
    let mut chart = builder(root, th, "ensemble: quark–antiquark potential, mean ± sd")
        .build_cartesian_2d(0.0..xmax, (1.1 * lo)..(0.1 * -lo).max(0.1))?;
    mesh(&mut chart, th, "d [units of L]", "2πα′ V", false)?;
    let ac = th.accent;
    let poly: Vec<(f64, f64)> = b
        .iter()
        .map(|p| (p[0], (p[1] + p[2]).max(1.1 * lo)))
        .chain(b.iter().rev().map(|p| (p[0], (p[1] - p[2]).max(1.1 * lo))))
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(poly, ac.mix(0.25).filled())))?;
    chart
        .draw_series(LineSeries::new(
            b.iter().map(|p| (p[0], p[1].max(1.1 * lo))),
            ac.stroke_width(th.px(2.0)),
        ))?
        .label(format!(
            "screened beyond {:.3} ± {:.3} L ({:.3} ± {:.3} fm)",
            o.d_screen.mean, o.d_screen.sd, o.d_screen_fm.mean, o.d_screen_fm.sd
        ))
        .legend(line_key(ac));
    legend(&mut chart, th, SeriesLabelPosition::LowerRight)
}
