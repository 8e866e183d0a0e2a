//! The page's "from the potential to the bulk" panel at the wasm boundary: run an inversion, draw
//! its two charts, say them in words. The physics is `observables::inverse`.

use super::{canvas_and_theme, js_err, themed, App};
use crate::i18n::t;
use crate::observables::compare::physical;
use crate::observables::inverse::fit::parse_potential;
use crate::observables::inverse::source::{invert_model, network_tension, run, ModelInput, Source};
use crate::observables::reconstruct::Reconstruction;
use crate::tr;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

impl App {
    /// Run an inversion; an accepted input goes into the page's link (a table too long for a
    /// link stays out of it).
    fn invert_source(&mut self, source: Source) -> Result<String, JsError> {
        let report = match &source {
            Source::Model => {
                let m = self
                    .model_input()
                    .ok_or_else(|| JsError::new(t("inverse.model_wait")))?;
                invert_model(&m).map_err(js_err)?
            }
            other => {
                let seed = self.trainer.config().seed;
                run::<Reconstruction>(other, None, seed).map_err(js_err)?
            }
        };
        self.state.potential = source.to_link();
        let text = serde_json::to_string(&report).expect("a report serialises");
        self.inversion = Some(report);
        Ok(text)
    }

    /// The learned metric as an inversion's input, when it has a confining branch whose linear
    /// part sets its scale in GeV.
    fn model_input(&mut self) -> Option<ModelInput<'_, Reconstruction>> {
        let l = self.trainer.params().ads_radius;
        let (r, pot, rep) = self.observe_full()?;
        let k = physical(rep)?.l2_over_2pi_alpha;
        Some(ModelInput {
            background: r,
            potential: pot,
            ads_radius: l,
            l2_over_2pi_alpha: Some(k),
        })
    }
}

#[wasm_bindgen]
impl App {
    /// Invert the potential `spec` (the link form: `eichten`, `sommer`, `cornell:κ,σ`,
    /// `table:r,V[,err];…`, or `model` for this network's own V(d)). Returns the report as JSON
    /// text (what `adsdl invert --json` prints); [`App::draw_inversion`] and
    /// [`App::describe_inversion`] show the latest one. A rejected
    /// input throws a message that names what and where, and changes nothing (the run least of
    /// all); an accepted one goes into the page's link.
    pub fn invert(&mut self, spec: &str) -> Result<String, JsError> {
        let source = Source::parse(spec).map_err(js_err)?;
        self.invert_source(source)
    }

    /// Invert a measured potential given as CSV text (`r_fm,V_GeV[,error_GeV]`, a header,
    /// `#` comments): as [`App::invert`], with rejections naming the line of this text.
    pub fn invert_csv(&mut self, csv: &str) -> Result<String, JsError> {
        let pts = parse_potential(csv).map_err(js_err)?;
        self.invert_source(Source::Table(pts))
    }

    /// Draw "inv-tension" (T(z) with its band, the data's depths, the IR bottom and the √(f g) of
    /// the metric being learned) or "inv-metric" (h(η), or the round trip) of the latest
    /// inversion.
    pub fn draw_inversion(
        &mut self,
        name: &str,
        canvas: HtmlCanvasElement,
        dark: bool,
        scale: f64,
    ) -> Result<(), JsError> {
        let r = self
            .inversion
            .take()
            .ok_or_else(|| JsError::new("nothing inverted yet"))?;
        let (root, theme) = if self.high_contrast {
            themed(canvas, crate::charts::Theme::projector(), scale)?
        } else {
            canvas_and_theme(canvas, dark, scale)?
        };
        let res = if name == "inv-tension" {
            let net = self.model_input().map(|m| network_tension(&m, 120));
            crate::charts::inverse::draw_inversion(&root, &r, net.as_deref(), &theme)
        } else {
            crate::charts::inverse::draw_inversion_metric(&root, &r, &theme)
        };
        self.inversion = Some(r);
        res.map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))?;
        root.present()
            .map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))
    }

    /// The latest inversion in words, for screen readers (the charts' description) and the
    /// readout.
    pub fn describe_inversion(&self) -> Result<String, JsError> {
        let r = self
            .inversion
            .as_ref()
            .ok_or_else(|| JsError::new("nothing inverted yet"))?;
        let inv = &r.inversion;
        let bottom = match inv.bottom.z {
            Some(z) => tr!("inverse.describe.finite", z = format!("{z:.3}")),
            None => t("inverse.describe.throat").to_string(),
        };
        let mut text = tr!(
            "inverse.describe",
            top = format!("{:.3}", inv.profile.tension[0]),
            z0 = format!("{:.3}", inv.profile.z[0]),
            sigma = format!("{:.4}", inv.bottom.tension),
            bottom = bottom,
            kappa = format!("{:.3}", inv.kappa)
        );
        if let Some([a, b]) = inv.data_z {
            text.push(' ');
            text += &tr!(
                "inverse.describe.data",
                a = format!("{a:.3}"),
                b = format!("{b:.3}")
            );
        }
        if inv.band.is_some() {
            text.push(' ');
            text += t("inverse.describe.band");
        }
        if let Some(n) = &inv.network {
            let (i_min, h_min) =
                n.h.iter().enumerate().fold(
                    (0, f64::INFINITY),
                    |a, (i, h)| if *h < a.1 { (i, *h) } else { a },
                );
            text.push(' ');
            text += &tr!(
                "inverse.describe.network",
                k = format!("{:.3}", n.l2_over_2pi_alpha),
                h = format!("{h_min:.3}"),
                eta = format!("{:.2}", n.eta[i_min])
            );
        }
        if r.tilde.is_some() {
            text.push(' ');
            text += t("inverse.describe.model");
        }
        Ok(text)
    }
}
