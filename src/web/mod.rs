//! The thin WebAssembly boundary: wraps the [`Trainer`], turns every error into a JS exception,
//! draws the charts on canvases. No physics here beyond calling the engine.

use crate::charts::{chart_names, draw_named, Theme};
use crate::model_file::ModelFile;
use crate::observables::{
    ensemble_observables, observe, EnsembleObservables, Options, Report, P2_HORIZON_MATCH,
};
use crate::physics::PresetId;
use crate::points::{parse_measurements, Units};
use crate::train::ensemble::{summarize, RunResult, Summary};
use crate::train::trainer::Session;
use crate::train::{Recipe, TrainConfig, Trainer};
use crate::url_state::{parse_query, to_query, PageState, MAX_DATA_IN_LINK, SPEEDS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde_json::json;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// A drawing area on a canvas and the theme for it (`scale` = devicePixelRatio × presentation).
fn canvas_and_theme(
    canvas: HtmlCanvasElement,
    dark: bool,
    scale: f64,
) -> Result<(DrawingArea<CanvasBackend, Shift>, Theme), JsError> {
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| JsError::new("no 2D context on that canvas"))?;
    let mut theme = if dark { Theme::dark() } else { Theme::light() };
    theme.scale = scale.clamp(0.5, 6.0);
    Ok((backend.into_drawing_area(), theme))
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

/// The page's training session.
#[wasm_bindgen]
pub struct App {
    state: PageState,
    trainer: Trainer,
    notices: Vec<String>,
    paused_reason: Option<String>,
    steps_window: Vec<(f64, u64)>,
    /// f, g and V(d) of the current metric, with the step count they belong to.
    observed: Option<(u64, bool, Option<Report>)>,
    /// Continue the horizon where P2's constants come back (else at the fit's end).
    p2_match: bool,
}

impl App {
    /// f, g, V(d) of the current parameters, recomputed only when training has moved on.
    fn observe(&mut self) -> Option<&Report> {
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
            let r = observe(
                &p.h,
                &t.network().bulk.etas(),
                t.network().bulk.d as f64,
                p.ads_radius,
                opt,
            )
            .map(|x| x.2);
            self.observed = Some((steps, self.p2_match, r));
        }
        self.observed.as_ref().and_then(|o| o.2.as_ref())
    }

    fn draw_observable(
        &mut self,
        name: &str,
        canvas: HtmlCanvasElement,
        dark: bool,
        scale: f64,
    ) -> Result<(), JsError> {
        let (root, theme) = canvas_and_theme(canvas, dark, scale)?;
        let res = match (self.observe(), name) {
            (Some(r), "fg") => crate::charts::draw_fg(&root, r, &theme),
            (Some(r), _) => crate::charts::draw_potential(&root, r, &theme),
            (None, _) => crate::charts::draw_message(
                &root,
                if name == "fg" { "reconstructed metric f, g" } else { "quark–antiquark potential" },
                "No horizon yet: the metric must rise toward the horizon and approach 4 at the boundary. Keep training.",
                &theme,
            ),
        };
        res.map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))?;
        root.present()
            .map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))
    }

    /// Switch to a new run (only after everything about it has been validated).
    fn install(&mut self, state: PageState, trainer: Trainer) {
        self.state = state;
        self.trainer = trainer;
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
        let (state, notices) = parse_query(query);
        let trainer = Trainer::new(state.config.clone()).map_err(|e| JsError::new(&e))?;
        Ok(App {
            state,
            trainer,
            notices,
            paused_reason: None,
            steps_window: Vec::new(),
            observed: None,
            p2_match: true,
        })
    }

    /// Notices from parsing the URL, as a JSON array of strings (to be shown as text).
    pub fn notices(&self) -> String {
        serde_json::to_string(&self.notices).expect("json")
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
                    self.paused_reason = Some(format!(
                        "Training paused: {}. The last finite parameters were kept; try a smaller learning rate (now {}).",
                        d.message,
                        self.trainer.config().lr
                    ));
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

    /// Counters and parameters as JSON: epoch, steps, batches_per_second, loss (last epoch mean),
    /// lambda, ads_radius, inv_l_mev, attempt, events, paused_reason, preset.
    pub fn status(&self) -> String {
        let t = &self.trainer;
        let p = t.params();
        let rate = match (self.steps_window.first(), self.steps_window.last()) {
            (Some(a), Some(b)) if b.0 > a.0 => 1000.0 * (b.1 - a.1) as f64 / (b.0 - a.0),
            _ => 0.0,
        };
        let finite = |v: f64| if v.is_finite() { json!(v) } else { json!(null) };
        json!({
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
            "events": t.events(),
            "paused_reason": self.paused_reason,
            "lr": t.config().lr,
        })
        .to_string()
    }

    /// Loss over the whole training set evaluated as one batch (what `adsdl eval --train-set` prints).
    pub fn full_loss(&self) -> f64 {
        self.trainer.full_loss().total()
    }

    /// Draw chart `name` ("metric", "data", "loss", "couplings", and for QCD "fg", "potential") on a
    /// canvas whose size is already in device pixels; `scale` enlarges text and markers
    /// (devicePixelRatio × presentation).
    pub fn draw(
        &mut self,
        name: &str,
        canvas: HtmlCanvasElement,
        dark: bool,
        scale: f64,
    ) -> Result<(), JsError> {
        if name == "fg" || name == "potential" {
            return self.draw_observable(name, canvas, dark, scale);
        }
        let (root, theme) = canvas_and_theme(canvas, dark, scale)?;
        draw_named(name, &root, &self.trainer, &theme).map_err(|e| JsError::new(&e))
    }

    /// The chart names for the current preset, comma-separated.
    pub fn charts(&self) -> String {
        let mut names = chart_names(self.trainer.config().preset).to_vec();
        if self.trainer.config().preset == PresetId::Qcd {
            names.extend(["fg", "potential"]);
        }
        names.join(",")
    }

    /// Choose the horizon continuation of the reconstruction: where P2's constants come back
    /// (true, the page's default) or at the fit's own end.
    pub fn set_p2_match(&mut self, on: bool) {
        self.p2_match = on;
        self.observed = None;
    }

    /// The observables of the current metric as JSON (null before a horizon has formed):
    /// wall position and height, linear region and screening distance in L and fm.
    pub fn observables(&mut self) -> String {
        match self.observe() {
            Some(r) => json!({
                "f_peak": r.f_peak, "d_linear": r.d_linear, "d_screen": r.d_screen,
                "d_linear_fm": r.d_linear_fm, "d_screen_fm": r.d_screen_fm, "c5": r.c5,
            })
            .to_string(),
            None => "null".into(),
        }
    }

    /// Start again from the same seed: same data, same initial weights.
    pub fn reset(&mut self) -> Result<(), JsError> {
        let trainer = Trainer::new(self.state.config.clone()).map_err(|e| JsError::new(&e))?;
        self.install(self.state.clone(), trainer);
        Ok(())
    }

    /// Apply a new query (from the controls). The run restarts unless only the learning rate,
    /// speed or display flags changed. Returns the notices as a JSON array.
    pub fn apply(&mut self, query: &str) -> Result<String, JsError> {
        let (mut new, notices) = parse_query(query);
        // Own data too large for the link stay with the run while other settings change.
        if new.config.data.is_none() && !self.data_in_link() && new.config.preset == PresetId::Qcd {
            new.config.data = self.state.config.data.clone();
        }
        let mut same_run = new.config.clone();
        same_run.lr = self.state.config.lr;
        let restart = same_run != self.state.config;
        if restart {
            let trainer = Trainer::new(new.config.clone()).map_err(|e| JsError::new(&e))?;
            self.install(new, trainer);
            return Ok(serde_json::to_string(&notices).expect("json"));
        } else if new.config.lr != self.trainer.config().lr {
            self.trainer
                .set_lr(new.config.lr)
                .map_err(|e| JsError::new(&e))?;
            self.paused_reason = None;
        }
        self.state = new;
        Ok(serde_json::to_string(&notices).expect("json"))
    }

    /// Change the learning rate without touching the run; clears a divergence pause.
    pub fn set_lr(&mut self, lr: f64) -> Result<(), JsError> {
        self.trainer.set_lr(lr).map_err(|e| JsError::new(&e))?;
        self.state.config.lr = lr;
        self.paused_reason = None;
        Ok(())
    }

    /// The URL query of the current state (without `?`).
    pub fn query(&self) -> String {
        to_query(&self.state)
    }

    /// The state as JSON for the controls: the config plus speed, embed, present, autoplay.
    pub fn state(&self) -> String {
        json!({
            "config": self.state.config,
            "speed": self.state.speed,
            "speeds": SPEEDS.len(),
            "steps_per_frame": SPEEDS[self.state.speed],
            "embed": self.state.embed,
            "present": self.state.present,
            "autoplay": self.state.autoplay,
        })
        .to_string()
    }

    /// The model file (same format as the CLI's `--out`).
    pub fn export_model(&self) -> String {
        ModelFile::from_trainer(&self.trainer).to_json()
    }

    /// Resume from a model file. A rejected file leaves the current run untouched.
    pub fn import_model(&mut self, text: &str) -> Result<(), JsError> {
        let m = ModelFile::from_json(text).map_err(|e| JsError::new(&e))?;
        let trainer = m.resume().map_err(|e| JsError::new(&e))?;
        let st = PageState {
            config: trainer.config().clone(),
            ..self.state.clone()
        };
        self.install(st, trainer);
        Ok(())
    }

    /// The learned metric as CSV: k, eta, h (and the reference column of the preset).
    pub fn metric_csv(&self) -> String {
        let t = &self.trainer;
        let bulk = &t.network().bulk;
        let truth = t.preset().true_params();
        let mut s = String::from(if truth.is_some() {
            "k,eta,h,h_true\n"
        } else {
            "k,eta,h,h_table_ii\n"
        });
        for (k, h) in t.params().h.iter().enumerate() {
            let reference = match &truth {
                Some(tr) => tr.h[k],
                None => crate::physics::presets::TABLE_II_H[k].0,
            };
            s += &format!("{k},{},{h},{reference}\n", bulk.eta(k));
        }
        s
    }

    /// Milliseconds per QCD epoch of the paper protocol (20 000 samples, batch 100, Adam), timed
    /// over `epochs` epochs after one warm-up — the native `adsdl bench` measurement, in the page.
    pub fn bench(epochs: u32) -> Result<f64, JsError> {
        let mut c = TrainConfig::new(PresetId::Qcd);
        c.recipe = Recipe::Paper;
        let mut t = Trainer::new(c).map_err(|e| JsError::new(&e))?;
        let run = |t: &mut Trainer| t.epoch_step().map_err(|d| JsError::new(&d.message));
        run(&mut t)?;
        let t0 = perf_ms();
        for _ in 0..epochs.max(1) {
            run(&mut t)?;
        }
        Ok((perf_ms() - t0) / epochs.max(1) as f64)
    }

    /// Train on the user's own measurements (CSV text: `m_q,condensate[,error]`; `lattice` true
    /// for lattice units converted with `inv_a_gev`). Switches to the QCD preset and starts a new
    /// run. A rejected table changes nothing; the error names the line, the column and the reason.
    pub fn use_data(&mut self, csv: &str, lattice: bool, inv_a_gev: f64) -> Result<(), JsError> {
        let units = if lattice {
            Units::Lattice { inv_a_gev }
        } else {
            Units::Physical
        };
        let pts = parse_measurements(csv, units).map_err(|e| JsError::new(&e))?;
        let mut st = self.state.clone();
        if st.config.preset != PresetId::Qcd {
            st = PageState {
                config: TrainConfig::new(PresetId::Qcd),
                ..st
            };
        }
        st.config.data = Some(pts);
        let trainer = Trainer::new(st.config.clone()).map_err(|e| JsError::new(&e))?;
        self.install(st, trainer);
        Ok(())
    }

    /// Back to the bundled data of the preset (a new run).
    pub fn clear_data(&mut self) -> Result<(), JsError> {
        let mut st = self.state.clone();
        st.config.data = None;
        let trainer = Trainer::new(st.config.clone()).map_err(|e| JsError::new(&e))?;
        self.install(st, trainer);
        Ok(())
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
        let trainer = Trainer::from_session(s).map_err(|e| JsError::new(&e))?;
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
/// workers export them). Returns JSON `{summary, observables}`; runs with loss > 0.1 are left out,
/// as P2 did.
#[wasm_bindgen]
pub fn ensemble_report(models: &str) -> Result<String, JsError> {
    let files: Vec<serde_json::Value> =
        serde_json::from_str(models).map_err(|e| JsError::new(&format!("ensemble: {e}")))?;
    let mut results = Vec::new();
    for f in files {
        let m = ModelFile::from_json(&f.to_string()).map_err(|e| JsError::new(&e))?;
        results.push(RunResult {
            seed: m.seed.unwrap_or(0),
            params: m.params(),
            loss: m.loss.unwrap_or(f64::NAN),
            epochs: m.epochs,
            restarts: 0,
            shape_epoch: None,
            diverged: false,
            seconds: 0.0,
        });
    }
    let summary = summarize(&results, 0.1);
    let kept: Vec<&crate::physics::Params> = results
        .iter()
        .filter(|r| r.loss.is_finite() && r.loss <= 0.1)
        .map(|r| &r.params)
        .collect();
    let opt = Options {
        horizon_match: Some(P2_HORIZON_MATCH),
        tips: 120,
        ..Options::default()
    };
    let observables = (!kept.is_empty()).then(|| ensemble_observables(&kept, opt));
    Ok(json!({ "summary": summary, "observables": observables }).to_string())
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
                "ensemble potential",
                "No member has converged yet (loss ≤ 0.1).",
                &theme,
            ),
        },
    };
    res.map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))?;
    root.present()
        .map_err(|e| JsError::new(&format!("drawing {name}: {e:?}")))
}
