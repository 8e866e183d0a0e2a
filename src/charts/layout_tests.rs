//! Chart text never collides: every chart is drawn through a backend that records where each
//! text lands, at canvas widths of 280–1920 CSS px and device pixel ratios 1–3, and the test
//! fails if two text boxes intersect or one leaves the canvas.

use super::*;
use crate::observables::{observe, Options, P2_HORIZON_MATCH};
use crate::systems::qcd::{lattice::TEMPERATURE_GEV, TABLE_II_H, TABLE_II_L};
use crate::systems::REGISTRY;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontTransform,
};
use std::cell::RefCell;
use std::rc::Rc;

/// A backend that draws nothing and remembers the box of every text.
/// Text boxes drawn so far: the text and [x0, y0, x1, y1] in device pixels.
type Boxes = Rc<RefCell<Vec<(String, [f64; 4])>>>;

struct Recorder {
    size: (u32, u32),
    boxes: Boxes,
}

impl DrawingBackend for Recorder {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: plotters_backend::BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: u32,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if text.trim().is_empty() {
            return Ok(());
        }
        let (w, h) = self.estimate_text_size(text, style)?;
        // Browser fonts run a little wider than the layout estimate: judge a 10 % wider box.
        let (mut w, mut h) = (1.1 * w as f64, h as f64);
        if matches!(
            style.transform(),
            FontTransform::Rotate90 | FontTransform::Rotate270
        ) {
            std::mem::swap(&mut w, &mut h);
        }
        let a = style.anchor();
        let x0 = match a.h_pos {
            HPos::Left => x as f64,
            HPos::Center => x as f64 - w / 2.0,
            HPos::Right => x as f64 - w,
        };
        let y0 = match a.v_pos {
            VPos::Top => y as f64,
            VPos::Center => y as f64 - h / 2.0,
            VPos::Bottom => y as f64 - h,
        };
        self.boxes
            .borrow_mut()
            .push((text.to_string(), [x0, y0, x0 + w, y0 + h]));
        Ok(())
    }
}

/// The texts that collide or leave the canvas, as messages.
fn problems(size: (u32, u32), boxes: &[(String, [f64; 4])]) -> Vec<String> {
    let mut out = Vec::new();
    let (w, h) = (size.0 as f64, size.1 as f64);
    for (t, b) in boxes {
        if b[0] < -1.0 || b[1] < -1.0 || b[2] > w + 1.0 || b[3] > h + 1.0 {
            out.push(format!("'{t}' leaves the canvas: {b:?} in {w}×{h}"));
        }
    }
    for (i, (t, a)) in boxes.iter().enumerate() {
        for (u, b) in &boxes[..i] {
            let ox = a[2].min(b[2]) - a[0].max(b[0]);
            let oy = a[3].min(b[3]) - a[1].max(b[1]);
            if ox > 1.0 && oy > 1.0 {
                out.push(format!("'{t}' {a:?} overlaps '{u}' {b:?}"));
            }
        }
    }
    out
}

/// Draw `draw` at every size and ratio; collect what goes wrong.
fn check(name: &str, draw: &dyn Fn(&DrawingArea<Recorder, Shift>, &Theme)) -> Vec<String> {
    let mut sizes: Vec<(f64, f64)> = [280.0, 320.0, 360.0, 480.0, 640.0, 800.0, 1280.0, 1920.0]
        .iter()
        .map(|&w| (w, w * 10.0 / 16.0))
        .collect();
    // The panels of an embedded 800×600 frame (2 and 6 panels).
    sizes.extend([(390.0, 520.0), (390.0, 170.0), (260.0, 175.0)]);
    let mut out = Vec::new();
    for (w, h) in sizes {
        for dpr in [1.0, 2.0, 3.0] {
            let size = ((w * dpr) as u32, (h * dpr) as u32);
            let boxes = Rc::new(RefCell::new(Vec::new()));
            let rec = Recorder {
                size,
                boxes: boxes.clone(),
            };
            let th = Theme {
                scale: dpr,
                ..Theme::light()
            };
            draw(&rec.into_drawing_area(), &th);
            out.extend(
                problems(size, &boxes.borrow())
                    .into_iter()
                    .map(|p| format!("{name} at {w}×{h} CSS px, DPR {dpr}: {p}")),
            );
        }
    }
    out
}

#[test]
fn no_chart_text_collides_or_leaves_the_canvas_at_any_size() {
    assert_no_layout_problems();
}

/// The same in Japanese: other words, other widths, and lines that break between characters.
#[test]
fn no_japanese_chart_text_collides_or_leaves_the_canvas_at_any_size() {
    // The measure sees Japanese glyphs at their full width (a font without them would measure
    // nothing and pass anything).
    let rec = Recorder {
        size: (800, 500),
        boxes: Rc::new(RefCell::new(Vec::new())),
    };
    let area = rec.into_drawing_area();
    let font = Theme::light().font(14.0);
    let w = area.estimate_text_size("創発計量地平線", &font).unwrap().0;
    assert!(w >= 7 * 12, "7 kanji at 14 px measure {w} px");
    crate::i18n::set_lang(crate::i18n::Lang::Ja);
    assert_no_layout_problems();
    crate::i18n::set_lang(crate::i18n::Lang::En);
}

fn assert_no_layout_problems() {
    let mut all = Vec::new();
    for sys in REGISTRY {
        let c = TrainConfig {
            per_class: 200,
            batch: 20,
            ..TrainConfig::new(sys.id())
        };
        let mut t = Trainer::new(c).unwrap();
        for _ in 0..30 {
            t.epoch_step().unwrap();
        }
        for &kind in sys.charts().iter().filter(|k| !k.is_observable()) {
            all.extend(check(
                &format!("{}/{}", sys.id(), kind.name()),
                &|root, th| {
                    draw_chart(kind, root, &t, th).unwrap();
                },
            ));
        }
        let measured = t
            .system()
            .probe()
            .map(|p| p.measurements(&t.config().inputs()));
        if measured.flatten().is_some() {
            let l = crate::charts::spectrum_of(&t).laplace.expect("a band");
            all.extend(check(
                &format!("{}/metric-laplace", sys.id()),
                &|root, th| {
                    crate::charts::draw_metric(root, &t, Some(&l), th).unwrap();
                },
            ));
        }
    }
    let h: Vec<f64> = TABLE_II_H.iter().map(|p| p.0).collect();
    let grid = crate::systems::qcd::ID
        .system()
        .probe()
        .unwrap()
        .network()
        .bulk
        .etas();
    let opt = Options {
        horizon_match: Some(P2_HORIZON_MATCH),
        tips: 120,
        ..Options::default()
    };
    let r = observe(&h, &grid, 4.0, TABLE_II_L.0, TEMPERATURE_GEV, opt)
        .unwrap()
        .2;
    all.extend(check("fg", &|root, th| draw_fg(root, &r, th).unwrap()));
    let spread =
        crate::observables::continuation_range(&h, &grid, 4.0, TABLE_II_L.0, TEMPERATURE_GEV, opt);
    assert!(spread.is_some());
    all.extend(check("potential", &|root, th| {
        draw_potential(root, &r, spread.as_ref(), th).unwrap()
    }));
    let physical = crate::observables::compare::physical(&r).expect("a linear region");
    all.extend(check("potential-physical", &|root, th| {
        draw_potential_physical(root, &physical, th).unwrap()
    }));
    // "From the potential to the bulk": a Cornell set, a table with a band, and the round trip
    // of the Table II metric, each with the network's √(f g) beside it where it has one.
    {
        use crate::observables::inverse::fit::PotentialPoint;
        use crate::observables::inverse::source::{
            invert_model, network_tension, run, ModelInput, Source, SETS,
        };
        use crate::observables::reconstruct::Reconstruction;
        let (recon, pot, _) = observe(&h, &grid, 4.0, TABLE_II_L.0, TEMPERATURE_GEV, opt).unwrap();
        let m = ModelInput {
            background: &recon,
            potential: &pot,
            ads_radius: TABLE_II_L.0,
            l2_over_2pi_alpha: Some(physical.l2_over_2pi_alpha),
        };
        let net = network_tension(&m, 120);
        let table: Vec<PotentialPoint> = (0..10)
            .map(|i| {
                let r_fm = 0.2 + 0.1 * i as f64;
                let r = r_fm / crate::physics::HBAR_C_GEV_FM;
                PotentialPoint {
                    r_fm,
                    v_gev: -0.4 / r + 0.2 * r,
                    error_gev: 0.01,
                }
            })
            .collect();
        let reports = [
            run::<Reconstruction>(&Source::Set(&SETS[0]), None, 1).unwrap(),
            run::<Reconstruction>(&Source::Table(table), None, 1).unwrap(),
            invert_model(&m).unwrap(),
        ];
        for (i, rep) in reports.iter().enumerate() {
            all.extend(check(&format!("inverse-{i}"), &|root, th| {
                inverse::draw_inversion(root, rep, Some(&net), th).unwrap()
            }));
            all.extend(check(&format!("inverse-metric-{i}"), &|root, th| {
                inverse::draw_inversion_metric(root, rep, th).unwrap()
            }));
        }
    }
    all.extend(check("message", &|root, th| {
        draw_message(
            root,
            crate::i18n::t("chart.potential.title"),
            crate::i18n::t("chart.no_horizon"),
            th,
        )
        .unwrap()
    }));
    assert!(
        all.is_empty(),
        "{} problems, e.g.:\n{}",
        all.len(),
        all.iter().take(15).cloned().collect::<Vec<_>>().join("\n")
    );
}
