//! The meson system's panels (docs/physics.md §M): its towers against the measured masses, the
//! Schrödinger potentials with their levels and wavefunctions, and the warp factor and dilaton
//! against the soft wall. Generic over the backend like the other charts.

use super::{builder, finite_range, frame, mesh, two_panels, DrawResult, Key, Theme};
use crate::systems::mesons::model::{MesonModel, PREDICTED, Z_LAYERS};
use crate::tr;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The colour of spin S's tower: the theme's two series colours, then its text colour.
fn spin_colour(th: &Theme, k: usize) -> RGBColor {
    [th.accent, th.reference, th.negative][k.min(2)]
}

/// m² against n for every spin: the model's levels (measured n and [`PREDICTED`] more) as a line,
/// the measured masses as dots with their errors (m² ± 2mσ).
pub fn draw_towers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    m: &MesonModel,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let towers: Vec<(u32, Vec<f64>)> = m
        .tops()
        .into_iter()
        .map(|(s, top)| {
            let levels = m.tower(s, (top + PREDICTED + 1) as usize);
            (s, levels.iter().map(|l| l.m2).collect())
        })
        .collect();
    let data = m.states().iter().map(|s| {
        let m2 = s.mass * s.mass;
        (
            s.n as f64,
            m2 - 2.0 * s.mass * s.error,
            m2 + 2.0 * s.mass * s.error,
        )
    });
    let (lo, hi) = finite_range(
        towers
            .iter()
            .flat_map(|t| t.1.iter().copied())
            .chain(data.clone().flat_map(|d| [d.1, d.2]))
            .chain([0.0]),
        (0.0, 4.0),
    );
    let n_max = towers.iter().map(|t| t.1.len()).max().unwrap_or(1) as f64 - 1.0;
    let mut legend: Vec<(String, Key)> = towers
        .iter()
        .enumerate()
        .map(|(k, (s, _))| {
            (
                tr!("chart.towers.model", spin = s),
                Key::Line(spin_colour(th, k)),
            )
        })
        .collect();
    legend.push((tr!("chart.towers.data"), Key::Dot(th.fg)));
    let area = frame(root, th, crate::i18n::t("chart.towers.title"), &legend)?;
    let mut chart = builder(&area, th).build_cartesian_2d(-0.3..n_max + 0.3, lo.min(0.0)..hi)?;
    mesh(
        &mut chart,
        th,
        crate::i18n::t("chart.axis.excitation"),
        crate::i18n::t("chart.axis.m2"),
        false,
    )?;
    for (k, (_, levels)) in towers.iter().enumerate() {
        let c = spin_colour(th, k);
        let pts: Vec<(f64, f64)> = levels
            .iter()
            .enumerate()
            .map(|(n, &v)| (n as f64, v))
            .collect();
        chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(th.px(2.0))))?;
        chart.draw_series(
            pts.iter()
                .map(|&p| Circle::new(p, th.px(3.0), c.stroke_width(th.px(1.5)))),
        )?;
    }
    for (n, low, high) in data {
        chart.draw_series(LineSeries::new(
            vec![(n, low), (n, high)],
            th.fg.stroke_width(th.px(1.5)),
        ))?;
        chart.draw_series(std::iter::once(Circle::new(
            (n, 0.5 * (low + high)),
            th.px(3.5),
            th.fg.filled(),
        )))?;
    }
    Ok(())
}

/// The turning point of a level: the largest z where V < m² (the classically allowed region's
/// outer end), on the points `z` of `v`.
fn turning_point(z: &[f64], v: &[f64], m2: f64) -> f64 {
    z.iter()
        .zip(v)
        .filter(|(_, &v)| v < m2)
        .map(|(&z, _)| z)
        .fold(0.0, f64::max)
}

/// For each spin, side by side: V_S(z), each level drawn across its classically allowed region,
/// and its wavefunction ψ(z) drawn on the level (the textbook picture).
pub fn draw_levels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    m: &MesonModel,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let tops = m.tops();
    let (w, h) = root.dim_in_pixel();
    let cols = if w >= h { tops.len().max(1) } else { 1 };
    let rows = tops.len().max(1).div_ceil(cols);
    let parts = root.split_evenly((rows, cols));
    let z = m.grid_points();
    for (k, (area, &(spin, top))) in parts.iter().zip(&tops).enumerate() {
        let c = spin_colour(th, k);
        let levels = m.wavefunctions(spin, (top + PREDICTED + 1) as usize);
        let v: Vec<f64> = m.potential(spin).into_iter().map(|p| p.1).collect();
        let highest = levels.last().map_or(1.0, |l| l.0);
        let gap = if levels.len() > 1 {
            (highest - levels[0].0) / (levels.len() - 1) as f64
        } else {
            highest.max(0.1)
        };
        let y_hi = highest + 0.8 * gap;
        let z_hi =
            (1.15 * turning_point(&z, &v, highest)).clamp(2.0, z.last().copied().unwrap_or(2.0));
        let v_lo = z
            .iter()
            .zip(&v)
            .filter(|(&zz, _)| zz <= z_hi)
            .map(|(_, &v)| v)
            .fold(f64::INFINITY, f64::min);
        let y_lo = v_lo.min(0.0) - 0.1 * gap;
        let legend = [(tr!("chart.levels.potential", spin = spin), Key::Line(c))];
        let plot = frame(area, th, &tr!("chart.levels.title", spin = spin), &legend)?;
        let mut chart = builder(&plot, th).build_cartesian_2d(0.0..z_hi, y_lo..y_hi)?;
        mesh(
            &mut chart,
            th,
            crate::i18n::t("chart.axis.z"),
            crate::i18n::t("chart.axis.m2"),
            false,
        )?;
        let clipped = |y: f64| y.clamp(y_lo, y_hi);
        chart.draw_series(LineSeries::new(
            z.iter()
                .zip(&v)
                .filter(|(&zz, _)| zz <= z_hi)
                .map(|(&zz, &vv)| (zz, clipped(vv))),
            c.stroke_width(th.px(2.0)),
        ))?;
        // ψ scaled so that its largest swing is 30 % of a level spacing.
        for (n, (m2, psi)) in levels.iter().enumerate() {
            let measured = n as u32 <= top;
            let colour = if measured { th.fg } else { th.negative };
            let end = turning_point(&z, &v, *m2).min(z_hi);
            let start = z
                .iter()
                .zip(&v)
                .find(|(_, &vv)| vv < *m2)
                .map_or(0.0, |p| *p.0);
            chart.draw_series(LineSeries::new(
                vec![(start, *m2), (end, *m2)],
                colour.stroke_width(th.px(1.0)),
            ))?;
            let peak = psi.iter().fold(0.0f64, |a, p| a.max(p.abs())).max(1e-12);
            let amp = 0.3 * gap / peak;
            chart.draw_series(LineSeries::new(
                z.iter()
                    .zip(psi)
                    .filter(|(&zz, _)| zz <= z_hi)
                    .map(|(&zz, &p)| (zz, clipped(m2 + amp * p))),
                colour.stroke_width(th.px(1.5)),
            ))?;
        }
    }
    Ok(())
}

/// A(z) + ln z and Φ(z) over the layers, against the soft wall of the same ground state
/// (c = m²_{0,S}/4S of the lowest spin: A = −ln z, Φ = cz²), with the reach of the data marked:
/// the turning point of the highest measured level.
pub fn draw_profile<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    m: &MesonModel,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let z: Vec<f64> = (1..=120).map(|i| i as f64 * Z_LAYERS / 120.0).collect();
    let (a, phi) = m.profile(&z);
    let warp: Vec<f64> = a.iter().zip(&z).map(|(a, z)| a + z.ln()).collect();
    let tops = m.tops();
    let (spin, _) = tops.first().copied().unwrap_or((1, 0));
    let c = m
        .tower(spin, 1)
        .first()
        .map_or(0.0, |l| l.m2 / (4.0 * spin as f64));
    let grid = m.grid_points();
    let reach = tops
        .iter()
        .map(|&(s, top)| {
            let v: Vec<f64> = m.potential(s).into_iter().map(|p| p.1).collect();
            let m2 = m.tower(s, top as usize + 1).last().map_or(0.0, |l| l.m2);
            turning_point(&grid, &v, m2)
        })
        .fold(0.0, f64::max)
        .min(Z_LAYERS);
    let parts = two_panels(root, th);
    let soft: Vec<f64> = z.iter().map(|z| c * z * z).collect();
    let zero = vec![0.0; z.len()];
    let panels = [
        (tr!("chart.profile.phi"), &phi, &soft),
        (tr!("chart.profile.warp"), &warp, &zero),
    ];
    for (area, (title, values, reference)) in parts.iter().zip(panels) {
        let legend = [
            (tr!("chart.profile.model"), Key::Line(th.accent)),
            (
                tr!("chart.profile.soft_wall", c = format!("{c:.3}")),
                Key::Line(th.reference),
            ),
            (tr!("chart.profile.reach"), Key::Line(th.negative)),
        ];
        let plot = frame(area, th, &title, &legend)?;
        let (lo, hi) = finite_range(values.iter().chain(reference.iter()).copied(), (-1.0, 1.0));
        let mut chart = builder(&plot, th).build_cartesian_2d(0.0..Z_LAYERS, lo..hi)?;
        mesh(&mut chart, th, crate::i18n::t("chart.axis.z"), "", false)?;
        chart.draw_series(LineSeries::new(
            vec![(reach, lo), (reach, hi)],
            th.negative.stroke_width(th.px(1.0)),
        ))?;
        chart.draw_series(LineSeries::new(
            z.iter().copied().zip(reference.iter().copied()),
            th.reference.stroke_width(th.px(1.5)),
        ))?;
        chart.draw_series(LineSeries::new(
            z.iter().copied().zip(values.iter().copied()),
            th.accent.stroke_width(th.px(2.0)),
        ))?;
    }
    Ok(())
}
