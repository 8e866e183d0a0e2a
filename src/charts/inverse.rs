//! The two charts of "from the potential to the bulk" (docs/physics.md §9): the string tension
//! T(z) with its band, where the data end and the IR bottom, beside the √(f g) of the metric the
//! network is learning; and the same geometry in the network's variables, h(η) — or, for the
//! learned metric's own potential (finite temperature), the round trip √(f g)(z̃).

use super::{band_polygon, builder, finite_range, frame, mesh, DrawResult, Key, Theme};
use crate::i18n::t;
use crate::observables::inverse::source::InversionReport;
use crate::tr;
use plotters::coord::Shift;
use plotters::prelude::*;

/// How deep the tension chart reaches: to where T is within 1 % of its floor (the bottom has been
/// reached for the eye), past the data, or to the depth reached, whichever comes first.
fn z_extent(r: &InversionReport) -> f64 {
    let inv = &r.inversion;
    let floor = inv.bottom.tension;
    let flat = inv
        .profile
        .z
        .iter()
        .zip(&inv.profile.tension)
        .find(|(_, t)| **t <= 1.01 * floor)
        .map_or(inv.depth_reached, |(z, _)| *z);
    let data = inv.data_z.map_or(0.0, |d| 1.3 * d[1]);
    flat.max(data).min(inv.depth_reached) * 1.05
}

/// T(z) on a log scale. `network`: the √(f g)(z̃) of the metric being learned, in the same units
/// (z \[GeV⁻¹\], T \[GeV²\]), when it has a linear region to set its scale by.
pub fn draw_inversion<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &InversionReport,
    network: Option<&[(f64, f64)]>,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let inv = &r.inversion;
    let xmax = z_extent(r);
    // The Coulomb part rises without bound toward z = 0: the range starts at a thirtieth of the
    // extent.
    let shown = |z: f64| z >= xmax / 30.0 && z <= xmax;
    let curve: Vec<(f64, f64)> = inv
        .profile
        .z
        .iter()
        .zip(&inv.profile.tension)
        .filter(|(z, t)| shown(**z) && t.is_finite() && **t > 0.0)
        .map(|(z, t)| (*z, t.log10()))
        .collect();
    let band: Vec<(f64, f64, f64)> = inv.band.as_ref().map_or(Vec::new(), |b| {
        b.iter()
            .filter(|p| shown(p[0]) && p[1] > 0.0)
            .map(|p| (p[0], p[1].log10(), p[2].log10()))
            .collect()
    });
    let net: Vec<(f64, f64)> = network.map_or(Vec::new(), |n| {
        n.iter()
            .filter(|p| shown(p.0) && p.1 > 0.0)
            .map(|p| (p.0, p.1.log10()))
            .collect()
    });
    let (lo, hi) = finite_range(
        curve
            .iter()
            .map(|p| p.1)
            .chain(band.iter().flat_map(|b| [b.1, b.2]))
            .chain(net.iter().map(|p| p.1))
            .chain(std::iter::once(inv.bottom.tension.log10())),
        (-1.0, 1.0),
    );
    let (ac, rc, neg) = (th.accent, th.reference, th.negative);
    let mut legend = vec![(t("inverse.legend.tension").to_string(), Key::Line(ac))];
    if !band.is_empty() {
        legend.push((t("inverse.legend.band").to_string(), Key::Patch(ac)));
    }
    if inv.data_z.is_some() {
        legend.push((t("inverse.legend.data").to_string(), Key::Patch(neg)));
    }
    legend.push((
        match inv.bottom.z {
            Some(z) => tr!(
                "inverse.legend.bottom_at",
                sigma = format!("{:.3}", inv.bottom.tension),
                z = format!("{z:.2}")
            ),
            None => tr!(
                "inverse.legend.throat",
                sigma = format!("{:.3}", inv.bottom.tension)
            ),
        },
        Key::Line(neg),
    ));
    if !net.is_empty() {
        legend.push((t("inverse.legend.network").to_string(), Key::Line(rc)));
    }
    let area = frame(root, th, t("inverse.title"), &legend)?;
    let mut chart = builder(&area, th).build_cartesian_2d(0.0..xmax, lo..hi)?;
    mesh(
        &mut chart,
        th,
        t("inverse.axis.z"),
        t("inverse.axis.tension"),
        true,
    )?;
    if let Some([a, b]) = inv.data_z {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(a.max(0.0), lo), (b.min(xmax), hi)],
            neg.mix(0.18).filled(),
        )))?;
    }
    if !band.is_empty() {
        chart.draw_series(std::iter::once(Polygon::new(
            band_polygon(&band),
            ac.mix(0.25).filled(),
        )))?;
    }
    let floor = inv.bottom.tension.log10();
    chart.draw_series(LineSeries::new(
        [(0.0, floor), (xmax, floor)],
        neg.stroke_width(th.px(1.5)),
    ))?;
    if let Some(z) = inv.bottom.z.filter(|z| *z <= xmax) {
        chart.draw_series(std::iter::once(Circle::new(
            (z, floor),
            th.px(5.0),
            neg.filled(),
        )))?;
    }
    if !net.is_empty() {
        chart.draw_series(LineSeries::new(net, rc.stroke_width(th.px(2.0))))?;
    }
    chart.draw_series(LineSeries::new(curve, ac.stroke_width(th.px(2.5))))?;
    Ok(())
}

/// The same geometry in the network's variables: h(η) for a T = 0 input (h = 4 is AdS, h = 0 the
/// bottom), or, for the learned metric's own potential, the round trip √(f g)(z̃): inverted
/// against computed from f and g.
pub fn draw_inversion_metric<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &InversionReport,
    th: &Theme,
) -> DrawResult<DB> {
    root.fill(&th.bg)?;
    let (ac, rc, neg) = (th.accent, th.reference, th.negative);
    if let Some(tc) = &r.tilde {
        let back: Vec<(f64, f64)> = tc
            .z_over_l
            .iter()
            .zip(&tc.sqrt_fg)
            .map(|(z, s)| (*z, s.log10()))
            .collect();
        let direct: Vec<(f64, f64)> = tc.direct.iter().map(|p| (p[0], p[1].log10())).collect();
        let xmax = back.iter().chain(&direct).fold(0.0f64, |a, p| a.max(p.0)) * 1.05;
        let shown = |p: &&(f64, f64)| p.0 >= xmax / 30.0;
        let (lo, hi) = finite_range(
            back.iter().chain(&direct).filter(shown).map(|p| p.1),
            (0.0, 1.0),
        );
        let area = frame(
            root,
            th,
            t("inverse.roundtrip.title"),
            &[
                (t("inverse.roundtrip.direct").to_string(), Key::Line(rc)),
                (t("inverse.roundtrip.back").to_string(), Key::Dot(ac)),
            ],
        )?;
        let mut chart = builder(&area, th).build_cartesian_2d(0.0..xmax, lo..hi)?;
        mesh(
            &mut chart,
            th,
            t("inverse.axis.z_tilde"),
            t("inverse.axis.sqrt_fg"),
            true,
        )?;
        chart.draw_series(LineSeries::new(
            direct.iter().copied().filter(|p| shown(&p)),
            rc.stroke_width(th.px(3.0)),
        ))?;
        chart.draw_series(
            back.iter()
                .filter(shown)
                .step_by(3)
                .map(|p| Circle::new(*p, th.px(2.5), ac.filled())),
        )?;
        return Ok(());
    }
    let Some(net) = &r.inversion.network else {
        return super::draw_message(root, t("inverse.metric.title"), "", th);
    };
    // From the boundary inward: η falls; the chart keeps the network's orientation (boundary on
    // the right) and stops where the tension chart stops.
    let zmax = z_extent(r);
    let pts: Vec<(f64, f64)> = r
        .inversion
        .profile
        .z
        .iter()
        .zip(net.eta.iter().zip(&net.h))
        .filter(|(z, (e, h))| **z <= zmax && e.is_finite() && h.is_finite())
        .map(|(_, (e, h))| (*e, *h))
        .collect();
    let (xlo, xhi) = finite_range(pts.iter().map(|p| p.0), (-1.0, 1.0));
    let (lo, hi) = finite_range(pts.iter().map(|p| p.1).chain([0.0, 4.0]), (0.0, 4.0));
    let area = frame(
        root,
        th,
        &tr!(
            "inverse.metric.title_k",
            k = format!("{:.3}", net.l2_over_2pi_alpha)
        ),
        &[
            (t("inverse.metric.h").to_string(), Key::Line(ac)),
            (t("inverse.metric.ads").to_string(), Key::Line(neg)),
        ],
    )?;
    let mut chart = builder(&area, th).build_cartesian_2d(xlo..xhi, lo..hi)?;
    mesh(
        &mut chart,
        th,
        t("inverse.axis.eta"),
        t("inverse.axis.h"),
        false,
    )?;
    for level in [0.0, 4.0] {
        chart.draw_series(LineSeries::new(
            [(xlo, level), (xhi, level)],
            neg.stroke_width(th.px(1.5)),
        ))?;
    }
    chart.draw_series(LineSeries::new(pts, ac.stroke_width(th.px(2.5))))?;
    Ok(())
}
