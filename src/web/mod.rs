//! The thin WebAssembly boundary: wraps the [`Trainer`], turns every error into a JS exception,
//! draws the charts on canvases. No physics here beyond calling the engine.

use crate::charts::{draw_chart, ChartKind, MetricGeometry, Theme};
use crate::i18n::{t, Msg};
use crate::model_file::ModelFile;
use crate::observables::determined::Spectrum;
use crate::observables::reconstruct::Reconstruction;
use crate::observables::wilson::Potential;
use crate::observables::{
    ensemble_observables, observe, ContinuationRange, EnsembleObservables, Options, Report,
    P2_HORIZON_MATCH,
};
use crate::physics::HBAR_C_GEV_FM;
use crate::points::{parse_measurements, Units};
use crate::settings::MAX_METRIC_IN_LINK;
use crate::systems::custom::{parse_metric_csv, MetricPoint, MAX_ABS_H};
use crate::systems::{System, SystemId, REGISTRY};
use crate::tr;
use crate::train::ensemble::{summarize, RunResult, Summary};
use crate::train::trainer::{Session, Snapshot};
use crate::train::{bench_config, Trainer};
use crate::url_state::{controls, parse_query, to_query, PageState, MAX_DATA_IN_LINK, SPEEDS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

mod inverse;

/// A drawing area on a canvas and the theme for it (`scale` = devicePixelRatio × presentation).
fn canvas_and_theme(
    canvas: HtmlCanvasElement,
    dark: bool,
    scale: f64,
) -> Result<(DrawingArea<CanvasBackend, Shift>, Theme), JsError> {
    themed(
        canvas,
        if dark { Theme::dark() } else { Theme::light() },
        scale,
    )
}

fn themed(
    canvas: HtmlCanvasElement,
    mut theme: Theme,
    scale: f64,
) -> Result<(DrawingArea<CanvasBackend, Shift>, Theme), JsError> {
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| JsError::new("no 2D context on that canvas"))?;
    theme.scale = scale.clamp(0.5, 6.0);
    Ok((backend.into_drawing_area(), theme))
}

/// A Rust value as a plain JavaScript object (maps as objects, so JS reads fields by name).
fn to_js<T: Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("plain data serialises")
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// High-resolution clock where available (window or worker), else Date.
fn perf_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or_else(now_ms, |p| p.now())
}

/// What the training worker posts to the page.
#[derive(Serialize, serde::Deserialize)]
struct WorkerSnapshot {
    trainer: Snapshot,
    /// Why a divergence paused the run (said in each thread's language).
    paused_reason: Option<Msg>,
}

/// The page's training session.
#[wasm_bindgen]
pub struct App {
    state: PageState,
    trainer: Trainer,
    notices: Vec<String>,
    paused_reason: Option<Msg>,
    steps_window: Vec<(f64, u64)>,
    /// f, g and V(d) of the current metric, with the step count they belong to.
    observed: Option<(u64, bool, Option<Observed>)>,
    /// Continue the horizon where P2's constants come back (else at the fit's end).
    p2_match: bool,
    /// Where the metric chart last put its axes, for dragging points of a user metric.
    metric_geometry: Option<MetricGeometry>,
    /// Draw with the projector's high-contrast palette (presentation mode).
    high_contrast: bool,
    /// What the data determine, as the training worker last computed it (a pass over every
    /// training point: too dear for the drawing thread's frames).
    spectrum: Option<Spectrum>,
    /// The latest [`App::continuation_range`] of this run, drawn as a band on the potential.
    continuation: Option<ContinuationRange>,
    /// The latest inversion of "from the potential to the bulk".
    inversion: Option<crate::observables::inverse::source::InversionReport>,
}

/// The reconstruction of the current metric, its potential and their report.
type Observed = (Reconstruction, Potential, Report);

impl App {
    /// f, g, V(d) of the current parameters, recomputed only when training has moved on.
    fn observe(&mut self) -> Option<&Report> {
        self.observe_full().map(|o| &o.2)
    }

    /// [`App::observe`] with the reconstructed metric and its potential (for the inversion).
    fn observe_full(&mut self) -> Option<&Observed> {
        let steps = self.trainer.steps();
        let fresh = matches!(&self.observed, Some((s, m, _)) if *s == steps && *m == self.p2_match);
        if !fresh {
            let t = &self.trainer;
            let opt = Options {
                horizon_match: self.p2_match.then_some(P2_HORIZON_MATCH),
                tips: 120,
                ..Options::default()
            };
            let p = t.params();
            let r = t.probe_system().temperature_gev().and_then(|temp| {
                observe(
                    &p.h,
                    &t.network().bulk.etas(),
                    t.network().bulk.d as f64,
                    p.ads_radius,
                    temp,
                    opt,
                )
            });
            self.observed = Some((steps, self.p2_match, r));
        }
        self.observed.as_ref().and_then(|o| o.2.as_ref())
    }

    fn draw_observable(
        &mut self,
        kind: ChartKind,
        root: &DrawingArea<CanvasBackend, Shift>,
        theme: &Theme,
    ) -> Result<(), JsError> {
        let title = if kind == ChartKind::Fg {
            t("chart.fg.short_title")
        } else {
            t("chart.potential.title")
        };
        let spread = self.continuation.clone();
        let compare = self.state.compare;
        let res = match self.observe() {
            Some(r) if kind == ChartKind::Fg => crate::charts::draw_fg(root, r, theme),
            Some(r) if compare => match crate::observables::compare::physical(r) {
                Some(p) => crate::charts::draw_potential_physical(root, &p, theme),
                None => crate::charts::draw_message(root, title, t("chart.physical.none"), theme),
            },
            Some(r) => crate::charts::draw_potential(root, r, spread.as_ref(), theme),
            None => crate::charts::draw_message(root, title, t("chart.no_horizon"), theme),
        };
        res.map_err(|e| JsError::new(&format!("drawing {}: {e:?}", kind.name())))?;
        root.present()
            .map_err(|e| JsError::new(&format!("drawing {}: {e:?}", kind.name())))
    }

    /// The run's verdict in words for the counters: diverged, converged (at or below the
    /// system's keep-cut, by the last epoch's mean loss) or still training.
    fn verdict(&self) -> String {
        let t = &self.trainer;
        let cut = t.system().keep_loss();
        if self.paused_reason.is_some() {
            tr!("verdict.diverged")
        } else if t.settled() || t.last_epoch_loss().is_some_and(|l| l <= cut) {
            tr!("verdict.converged", cut = cut)
        } else {
            tr!("verdict.training", cut = cut)
        }
    }

    /// The current state if its system takes an input (`takes`), else the defaults of the first
    /// registered system that does, with the page settings kept.
    fn state_taking(&self, takes: fn(&dyn System) -> bool) -> PageState {
        if takes(self.state.config.preset.system()) {
            return self.state.clone();
        }
        let sys = REGISTRY
            .iter()
            .find(|s| takes(**s))
            .expect("a registered system takes this input");
        PageState {
            config: crate::train::TrainConfig::new(sys.id()),
            ..self.state.clone()
        }
    }

    /// Start a new run of `state` (validated first: a rejected one changes nothing).
    fn start(&mut self, state: PageState) -> Result<(), JsError> {
        let trainer = Trainer::new(state.config.clone()).map_err(js_err)?;
        self.install(state, trainer);
        Ok(())
    }

    /// The user metric of the run resampled at the layers (η increasing), for editing by points.
    fn metric_at_layers(&self) -> Vec<MetricPoint> {
        let t = &self.trainer;
        let current = t
            .probe_system()
            .reference(&t.config().inputs(), t.network());
        let mut pts: Vec<MetricPoint> = t
            .network()
            .bulk
            .etas()
            .into_iter()
            .zip(current.at_layers)
            .map(|(eta, h)| MetricPoint { eta, h })
            .collect();
        pts.reverse();
        pts
    }

    /// Switch to a new run (only after everything about it has been validated).
    fn install(&mut self, state: PageState, trainer: Trainer) {
        crate::i18n::set_lang(state.lang);
        self.state = state;
        self.trainer = trainer;
        self.spectrum = None;
        self.continuation = None;
        self.paused_reason = None;
        self.steps_window.clear();
        self.observed = None;
    }
}

#[wasm_bindgen]
impl App {
    /// A session from a URL query (hostile values are clamped or ignored; see `notices`).
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Result<App, JsError> {
        // The notices of the link are said in the language it asks for.
        crate::i18n::set_lang(crate::url_state::lang_of(query).unwrap_or_default());
        let (state, notices) = parse_query(query);
        // A link naming two languages takes its last, as every setting does.
        crate::i18n::set_lang(state.lang);
        let trainer = Trainer::new(state.config.clone()).map_err(js_err)?;
        Ok(App {
            state,
            trainer,
            notices,
            paused_reason: None,
            steps_window: Vec::new(),
            observed: None,
            p2_match: true,
            metric_geometry: None,
            high_contrast: false,
            inversion: None,
            spectrum: None,
            continuation: None,
        })
    }

    /// Notices from parsing the URL: an array of strings (to be shown as text).
    pub fn notices(&self) -> JsValue {
        to_js(&self.notices)
    }

    /// Train up to `max_steps` mini-batches or until `budget_ms` have passed, whichever first.
    /// Returns the number of steps done. A divergence the recipe cannot absorb rolls the step back
    /// and pauses: `status().paused_reason` says why.
    pub fn run(&mut self, max_steps: u32, budget_ms: f64) -> u32 {
        if self.paused_reason.is_some() {
            return 0;
        }
        let t0 = now_ms();
        let mut done = 0;
        while done < max_steps {
            match self.trainer.step() {
                Ok(_) => done += 1,
                Err(d) => {
                    self.paused_reason = Some(d.message);
                    break;
                }
            }
            if done % 8 == 0 && now_ms() - t0 >= budget_ms {
                break;
            }
        }
        let now = perf_ms();
        self.steps_window.push((now, self.trainer.steps()));
        self.steps_window.retain(|&(t, _)| now - t <= 2000.0);
        done
    }

    /// Whether a divergence paused the run (the training loop stops on it).
    pub fn paused(&self) -> bool {
        self.paused_reason.is_some()
    }

    /// The run for the page's drawing thread (this `App` trains in the worker):
    /// `{trainer, paused_reason}`, the history from epoch `from` on.
    pub fn snapshot(&self, from: usize) -> JsValue {
        to_js(&WorkerSnapshot {
            trainer: self.trainer.snapshot(from),
            paused_reason: self.paused_reason.clone(),
        })
    }

    /// Show the run another `App` trains (a [`App::snapshot`] of the same configuration): this
    /// one draws, describes and exports it. A snapshot that does not fit changes nothing.
    pub fn show(&mut self, snapshot: JsValue) -> Result<(), JsError> {
        let s: WorkerSnapshot = serde_wasm_bindgen::from_value(snapshot).map_err(js_err)?;
        self.trainer.show_snapshot(s.trainer).map_err(js_err)?;
        self.paused_reason = s.paused_reason;
        let now = perf_ms();
        self.steps_window.push((now, self.trainer.steps()));
        self.steps_window.retain(|&(t, _)| now - t <= 2000.0);
        Ok(())
    }

    /// Counters and parameters: epoch, steps, batches_per_second, loss (last epoch mean),
    /// lambda, ads_radius, inv_l_mev, attempt, events, paused_reason, preset, learns_couplings,
    /// verdict, settled (converged under the restart recipe).
    pub fn status(&self) -> JsValue {
        let t = &self.trainer;
        let p = t.params();
        let rate = match (self.steps_window.first(), self.steps_window.last()) {
            (Some(a), Some(b)) if b.0 > a.0 => 1000.0 * (b.1 - a.1) as f64 / (b.0 - a.0),
            _ => 0.0,
        };
        let finite = |v: f64| if v.is_finite() { json!(v) } else { json!(null) };
        let status = json!({
            "preset": t.config().preset.name(),
            "epoch": t.epoch(),
            "steps": t.steps(),
            "batches_per_epoch": t.batches_per_epoch(),
            "batches_per_second": rate,
            "loss": t.last_epoch_loss().map(finite),
            "lambda": finite(p.lambda),
            "ads_radius": finite(p.ads_radius),
            "inv_l_mev": finite(1000.0 / p.ads_radius),
            "attempt": t.attempt() + 1,
            "events": t
                .events()
                .iter()
                .map(|e| json!({ "epoch": e.epoch, "message": e.message.to_string() }))
                .collect::<Vec<_>>(),
            "paused_reason": self.paused_reason.as_ref().map(|m| {
                tr!("event.paused", what = m, lr = t.config().lr)
            }),
            "lr": t.config().lr,
            "learns_couplings": t.system().learns_couplings(),
            "verdict": self.verdict(),
            "settled": t.settled(),
            // The emergent metric on screen (the speed measurements' criterion; null: none).
            "at_metric": t.last_epoch_loss().and_then(|l| t.probe_system().reached_metric(l, p)),
        });
        to_js(&status)
    }

    /// The epoch a run to `target` epochs may train to while it has not converged (the restart
    /// recipe's budget: [`Trainer::budget`]).
    pub fn budget(&self, target: u32) -> u32 {
        self.trainer.budget(target as usize) as u32
    }

    /// Loss over the whole training set evaluated as one batch (what `adsdl eval --train-set` prints).
    pub fn full_loss(&self) -> f64 {
        self.trainer.full_loss().total()
    }

    /// Draw chart `name` (one of [`App::charts`]) on a canvas whose size is already in device
    /// pixels; `scale` enlarges text and markers (devicePixelRatio × presentation).
    pub fn draw(
        &mut self,
        name: &str,
        canvas: HtmlCanvasElement,
        dark: bool,
        scale: f64,
    ) -> Result<(), JsError> {
        let kind: ChartKind = name.parse().map_err(js_err)?;
        if !self.trainer.system().charts().contains(&kind) {
            return Err(js_err(format!(
                "chart '{name}' is not shown for {}",
                self.trainer.config().preset
            )));
        }
        let (root, theme) = if self.high_contrast {
            themed(canvas, Theme::projector(), scale)?
        } else {
            canvas_and_theme(canvas, dark, scale)?
        };
        if kind.is_observable() {
            return self.draw_observable(kind, &root, &theme);
        }
        if kind == ChartKind::Spectrum {
            let res = match &self.spectrum {
                Some(s) => crate::charts::draw_spectrum(&root, s, &theme),
                None => crate::charts::draw_message(
                    &root,
                    t("chart.spectrum.title"),
                    t("chart.spectrum.computing"),
                    &theme,
                ),
            };
            res.map_err(|e| js_err(format!("drawing spectrum: {e:?}")))?;
            return root
                .present()
                .map_err(|e| js_err(format!("drawing spectrum: {e:?}")));
        }
        if kind == ChartKind::Metric {
            let band = self.laplace_band();
            let geometry = crate::charts::draw_metric(&root, &self.trainer, band, &theme)
                .map_err(|e| js_err(format!("drawing metric: {e:?}")))?;
            self.metric_geometry = Some(geometry);
            return root
                .present()
                .map_err(|e| js_err(format!("drawing metric: {e:?}")));
        }
        draw_chart(kind, &root, &self.trainer, &theme).map_err(js_err)?;
        Ok(())
    }

    /// The charts of the current system, in page order, each with its minimum redraw interval:
    /// an array of `{name, redraw_ms}`.
    pub fn charts(&self) -> JsValue {
        let list: Vec<_> = self
            .trainer
            .system()
            .charts()
            .iter()
            .map(|k| json!({ "name": k.name(), "redraw_ms": k.redraw_ms() }))
            .collect();
        to_js(&list)
    }

    /// Use the projector's high-contrast palette for the charts (presentation mode).
    pub fn set_high_contrast(&mut self, on: bool) {
        self.high_contrast = on;
    }

    /// What the data determine for the current parameters (docs/physics.md §6): computed where
    /// the run trains (the worker), handed to the drawing thread with [`App::set_spectrum`].
    pub fn spectrum(&self) -> JsValue {
        to_js(&crate::charts::spectrum_of(&self.trainer))
    }

    /// The Laplace band to draw on the metric panel: asked for (`laplace=1`) and computed.
    fn laplace_band(&self) -> Option<&crate::observables::determined::Laplace> {
        let s = self.spectrum.as_ref().filter(|_| self.state.laplace)?;
        s.laplace.as_ref()
    }

    /// Keep a spectrum computed by the training worker for drawing and describing.
    pub fn set_spectrum(&mut self, spectrum: JsValue) -> Result<(), JsError> {
        self.spectrum = Some(serde_wasm_bindgen::from_value(spectrum).map_err(js_err)?);
        Ok(())
    }

    /// Chart `name` in words, for a screen reader's live region.
    pub fn describe(&mut self, name: &str) -> Result<String, JsError> {
        let kind: ChartKind = name.parse().map_err(js_err)?;
        if kind == ChartKind::Spectrum {
            return Ok(self.spectrum.as_ref().map_or_else(
                || tr!("describe.spectrum.computing"),
                crate::charts::describe::spectrum_words,
            ));
        }
        let report = if kind.is_observable() {
            self.observe().cloned()
        } else {
            None
        };
        let words = crate::charts::describe::describe(kind, &self.trainer, report.as_ref());
        Ok(
            match self.laplace_band().filter(|_| kind == ChartKind::Metric) {
                Some(l) => {
                    let layers = self.trainer.params().h.len();
                    format!(
                        "{words} {}",
                        crate::charts::describe::laplace_words(l, layers)
                    )
                }
                None => words,
            },
        )
    }

    /// The systems of the registry, `{name, title}`, in menu order.
    pub fn systems() -> JsValue {
        let list: Vec<_> = REGISTRY
            .iter()
            .filter(|s| s.in_page())
            .map(|s| json!({ "name": s.id().name(), "title": s.title() }))
            .collect();
        to_js(&list)
    }

    /// The page's settings controls for the current system, generated from the settings schema:
    /// an array of `{key, label, help, input, min, max, step, options, scope, value}`.
    pub fn controls(&self) -> JsValue {
        to_js(&controls(&self.state))
    }

    /// Where the metric chart put its axes when last drawn (device pixels and data ranges), or
    /// null before it was drawn: `{px_x, px_y, x, y}`.
    pub fn metric_geometry(&self) -> JsValue {
        to_js(&self.metric_geometry)
    }

    /// The reference values at the layers, `[[η_k, h_k], …]` (the points a user metric is edited by).
    pub fn reference_points(&self) -> JsValue {
        let t = &self.trainer;
        let r = t
            .probe_system()
            .reference(&t.config().inputs(), t.network());
        let pts: Vec<[f64; 2]> = t
            .network()
            .bulk
            .etas()
            .into_iter()
            .zip(r.at_layers)
            .map(|(e, h)| [e, h])
            .collect();
        to_js(&pts)
    }

    /// The system's published (L, λ), or null.
    pub fn published_couplings(&self) -> JsValue {
        to_js(&self.trainer.probe_system().published_couplings())
    }

    /// Whether the system takes a user metric (its points can be dragged).
    pub fn metric_editable(&self) -> bool {
        self.trainer.system().accepts_metric()
    }

    /// Move the user metric's value at layer `k` to `h` (clamped to the accepted magnitude) and
    /// start a new run on data made from it. A metric the system rejects changes nothing.
    pub fn set_metric_point(&mut self, k: usize, h: f64) -> Result<(), JsError> {
        if !self.metric_editable() {
            return Err(js_err(t("error.not_editable")));
        }
        let mut pts = self.metric_at_layers();
        let n = pts.len();
        if k >= n || !h.is_finite() {
            return Err(js_err(tr!("error.no_point", k = k, h = h)));
        }
        // Points are stored with η increasing, layers count from the boundary (largest η).
        pts[n - 1 - k].h = h.clamp(-MAX_ABS_H, MAX_ABS_H);
        let mut st = self.state.clone();
        st.config.metric = Some(pts);
        self.start(st)
    }

    /// Train on a metric given as CSV text `eta,h` (switches to a system that takes one). A
    /// rejected table changes nothing; the error names the line and the reason.
    pub fn use_metric(&mut self, csv: &str) -> Result<(), JsError> {
        let pts = parse_metric_csv(csv).map_err(js_err)?;
        let mut st = self.state_taking(|s| s.accepts_metric());
        st.config.metric = Some(pts);
        self.start(st)
    }

    /// The current user metric as CSV text `eta,h` (for editing and download).
    pub fn metric_points_csv(&self) -> String {
        let pts = self
            .state
            .config
            .metric
            .clone()
            .unwrap_or_else(|| self.metric_at_layers());
        let mut s = String::from("eta,h\n");
        for p in pts {
            s += &format!("{},{}\n", p.eta, p.h);
        }
        s
    }

    /// Choose the horizon continuation of the reconstruction: where P2's constants come back
    /// (true, the page's default) or at the fit's own end.
    pub fn set_p2_match(&mut self, on: bool) {
        self.p2_match = on;
        self.observed = None;
    }

    /// The observables of the current metric (null before a horizon has formed): wall position
    /// and height, linear region and screening distance in L and fm.
    pub fn observables(&mut self) -> JsValue {
        match self.observe() {
            Some(r) => to_js(&json!({
                "f_peak": r.f_peak, "d_linear": r.d_linear, "d_screen": r.d_screen,
                "f_peak_fm": r.f_peak.map(|p| p.0 * r.ads_radius * HBAR_C_GEV_FM),
                "d_linear_fm": r.d_linear_fm, "d_screen_fm": r.d_screen_fm, "c5": r.c5,
                // The deepest tip of a favoured string, in the network's η (η′ + c₁).
                "tip_eta": r.tip_screen.map(|e| e + r.c1),
            })),
            None => JsValue::NULL,
        }
    }

    /// How far the horizon continuation alone moves the screening distance and the linear
    /// region of the current metric (min/max over the matching range), or null. Kept, and drawn
    /// as a band on the potential chart.
    pub fn continuation_range(&mut self) -> JsValue {
        let t = &self.trainer;
        let r = t.probe_system().temperature_gev().and_then(|temp| {
            let p = t.params();
            crate::observables::continuation_range(
                &p.h,
                &t.network().bulk.etas(),
                t.network().bulk.d as f64,
                p.ads_radius,
                temp,
                Options::default(),
            )
        });
        let js = to_js(&r);
        self.continuation = r;
        js
    }

    /// Start again from the same seed: same data, same initial weights.
    pub fn reset(&mut self) -> Result<(), JsError> {
        self.start(self.state.clone())
    }

    /// Apply a new query (from the controls). The run restarts unless only the learning rate,
    /// speed or display flags changed. Returns the notices, an array of strings.
    pub fn apply(&mut self, query: &str) -> Result<JsValue, JsError> {
        let (mut new, notices) = parse_query(query);
        // Own data and metrics too large for the link stay with the run while other settings
        // change (on the same system).
        if new.config.preset == self.state.config.preset {
            let old = &self.state.config;
            if new.config.data.is_none() && !self.data_in_link() {
                new.config.data = old.data.clone();
            }
            if new.config.metric.is_none()
                && old
                    .metric
                    .as_ref()
                    .is_some_and(|m| m.len() > MAX_METRIC_IN_LINK)
            {
                new.config.metric = old.metric.clone();
            }
        }
        let mut same_run = new.config.clone();
        same_run.lr = self.state.config.lr;
        let restart = same_run != self.state.config;
        if restart {
            self.start(new)?;
            return Ok(to_js(&notices));
        } else if new.config.lr != self.trainer.config().lr {
            self.trainer.set_lr(new.config.lr).map_err(js_err)?;
            self.paused_reason = None;
        }
        crate::i18n::set_lang(new.lang);
        self.state = new;
        Ok(to_js(&notices))
    }

    /// Change the learning rate without touching the run; clears a divergence pause.
    pub fn set_lr(&mut self, lr: f64) -> Result<(), JsError> {
        self.trainer.set_lr(lr).map_err(js_err)?;
        self.state.config.lr = lr;
        self.paused_reason = None;
        Ok(())
    }

    /// The run's identity (`url_state::run_query`): the key of its saved run in the page.
    pub fn run_query(&self) -> String {
        crate::url_state::run_query(&self.state)
    }

    /// The run identity of any link's query (for saved runs from before run queries).
    pub fn run_query_of(query: &str) -> String {
        crate::url_state::run_query(&crate::url_state::parse_query(query).0)
    }

    /// The URL query of the current state (without `?`).
    pub fn query(&self) -> String {
        to_query(&self.state)
    }

    /// The state for the controls: the config plus speed, embed, present, autoplay.
    pub fn state(&self) -> JsValue {
        let sys = self.trainer.system();
        to_js(&json!({
            "config": self.state.config,
            "speed": self.state.speed,
            "speeds": SPEEDS.len(),
            "steps_per_frame": SPEEDS[self.state.speed],
            "embed": self.state.embed,
            "present": self.state.present,
            "tour": self.state.tour,
            "compare": self.state.compare,
            "laplace": self.state.laplace,
            "potential": self.state.potential,
            "autoplay": self.state.autoplay,
            "panels": self.state.panels,
            "learns_couplings": sys.learns_couplings(),
            "has_restart_recipe": sys.has_restart_recipe(),
            "accepts_measurements": sys.accepts_measurements(),
            "metric_editable": sys.accepts_metric(),
            "reference_caption": sys.probe().map(|p| p.reference_caption()),
            "max_speed": SPEEDS.len() - 1,
        }))
    }

    /// The model file (same format as the CLI's `--out`).
    pub fn export_model(&self) -> String {
        ModelFile::from_trainer(&self.trainer).to_json()
    }

    /// Resume from a model file. A rejected file leaves the current run untouched.
    pub fn import_model(&mut self, text: &str) -> Result<(), JsError> {
        let m = ModelFile::from_json(text).map_err(js_err)?;
        if !m.preset.system().in_page() {
            return Err(js_err(tr!(
                "notice.cli_only",
                system = m.preset,
                default = self.state.config.preset
            )));
        }
        let trainer = m.resume().map_err(js_err)?;
        let st = PageState {
            config: trainer.config().clone(),
            ..self.state.clone()
        };
        self.install(st, trainer);
        Ok(())
    }

    /// The learned metric as CSV: k, eta, h and the system's reference column.
    pub fn metric_csv(&self) -> String {
        let t = &self.trainer;
        let bulk = &t.network().bulk;
        let r = t
            .probe_system()
            .reference(&t.config().inputs(), t.network());
        let mut s = format!("k,eta,h,{}\n", r.csv_column);
        for (k, (h, reference)) in t.params().h.iter().zip(&r.at_layers).enumerate() {
            s += &format!("{k},{},{h},{reference}\n", bulk.eta(k));
        }
        s
    }

    /// Milliseconds per epoch of the benchmark run ([`bench_config`]), timed over `epochs`
    /// epochs after one warm-up — the native `adsdl bench` measurement, in the page.
    pub fn bench(epochs: u32) -> Result<f64, JsError> {
        let mut t = Trainer::new(bench_config()).map_err(js_err)?;
        let run = |t: &mut Trainer| {
            t.epoch_step()
                .map_err(|d| JsError::new(&d.message.to_string()))
        };
        run(&mut t)?;
        let t0 = perf_ms();
        for _ in 0..epochs.max(1) {
            run(&mut t)?;
        }
        Ok((perf_ms() - t0) / epochs.max(1) as f64)
    }

    /// Train on the user's own measurements (CSV text: `m_q,condensate[,error]`; `lattice` true
    /// for lattice units converted with `inv_a_gev`). Switches to a system that takes measurements
    /// and starts a new run. A rejected table changes nothing; the error names the line, the
    /// column and the reason.
    pub fn use_data(&mut self, csv: &str, lattice: bool, inv_a_gev: f64) -> Result<(), JsError> {
        let units = if lattice {
            Units::Lattice { inv_a_gev }
        } else {
            Units::Physical
        };
        let pts = parse_measurements(csv, units).map_err(js_err)?;
        let mut st = self.state_taking(|s| s.accepts_measurements());
        st.config.data = Some(pts);
        self.start(st)
    }

    /// Back to the system's own data (a new run).
    pub fn clear_data(&mut self) -> Result<(), JsError> {
        let mut st = self.state.clone();
        st.config.data = None;
        self.start(st)
    }

    /// Whether the run's own data are small enough to travel in the link.
    pub fn data_in_link(&self) -> bool {
        self.state
            .config
            .data
            .as_ref()
            .is_none_or(|d| d.len() <= MAX_DATA_IN_LINK)
    }

    /// The run's state as JSON, for localStorage.
    pub fn session(&self) -> String {
        serde_json::to_string(&self.trainer.session()).expect("json")
    }

    /// Resume a stored session; a malformed or mismatched one changes nothing.
    pub fn restore(&mut self, text: &str) -> Result<(), JsError> {
        let s: Session =
            serde_json::from_str(text).map_err(|e| JsError::new(&format!("session: {e}")))?;
        let trainer = Trainer::from_session(s).map_err(js_err)?;
        let st = PageState {
            config: trainer.config().clone(),
            ..self.state.clone()
        };
        self.install(st, trainer);
        Ok(())
    }

    /// Bytes of WebAssembly linear memory (for the soak benchmark: it must not keep growing).
    pub fn memory_bytes() -> f64 {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }

    /// The per-epoch history `{loss, lambda, ads_radius}` (for the benchmark and the tests).
    pub fn history(&self) -> JsValue {
        let t = &self.trainer;
        let h = t.history();
        // The first epoch (1-based) whose state met the system's "metric" criterion.
        let column = |name| h.scalar(name).unwrap_or_default();
        let (lambda, ads_radius) = (column("lambda"), column("ads_radius"));
        let first = (0..h.loss.len()).find(|&k| {
            let p = crate::physics::Params {
                ads_radius: ads_radius[k],
                lambda: lambda[k],
                ..t.params().clone()
            };
            t.probe_system().reached_metric(h.loss[k], &p) == Some(true)
        });
        to_js(&json!({
            "loss": h.loss, "lambda": lambda, "ads_radius": ads_radius,
            "first_at_metric": first.map(|k| k + 1),
        }))
    }

    /// Per-epoch mean losses so far (for tests and the page's own checks).
    pub fn losses(&self) -> Vec<f64> {
        self.trainer.history().loss.clone()
    }
}

/// Install a panic hook that reports Rust panics on the console (once).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("adsdl: {info}").into());
    }));
}

/// Table II of an in-page ensemble: `models` is a JSON array of model files (one per seed, as the
/// workers export them). Returns JSON `{summary, observables}` (kept as text: it is handed back
/// to [`draw_ensemble`]); runs above the system's keep-cut (0.08 for QCD) are left out, as P2 did.
#[wasm_bindgen]
pub fn ensemble_report(models: &str) -> Result<String, JsError> {
    let files: Vec<serde_json::Value> =
        serde_json::from_str(models).map_err(|e| JsError::new(&format!("ensemble: {e}")))?;
    let mut results = Vec::new();
    let mut system = SystemId::default_system();
    for f in files {
        let m = ModelFile::from_json(&f.to_string()).map_err(js_err)?;
        system = m.preset;
        results.push(RunResult {
            seed: m.seed.unwrap_or(0),
            params: crate::systems::model::Named::of(
                &m.preset.system().blocks(),
                &m.theta().map_err(js_err)?,
            ),
            observables: serde_json::Map::new(),
            loss: m.loss.unwrap_or(f64::NAN),
            epochs: m.epochs,
            restarts: 0,
            shape_epoch: None,
            diverged: false,
            seconds: 0.0,
        });
    }
    let cut = system.system().keep_loss();
    let summary = summarize(system, &results, cut);
    let params: Vec<crate::physics::Params> = results
        .iter()
        .filter(|r| r.kept(cut))
        .filter_map(|r| r.probe_params())
        .collect();
    let kept: Vec<&crate::physics::Params> = params.iter().collect();
    let opt = Options {
        horizon_match: Some(P2_HORIZON_MATCH),
        tips: 120,
        ..Options::default()
    };
    let probe = system
        .system()
        .probe()
        .ok_or_else(|| js_err(tr!("error.ensemble.probe_only", preset = system)))?;
    let net = crate::train::trainer::network_for(&crate::train::TrainConfig::new(system));
    let observables = probe
        .temperature_gev()
        .filter(|_| !kept.is_empty())
        .map(|temp| ensemble_observables(&kept, &net.bulk.etas(), net.bulk.d as f64, temp, opt));
    let r = probe.reference(&crate::train::TrainConfig::new(system).inputs(), &net);
    let reference = json!({
        "label": r.label,
        "h": r.at_layers,
        "sd": r.band.map(|b| b.iter().map(|x| (x.2 - x.1) / 6.0).collect::<Vec<_>>()),
        "couplings": probe.published_couplings(),
    });
    Ok(
        json!({ "summary": summary, "observables": observables, "reference": reference })
            .to_string(),
    )
}

/// Draw an ensemble chart ("ensemble-metric" or "ensemble-potential") from [`ensemble_report`]'s JSON.
#[wasm_bindgen]
pub fn draw_ensemble(
    name: &str,
    canvas: HtmlCanvasElement,
    report: &str,
    dark: bool,
    scale: f64,
) -> Result<(), JsError> {
    let v: serde_json::Value =
        serde_json::from_str(report).map_err(|e| JsError::new(&format!("ensemble report: {e}")))?;
    let (root, theme) = canvas_and_theme(canvas, dark, scale)?;
    let res = match name {
        "ensemble-metric" => {
            let s: Summary = serde_json::from_value(v["summary"].clone())
                .map_err(|e| JsError::new(&e.to_string()))?;
            crate::charts::draw_ensemble_metric(&root, &s, &theme)
        }
        _ => match serde_json::from_value::<Option<EnsembleObservables>>(v["observables"].clone())
            .map_err(|e| JsError::new(&e.to_string()))?
        {
            Some(o) => crate::charts::draw_ensemble_potential(&root, &o, &theme),
            None => crate::charts::draw_message(
                &root,
                t("chart.ensemble.potential"),
                t("chart.ensemble.none"),
                &theme,
            ),
        },
    };
    res.map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))?;
    root.present()
        .map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))
}
