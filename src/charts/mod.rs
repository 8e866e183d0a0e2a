//! Charts, generic over plotters' `DrawingBackend`: the page draws them on canvases, the CLI
//! writes the same figures as SVG.

use crate::physics::t_of_f;
use crate::tr;
use crate::train::{TrainConfig, Trainer};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use crate::chart_kind::ChartKind;

pub mod describe;
pub mod inverse;
#[cfg(test)]
mod layout_tests;
#[cfg(not(target_arch = "wasm32"))]
pub mod mesons;

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

    /// Presentation mode on a projector: black ground, white text, saturated colours that stay
    /// apart in a washed-out projection.
    pub fn projector() -> Theme {
        Theme {
            bg: RGBColor(0, 0, 0),
            fg: RGBColor(255, 255, 255),
            grid: RGBColor(70, 70, 70),
            accent: RGBColor(255, 214, 0),
            reference: RGBColor(0, 200, 255),
            negative: RGBColor(170, 170, 170),
            accept: RGBColor(0, 150, 70),
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
    // Tick density follows the plotting area: about one x label per 90 CSS px and one y label
    // per 40, so neighbouring labels never touch however small the canvas.
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (w, h) = (
        (px.end - px.start) as f64 / th.scale,
        (py.end - py.start) as f64 / th.scale,
    );
    let x_labels = ((w / 90.0) as usize).clamp(2, 6);
    let y_labels = ((h / 40.0) as usize).clamp(1, if log_y { 8 } else { 6 });
    // Axis titles no longer than their axis.
    let area = chart.plotting_area().strip_coord_spec();
    let x_desc = fit_text(&area, x_desc, &th.font(13.0), (px.end - px.start) as f64)?;
    let y_desc = fit_text(
        &area,
        y_desc,
        &th.font(13.0),
        0.8 * (py.end - py.start) as f64,
    )?;
    let mut m = chart.configure_mesh();
    m.axis_style(th.fg)
        .bold_line_style(th.grid)
        .light_line_style(th.grid.mix(0.35))
        .label_style(th.font(12.0))
        .axis_desc_style(th.font(13.0))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(x_labels)
        .y_labels(y_labels)
        // Longer ticks below the x axis keep its labels clear of the lowest y label.
        .set_tick_mark_size(LabelAreaPosition::Bottom, th.px(8.0) as i32);
    if log_y {
        m.y_label_formatter(&log_label);
    }
    m.draw()
}

/// How a legend entry shows its series.
#[derive(Clone, Copy, Debug)]
enum Key {
    /// A short stroke.
    Line(RGBColor),
    /// A dot.
    Dot(RGBColor),
    /// A filled patch (a region).
    Patch(RGBColor),
}

/// Browser fonts run wider than the layout estimate of a backend without fonts: layout leaves
/// this much room.
const TEXT_SLACK: f64 = 1.15;

/// `text`, shortened with an ellipsis until it is at most `max_w` pixels wide in `style`.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: f64,
) -> Result<String, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut t = text.to_string();
    let mut chars: Vec<char> = text.chars().collect();
    while TEXT_SLACK * area.estimate_text_size(&t, style)?.0 as f64 > max_w && chars.len() > 2 {
        chars.pop();
        t = chars.iter().collect::<String>() + "…";
    }
    Ok(t)
}

/// The frame of a chart: its title (smaller, then shortened, when the canvas is narrow) and its
/// legend in rows of its own above the plot — so a legend never covers data and no text leaves
/// the canvas. Returns the area left for the plot.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    th: &Theme,
    title: &str,
    legend: &[(String, Key)],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = root.dim_in_pixel();
    let pad = th.px(8.0) as f64;
    let max_w = w as f64 - 2.0 * pad;
    let mut size = 15.0;
    while size > 11.0
        && TEXT_SLACK * root.estimate_text_size(title, &th.font(size))?.0 as f64 > max_w
    {
        size -= 0.5;
    }
    let title = fit_text(root, title, &th.font(size), max_w)?;
    let mut area = root.titled(&title, th.font(size))?;
    if legend.is_empty() {
        return Ok(area);
    }
    // Entries flow into rows: key, gap, text, then a wider gap to the next entry.
    let font = th.font(12.0);
    let (key_w, gap, sep) = (th.px(18.0) as f64, th.px(5.0) as f64, th.px(14.0) as f64);
    let line_h = 1.35 * area.estimate_text_size("Ag", &font)?.1 as f64;
    let mut rows: Vec<Vec<(String, Key, f64)>> = vec![Vec::new()];
    let mut x = pad;
    for (text, key) in legend {
        let text = fit_text(&area, text, &font, max_w - key_w - gap)?;
        let item_w = key_w + gap + TEXT_SLACK * area.estimate_text_size(&text, &font)?.0 as f64;
        if x + item_w > w as f64 - pad && !rows.last().expect("a row").is_empty() {
            rows.push(Vec::new());
            x = pad;
        }
        rows.last_mut().expect("a row").push((text, *key, x));
        x += item_w + sep;
    }
    let strip_h = (rows.len() as f64 * line_h + th.px(4.0) as f64).ceil() as u32;
    let (strip, rest) = area.split_vertically(strip_h);
    for (r, row) in rows.iter().enumerate() {
        let y = ((r as f64 + 0.5) * line_h) as i32;
        for (text, key, x) in row {
            let x = *x as i32;
            let k = key_w as i32;
            match key {
                Key::Line(c) => strip.draw(&PathElement::new(
                    vec![(x, y), (x + k, y)],
                    c.stroke_width(th.px(2.0)),
                ))?,
                Key::Dot(c) => strip.draw(&Circle::new((x + k / 2, y), th.px(3.5), c.filled()))?,
                Key::Patch(c) => strip.draw(&Rectangle::new(
                    [(x, y - k / 3), (x + k, y + k / 3)],
                    c.mix(0.7).filled(),
                ))?,
            }
            strip.draw(&Text::new(
                text.clone(),
                (x + k + gap as i32, y),
                font.pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
    }
    area = rest;
    Ok(area)
}

fn builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    th: &Theme,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    // The right margin holds half of the last x label, which is centred on the axis' end.
    b.margin(th.px(8.0))
        .margin_top(th.px(4.0))
        .margin_right(th.px(20.0))
        .x_label_area_size(th.px(46.0))
        .y_label_area_size(th.px(56.0));
    b
}

/// A band as a polygon from (x, low, high) points: the upper edge forward, the lower edge back.
fn band_polygon(pts: &[(f64, f64, f64)]) -> Vec<(f64, f64)> {
    pts.iter()
        .map(|p| (p.0, p.2))
        .chain(pts.iter().rev().map(|p| (p.0, p.1)))
        .collect()
}

/// The emergent metric h(η) with its layer points, and the truth (AdS-Schwarzschild:
/// 3 coth 3η) or the published Table II band (QCD); with `laplace`, the Laplace band h_k ± σ_k
/// around the learned layers (docs/physics.md §6).
pub fn draw_metric<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Trainer,
    laplace: Option<&crate::observables::determined::Laplace>,
    th: &Theme,
) -> Result<MetricGeometry, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&th.bg)?;
    let bulk = &t.network().bulk;
    let etas = bulk.etas();
    let h = &t.params().h;
    let sys = t.probe_system();
    let r = sys.reference(&t.config().inputs(), t.network());
    let reference = &r.curve;
    let (lo, hi) = finite_range(
        h.iter().copied().chain(reference.iter().map(|p| p.1)),
        (0.0, 10.0),
    );
    let (lo, hi) = (lo.max(-30.0), hi.min(r.h_max));
    let x = (bulk.eta_fin - 0.03)..(bulk.eta_ini + 0.03);
    let title = tr!("chart.metric.title", system = sys.short_title());
    let (rc, ac) = (th.reference, th.accent);
    let mut keys = vec![
        (r.label.to_string(), Key::Line(rc)),
        (tr!("chart.metric.learned"), Key::Line(ac)),
    ];
    if let Some(l) = laplace {
        keys.push((
            tr!("chart.metric.laplace_key", n = l.measurements),
            Key::Patch(ac),
        ));
    }
    let area = frame(root, th, &title, &keys)?;
    let mut chart = builder(&area, th).build_cartesian_2d(x.clone(), lo..hi)?;
    let (px_x, px_y) = chart.plotting_area().get_pixel_range();
    let geometry = MetricGeometry {
        px_x: (px_x.start, px_x.end),
        px_y: (px_y.start, px_y.end),
        x: (x.start, x.end),
        y: (lo, hi),
    };
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.eta"),
        "h(η)",
        false,
    )?;
    if let Some(b) = &r.band {
        chart.draw_series(std::iter::once(Polygon::new(
            band_polygon(b),
            th.reference.mix(0.25).filled(),
        )))?;
    }
    chart.draw_series(LineSeries::new(
        reference.clone(),
        rc.stroke_width(th.px(2.0)),
    ))?;
    if r.mark_layers {
        chart.draw_series(
            etas.iter()
                .zip(&r.at_layers)
                .map(|(&e, &v)| Circle::new((e, v), th.px(3.0), th.reference.filled())),
        )?;
    }
    if let Some(l) = laplace {
        // Clipped to the chart: toward the horizon σ runs to tens of units of h.
        let layers: Vec<(f64, f64, f64)> = etas
            .iter()
            .zip(h)
            .zip(&l.sd)
            .filter(|((_, v), sd)| v.is_finite() && sd.is_finite())
            .map(|((&e, &v), &sd)| (e, (v - sd).clamp(lo, hi), (v + sd).clamp(lo, hi)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            band_polygon(&layers),
            ac.mix(0.3).filled(),
        )))?;
    }
    let learned: Vec<(f64, f64)> = etas
        .iter()
        .zip(h)
        .filter(|(_, v)| v.is_finite())
        .map(|(&e, &v)| (e, v.clamp(lo, hi)))
        .collect();
    chart.draw_series(LineSeries::new(
        learned.clone(),
        ac.stroke_width(th.px(2.0)),
    ))?;
    chart.draw_series(
        learned
            .iter()
            .map(|&p| Circle::new(p, th.px(4.0), ac.filled())),
    )?;
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
    let plane = t.probe_system().data_plane(&t.config().inputs());
    let (xr, yr, xd, yd, title) = (plane.x, plane.y, plane.x_desc, plane.y_desc, plane.title);
    let (neg, ac, rc, acc) = (th.negative, th.accent, th.reference, th.accept);
    let mut entries = vec![
        (tr!("chart.data.positive"), Key::Dot(ac)),
        (tr!("chart.data.negative"), Key::Dot(neg)),
    ];
    if !plane.marks.is_empty() {
        entries.push((plane.marks_label.to_string(), Key::Dot(rc)));
    }
    entries.push((tr!("chart.data.accepts"), Key::Patch(acc)));
    let area = frame(root, th, title, &entries)?;
    let mut chart = builder(&area, th).build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
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
    chart.draw_series(
        data.iter()
            .step_by(stride)
            .filter(|s| s.y == 1.0)
            .map(|s| Circle::new((s.x[0], s.x[1]), th.px(1.5), neg.filled())),
    )?;
    chart.draw_series(
        data.iter()
            .step_by(stride)
            .filter(|s| s.y == 0.0)
            .map(|s| Circle::new((s.x[0], s.x[1]), th.px(1.8), ac.filled())),
    )?;
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
    chart.draw_series(
        plane
            .marks
            .iter()
            .map(|m| Circle::new((m.x, m.y), th.px(4.0), rc.filled())),
    )?;
    Ok(())
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
    let area = frame(root, th, crate::i18n::t("chart.loss.title"), &[])?;
    let mut chart = builder(&area, th).build_cartesian_2d(0.0..xmax, lo..hi)?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.epoch"),
        crate::i18n::t("chart.axis.loss"),
        true,
    )?;
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

/// Two plots on one canvas: stacked where there is height for two, side by side on a wide, low
/// canvas.
fn two_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    th: &Theme,
) -> Vec<DrawingArea<DB, Shift>> {
    let (w, h) = root.dim_in_pixel();
    let stacked = h as f64 / th.scale >= 300.0 || (w < h && h as f64 / th.scale >= 220.0);
    root.split_evenly(if stacked { (2, 1) } else { (1, 2) })
}

/// Histories of L \[GeV⁻¹\] and λ (QCD), one above the other.
pub fn draw_couplings<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Trainer,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let hist = t.history();
    let xmax = (hist.loss.len() as f64).max(10.0);
    let parts = two_panels(root, th);
    let published = t.probe_system().published_couplings();
    let series = [
        (
            crate::i18n::t("chart.couplings.l"),
            hist.scalar("ads_radius").unwrap_or_default(),
            published.map(|p| p.0),
        ),
        (
            crate::i18n::t("chart.couplings.lambda"),
            hist.scalar("lambda").unwrap_or_default(),
            published.map(|p| p.1),
        ),
    ];
    for (area, (name, vals, published)) in parts.iter().zip(series) {
        let pts: Vec<(f64, f64)> = vals
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, &v)| ((i + 1) as f64, v))
            .collect();
        let (lo, hi) = finite_range(pts.iter().map(|p| p.1).chain(published), (0.0, 1.0));
        let rc = th.reference;
        let entries: Vec<(String, Key)> = published
            .map(|_| (tr!("chart.couplings.published"), Key::Line(rc)))
            .into_iter()
            .collect();
        let plot = frame(area, th, name, &entries)?;
        let mut chart = builder(&plot, th).build_cartesian_2d(0.0..xmax, lo..hi)?;
        mesh(
            &mut chart,
            th,
            crate::i18n::t("chart.axis.epoch"),
            "",
            false,
        )?;
        if let Some(v) = published {
            chart.draw_series(LineSeries::new(
                vec![(0.0, v), (xmax, v)],
                rc.stroke_width(th.px(1.0)),
            ))?;
        }
        chart.draw_series(LineSeries::new(pts, th.accent.stroke_width(th.px(2.0))))?;
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
        ChartKind::Metric => draw_metric(root, t, None, th).map(Some),
        ChartKind::Data => draw_data(root, t, th).map(|_| None),
        ChartKind::Loss => draw_loss(root, t, th).map(|_| None),
        ChartKind::Couplings => draw_couplings(root, t, th).map(|_| None),
        ChartKind::Spectrum => draw_spectrum(root, &spectrum_of(t), th).map(|_| None),
        // The page's build has no meson system (systems::REGISTRY): its panels stay out of the wasm.
        #[cfg(target_arch = "wasm32")]
        ChartKind::Towers | ChartKind::Levels | ChartKind::Profile => {
            return Err(format!(
                "chart '{}' is drawn on the command line",
                kind.name()
            ))
        }
        #[cfg(not(target_arch = "wasm32"))]
        ChartKind::Towers | ChartKind::Levels | ChartKind::Profile => {
            let m = t
                .model()
                .as_any()
                .downcast_ref::<crate::systems::mesons::model::MesonModel>()
                .ok_or_else(|| format!("chart '{}' draws a meson model", kind.name()))?;
            match kind {
                ChartKind::Towers => mesons::draw_towers(root, m, th),
                ChartKind::Levels => mesons::draw_levels(root, m, th),
                _ => mesons::draw_profile(root, m, th),
            }
            .map(|_| None)
        }
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

/// SVG text, 800×500, of what `draw` puts on its area.
fn svg_text(
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
) -> Result<String, String> {
    let mut buf = String::new();
    draw(&SVGBackend::with_string(&mut buf, (800, 500)).into_drawing_area())?;
    Ok(buf)
}

/// Every trainer chart of the trainer's system as SVG text, 800×500, and the metric with its
/// Laplace band ("metric-laplace") where the system has one.
pub fn all_svgs(t: &Trainer, th: &Theme) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for &kind in t.system().charts().iter().filter(|k| !k.is_observable()) {
        let text = svg_text(|root| draw_chart(kind, root, t, th).map(|_| ()))?;
        out.push((kind.name().to_string(), text));
    }
    let band = t.system().probe().and_then(|_| spectrum_of(t).laplace);
    if let Some(l) = band {
        let text = svg_text(|root| {
            let err = |e| format!("drawing 'metric-laplace': {e:?}");
            draw_metric(root, t, Some(&l), th).map_err(err)?;
            root.present().map_err(err)
        })?;
        out.push(("metric-laplace".to_string(), text));
    }
    Ok(out)
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
    let title = tr!(
        "chart.fg.title",
        g = if r.g == "exp" { "e^2η" } else { "cosh 2η" },
        placement = r.placement
    );
    let (ac, rc) = (th.accent, th.reference);
    let area = frame(
        root,
        th,
        &title,
        &[
            ("f(η′)".to_string(), Key::Line(ac)),
            ("g(η′)".to_string(), Key::Line(rc)),
        ],
    )?;
    let mut chart = builder(&area, th).build_cartesian_2d(0.0..xmax, lo..hi)?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.eta_horizon"),
        "f, g",
        true,
    )?;
    chart.draw_series(LineSeries::new(f, ac.stroke_width(th.px(2.0))))?;
    chart.draw_series(LineSeries::new(g, rc.stroke_width(th.px(2.0))))?;
    if let Some((e, v)) = r.f_peak {
        chart.draw_series(std::iter::once(Circle::new(
            (e, v.log10()),
            th.px(5.0),
            ac.filled(),
        )))?;
    }
    Ok(())
}

/// The quark–antiquark potential 2πα′V(d), with the linear region and the screening distance.
pub fn draw_potential<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &crate::observables::Report,
    spread: Option<&crate::observables::ContinuationRange>,
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
    let ac = th.accent;
    let mut legend = vec![
        (
            tr!("chart.potential.linear", d = format!("{:.3}", r.d_linear)),
            Key::Patch(th.accept),
        ),
        (
            tr!(
                "chart.potential.screened",
                d = format!("{:.3}", r.d_screen),
                fm = format!("{:.2}", r.d_screen_fm)
            ),
            Key::Line(ac),
        ),
    ];
    // Where screening would set in were the metric continued to the horizon elsewhere in the
    // range the data leave open (docs/physics.md §5, item 7).
    if let Some(c) = spread {
        legend.push((
            tr!(
                "chart.potential.others",
                lo = format!("{:.2}", c.d_screen[0]),
                hi = format!("{:.2}", c.d_screen[1])
            ),
            Key::Patch(th.reference),
        ));
    }
    let area = frame(root, th, crate::i18n::t("chart.potential.title"), &legend)?;
    let mut chart =
        builder(&area, th).build_cartesian_2d(0.0..xmax, (1.1 * lo)..(0.1 * -lo).max(0.1))?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.d"),
        "2πα′ V",
        false,
    )?;
    let span = |a: f64, b: f64, c: RGBColor, alpha: f64| {
        Rectangle::new(
            [(a.clamp(0.0, xmax), 1.1 * lo), (b.clamp(0.0, xmax), 0.0)],
            c.mix(alpha).filled(),
        )
    };
    if let Some(c) = spread {
        chart.draw_series(std::iter::once(span(
            c.d_screen[0],
            c.d_screen[1],
            th.reference,
            0.12,
        )))?;
    }
    chart.draw_series(std::iter::once(span(
        r.d_linear, r.d_screen, th.accept, 0.15,
    )))?;
    chart.draw_series(LineSeries::new(
        pts.into_iter().filter(|p| p.1 >= 1.1 * lo),
        ac.stroke_width(th.px(2.0)),
    ))?;
    Ok(())
}

/// The potential in GeV against fm beside Cornell's and Andreev–Zakharov's
/// ([`crate::observables::compare`]): the network's with the Cornell string tension, the two
/// T = 0 forms shifted to meet it where its linear region starts.
pub fn draw_potential_physical<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &crate::observables::compare::Physical,
    th: &Theme,
) -> DrawResult<DB> {
    use crate::observables::compare::{cornell_sigma, AZ_C_GEV2, AZ_G, CORNELL_KAPPA};
    root.fill(&th.bg)?;
    let curves = [&p.network, &p.cornell, &p.andreev_zakharov];
    let xmax = p.cornell.last().map_or(1.0, |c| c.0);
    // The Coulomb parts fall without bound: the range follows the curves beyond a tenth of it.
    let seen = || {
        curves
            .iter()
            .flat_map(|c| c.iter())
            .filter(|q| q.0 >= 0.1 * xmax && q.1.is_finite())
            .map(|q| q.1)
    };
    let (lo, hi) = finite_range(seen(), (-1.0, 1.0));
    let pad = 0.08 * (hi - lo);
    let (lo, hi) = (lo - pad, hi + pad);
    let (ac, rc, neg) = (th.accent, th.reference, th.negative);
    let area = frame(
        root,
        th,
        crate::i18n::t("chart.physical.title"),
        &[
            (
                tr!(
                    "chart.physical.network",
                    k = format!("{:.3}", p.network_kappa)
                ),
                Key::Line(ac),
            ),
            (
                tr!(
                    "chart.physical.cornell",
                    kappa = CORNELL_KAPPA,
                    sqrt_sigma = format!("{:.2}", cornell_sigma().sqrt())
                ),
                Key::Line(rc),
            ),
            (
                tr!("chart.physical.az", c = AZ_C_GEV2, g = AZ_G),
                Key::Line(neg),
            ),
        ],
    )?;
    let mut chart = builder(&area, th).build_cartesian_2d(0.0..xmax, lo..hi)?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.r_fm"),
        crate::i18n::t("chart.axis.v_gev"),
        false,
    )?;
    for (c, colour) in [
        (&p.andreev_zakharov, neg),
        (&p.cornell, rc),
        (&p.network, ac),
    ] {
        chart.draw_series(LineSeries::new(
            c.iter()
                .copied()
                .filter(|q| q.0 <= xmax && q.1 >= lo && q.1 <= hi),
            colour.stroke_width(th.px(2.0)),
        ))?;
    }
    Ok(())
}

/// The spectrum of what the data determine for a trainer's current parameters and training set.
pub fn spectrum_of(t: &Trainer) -> crate::observables::determined::Spectrum {
    crate::observables::determined::spectrum(
        t.network(),
        t.params(),
        t.data(),
        t.regularizer(),
        t.probe_system().train_couplings(),
        t.probe_system().measurements(&t.config().inputs()),
    )
}

/// What the data determine (docs/physics.md §6): for each eigen-direction of G, largest first,
/// the step along it that moves the points' outputs by 0.1 (log scale); below one unit of h the
/// data set the direction, above it the regulariser chooses it.
pub fn draw_spectrum<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &crate::observables::determined::Spectrum,
    th: &Theme,
) -> DrawResult<DB> {
    use crate::observables::determined::DETERMINED_STEP;
    root.fill(&th.bg)?;
    // Steps beyond 10⁶ (or an eigenvalue at rounding level) are drawn at the top.
    const TOP: f64 = 6.0;
    let by_data = s.set_by_data();
    let n = s.directions.len();
    let area = frame(
        root,
        th,
        crate::i18n::t("chart.spectrum.title"),
        &[
            (
                tr!("chart.spectrum.by_data", n = by_data),
                Key::Patch(th.accent),
            ),
            (
                tr!("chart.spectrum.by_reg", n = n - by_data),
                Key::Patch(th.negative),
            ),
        ],
    )?;
    let mut chart = builder(&area, th).build_cartesian_2d(0.5..(n as f64 + 0.5), -4.0..TOP)?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.direction"),
        crate::i18n::t("chart.axis.step"),
        true,
    )?;
    chart.draw_series(s.directions.iter().enumerate().map(|(k, d)| {
        let y = d.resolution().log10().clamp(-4.0, TOP);
        let x = (k + 1) as f64;
        let colour = if d.set_by_data() {
            th.accent
        } else {
            th.negative
        };
        Rectangle::new([(x - 0.35, -4.0), (x + 0.35, y)], colour.filled())
    }))?;
    let line = DETERMINED_STEP.log10();
    chart.draw_series(LineSeries::new(
        vec![(0.5, line), (n as f64 + 0.5, line)],
        th.fg.stroke_width(th.px(1.0)),
    ))?;
    Ok(())
}

/// The units a line may break between, each with whether a space precedes it: words, and each
/// CJK character on its own (Japanese has no spaces; a line may break after any character).
fn wrap_units(text: &str) -> Vec<(String, bool)> {
    let wide = |c: char| c >= '\u{2E80}';
    let mut out: Vec<(String, bool)> = Vec::new();
    for word in text.split_whitespace() {
        let mut spaced = true;
        let mut run = String::new();
        for c in word.chars() {
            if !wide(c) {
                run.push(c);
                continue;
            }
            // Closing punctuation stays with the character before it.
            if run.is_empty() && "、。）」".contains(c) {
                if let Some(last) = out.last_mut() {
                    last.0.push(c);
                    continue;
                }
            }
            if !run.is_empty() {
                out.push((std::mem::take(&mut run), spaced));
                spaced = false;
            }
            out.push((c.to_string(), spaced));
            spaced = false;
        }
        if !run.is_empty() {
            out.push((run, spaced));
        }
    }
    out
}

/// A chart area that only says something (e.g. "no horizon yet"), so a panel is never blank.
pub fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let area = frame(root, th, title, &[])?;
    let (w, h) = area.dim_in_pixel();
    let font = th.font(14.0);
    let max_w = w as f64 * 0.85;
    // Word-wrapped to the width, centred; Japanese breaks between any two characters.
    let mut lines: Vec<String> = Vec::new();
    for (word, spaced) in wrap_units(message) {
        let next = match lines.last() {
            Some(l) if spaced => format!("{l} {word}"),
            Some(l) => format!("{l}{word}"),
            None => word.to_string(),
        };
        if lines.is_empty() || area.estimate_text_size(&next, &font)?.0 as f64 > max_w {
            lines.push(fit_text(&area, &word, &font, max_w)?);
        } else {
            *lines.last_mut().expect("a line") = next;
        }
    }
    let line_h = (1.4 * area.estimate_text_size("Ag", &font)?.1 as f64) as i32;
    let top = h as i32 / 2 - line_h * lines.len() as i32 / 2;
    for (k, line) in lines.into_iter().enumerate() {
        area.draw(&Text::new(
            line,
            (w as i32 / 2, top + k as i32 * line_h),
            font.pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
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
    let network = crate::train::trainer::network_for(&TrainConfig::new(s.preset));
    let sys = sys.probe().expect("an ensemble of a probe system");
    let etas = network.bulk.etas();
    let r = sys.reference(&TrainConfig::new(s.preset).inputs(), &network);
    let (lo, hi) = finite_range(
        s.h.iter()
            .flat_map(|m| [m.mean - m.sd, m.mean + m.sd])
            .chain(r.at_layers.iter().copied()),
        (-2.0, 50.0),
    );
    let title = tr!("chart.ensemble.metric", n = s.kept);
    let x = (network.bulk.eta_fin - 0.03)..(network.bulk.eta_ini + 0.03);
    let (ac, rc) = (th.accent, th.reference);
    let area = frame(
        root,
        th,
        &title,
        &[
            (r.label.to_string(), Key::Line(rc)),
            (
                tr!(
                    "chart.ensemble.couplings",
                    l = format!("{:.2} ± {:.2}", s.ads_radius.mean, s.ads_radius.sd),
                    lambda = format!("{:.4} ± {:.4}", s.lambda.mean, s.lambda.sd)
                ),
                Key::Line(ac),
            ),
        ],
    )?;
    let mut chart = builder(&area, th).build_cartesian_2d(x, lo..hi)?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.eta"),
        "h(η)",
        false,
    )?;
    // Mean ± one standard deviation.
    let band = |pts: &[(f64, f64, f64)]| -> Vec<(f64, f64)> {
        let edges: Vec<(f64, f64, f64)> = pts.iter().map(|p| (p.0, p.1 - p.2, p.1 + p.2)).collect();
        band_polygon(&edges)
    };
    if let Some(b) = &r.band {
        let published: Vec<(f64, f64, f64)> = b
            .iter()
            .map(|&(e, lo, hi)| (e, 0.5 * (lo + hi), (hi - lo) / 6.0))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            band(&published),
            rc.mix(0.3).filled(),
        )))?;
    }
    chart.draw_series(LineSeries::new(
        etas.iter().zip(&r.at_layers).map(|(&e, &v)| (e, v)),
        rc.stroke_width(th.px(2.0)),
    ))?;
    let ours: Vec<(f64, f64, f64)> = etas
        .iter()
        .zip(&s.h)
        .filter(|(_, m)| m.mean.is_finite())
        .map(|(&e, m)| (e, m.mean, m.sd))
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(
        band(&ours),
        ac.mix(0.3).filled(),
    )))?;
    chart.draw_series(LineSeries::new(
        ours.iter().map(|p| (p.0, p.1)),
        ac.stroke_width(th.px(2.0)),
    ))?;
    Ok(())
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
    let ac = th.accent;
    let area = frame(
        root,
        th,
        crate::i18n::t("chart.ensemble.potential"),
        &[(
            tr!(
                "chart.potential.screened",
                d = format!("{:.3} ± {:.3}", o.d_screen.mean, o.d_screen.sd),
                fm = format!("{:.3} ± {:.3}", o.d_screen_fm.mean, o.d_screen_fm.sd)
            ),
            Key::Line(ac),
        )],
    )?;
    let mut chart =
        builder(&area, th).build_cartesian_2d(0.0..xmax, (1.1 * lo)..(0.1 * -lo).max(0.1))?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.d"),
        "2πα′ V",
        false,
    )?;
    let edges: Vec<(f64, f64, f64)> = b
        .iter()
        .map(|p| {
            (
                p[0],
                (p[1] - p[2]).max(1.1 * lo),
                (p[1] + p[2]).max(1.1 * lo),
            )
        })
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(
        band_polygon(&edges),
        ac.mix(0.25).filled(),
    )))?;
    chart.draw_series(LineSeries::new(
        b.iter().map(|p| (p[0], p[1].max(1.1 * lo))),
        ac.stroke_width(th.px(2.0)),
    ))?;
    Ok(())
}
