//! Every setting, declared once: its URL key, CLI flag, place in the page state and model file,
//! label, help, type and range. The URL parser and writer, the CLI's flags, the page's controls,
//! configuration checks and the README's parameter table all follow from [`SETTINGS`].

use crate::chart_kind::ChartKind;
use crate::physics::RegChoice;
use crate::points::{validate_measurements, Measured};
use crate::systems::custom::{by_point, validate_metric, MetricPoint};
use crate::systems::{SystemId, REGISTRY};
use crate::tr;
use serde::Serialize;
use serde_json::Value;

/// The kind of value a setting holds.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A registered system.
    System,
    /// An unsigned 64-bit integer (seeds).
    Seed,
    /// A real number in [min, max].
    Float {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A whole number in [min, max].
    Int {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// One of named options (value, string-table key of its label), which may depend on the system.
    Choice(fn(SystemId) -> Vec<(&'static str, &'static str)>),
    /// Measured condensates (URL: `m_q_condensate_error*…`; CLI: a CSV file).
    Measurements,
    /// A user metric (URL: `eta_h*…`; CLI: a CSV file `eta,h`).
    Metric,
    /// The user's own table of a system that declares one
    /// ([`crate::systems::System::input_table`]): its CSV text (URL: the text; CLI: `--data FILE`,
    /// read as this table for such a system).
    Table,
    /// On or off (URL: 1 or 0).
    Flag,
    /// A list of charts (URL: `metric,data,…`).
    Panels,
    /// A language of the page (URL: `en`, `ja`).
    Lang,
    /// The input of "from the potential to the bulk" in its link form (`eichten`, `sommer`,
    /// `cornell:κ,σ`, `model`, `table:r,V[,err];…`). Its meaning is checked where the page state
    /// is made ([`crate::url_state::parse_query`]): this layer only bounds its length.
    Potential,
}

/// When a change takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// It defines the run: changing it starts a new one.
    Run,
    /// It changes the running training without restarting it.
    Live,
    /// Display only.
    Page,
}

/// What `adsdl train --resume` does with the flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnResume {
    /// Applied to the continued run.
    Apply,
    /// Refused when it differs from the model's value: it would be another run.
    Refuse,
}

/// One setting.
#[derive(Debug)]
pub struct Setting {
    /// Key in the URL query.
    pub key: &'static str,
    /// Long flag on the command line (`None`: page only).
    pub flag: Option<&'static str>,
    /// Where the value lives in the page state's JSON; `config.X` is key X of the model file's
    /// `training` object.
    pub path: &'static str,
    /// Whether the page generates a control for it. Its label and one line of help (CLI
    /// `--help`, the page's tooltip, the README) are `setting.KEY.label` and `setting.KEY.help`
    /// in the string tables ([`Setting::label`], [`Setting::help`]).
    pub control: bool,
    /// Type and range.
    pub kind: Kind,
    /// When a change takes effect.
    pub scope: Scope,
    /// What `--resume` does with it.
    pub on_resume: OnResume,
}

fn reg_options(s: SystemId) -> Vec<(&'static str, &'static str)> {
    s.system()
        .reg_choices()
        .iter()
        .map(|r| {
            (
                r.name(),
                match r {
                    RegChoice::Paper => "option.reg.paper",
                    RegChoice::Einstein => "option.reg.einstein",
                    RegChoice::Curvature => "option.reg.curvature",
                },
            )
        })
        .collect()
}

fn recipe_options(s: SystemId) -> Vec<(&'static str, &'static str)> {
    let restart = if s.system().has_restart_recipe() {
        "option.recipe.restart"
    } else {
        "option.recipe.restart_as_paper"
    };
    let mut v = vec![("restart", restart), ("paper", "option.recipe.paper")];
    if s.system().plateau().is_some() {
        v.insert(0, ("fast", "option.recipe.fast"));
    }
    v
}

fn optimizer_options(_: SystemId) -> Vec<(&'static str, &'static str)> {
    vec![("adam", "option.opt.adam"), ("sgd", "option.opt.sgd")]
}

/// The largest seed: 2⁵³ − 1, the largest integer a JavaScript number holds exactly. One range
/// for the command line, links, the page's field and model files, so a run started anywhere can
/// be carried to the page (a larger seed once stopped the page's engine).
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Speed steps of the page: mini-batches per frame; the last one means "as many as fit".
pub const SPEEDS: [u32; 9] = [1, 2, 5, 10, 20, 50, 100, 200, u32::MAX];
/// Own data with at most this many points travel in the link; larger sets go in a model file.
pub const MAX_DATA_IN_LINK: usize = 24;
/// A user metric with at most this many points travels in the link.
pub const MAX_METRIC_IN_LINK: usize = 64;
pub use crate::observables::inverse::source::MAX_POTENTIAL_IN_LINK;
/// The longest own table (CSV text) a run takes: forty states of a few numbers each fit in a
/// tenth of it.
pub const MAX_TABLE_TEXT: usize = 8_000;

/// Every setting, in the order of links and tables.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "preset",
        flag: Some("preset"),
        path: "config.preset",
        control: true,
        kind: Kind::System,
        scope: Scope::Run,
        on_resume: OnResume::Refuse,
    },
    Setting {
        key: "seed",
        flag: Some("seed"),
        path: "config.seed",
        control: true,
        kind: Kind::Seed,
        scope: Scope::Run,
        on_resume: OnResume::Refuse,
    },
    Setting {
        key: "lr",
        flag: Some("lr"),
        path: "config.lr",
        control: true,
        kind: Kind::Float {
            min: 1e-6,
            max: 10.0,
        },
        scope: Scope::Live,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "batch",
        flag: Some("batch"),
        path: "config.batch",
        control: true,
        kind: Kind::Int {
            min: 1,
            max: 10_000,
        },
        scope: Scope::Run,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "epochs",
        flag: Some("epochs"),
        path: "config.epochs",
        control: false,
        kind: Kind::Int {
            min: 1,
            max: 1_000_000,
        },
        scope: Scope::Run,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "budget",
        flag: Some("max-epochs"),
        path: "config.max_epochs",
        control: false,
        kind: Kind::Int {
            min: 1,
            max: 1_000_000,
        },
        scope: Scope::Run,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "sub",
        flag: Some("substeps"),
        path: "config.substeps",
        control: true,
        kind: Kind::Int { min: 1, max: 64 },
        scope: Scope::Run,
        on_resume: OnResume::Refuse,
    },
    Setting {
        key: "n",
        flag: Some("per-class"),
        path: "config.per_class",
        control: true,
        kind: Kind::Int {
            min: 10,
            max: 200_000,
        },
        scope: Scope::Run,
        on_resume: OnResume::Refuse,
    },
    Setting {
        key: "reg",
        flag: Some("reg"),
        path: "config.reg",
        control: true,
        kind: Kind::Choice(reg_options),
        scope: Scope::Run,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "c",
        flag: Some("reg-c"),
        path: "config.reg_c",
        control: true,
        kind: Kind::Float { min: 0.0, max: 1e4 },
        scope: Scope::Run,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "opt",
        flag: Some("optimizer"),
        path: "config.optimizer",
        control: true,
        kind: Kind::Choice(optimizer_options),
        scope: Scope::Run,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "recipe",
        flag: Some("recipe"),
        path: "config.recipe",
        control: true,
        kind: Kind::Choice(recipe_options),
        scope: Scope::Run,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "data",
        flag: Some("data"),
        path: "config.data",
        control: false,
        kind: Kind::Measurements,
        scope: Scope::Run,
        on_resume: OnResume::Refuse,
    },
    Setting {
        key: "metric",
        flag: Some("metric"),
        path: "config.metric",
        control: false,
        kind: Kind::Metric,
        scope: Scope::Run,
        on_resume: OnResume::Refuse,
    },
    Setting {
        key: "table",
        flag: None,
        path: "config.table",
        control: false,
        kind: Kind::Table,
        scope: Scope::Run,
        on_resume: OnResume::Refuse,
    },
    Setting {
        key: "speed",
        flag: None,
        path: "speed",
        control: false,
        kind: Kind::Int { min: 0, max: 8 },
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "embed",
        flag: None,
        path: "embed",
        control: false,
        kind: Kind::Flag,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "present",
        flag: None,
        path: "present",
        control: false,
        kind: Kind::Flag,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "tour",
        flag: None,
        path: "tour",
        control: false,
        kind: Kind::Flag,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "compare",
        flag: None,
        path: "compare",
        control: false,
        kind: Kind::Flag,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "laplace",
        flag: None,
        path: "laplace",
        control: false,
        kind: Kind::Flag,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "potential",
        flag: None,
        path: "potential",
        control: false,
        kind: Kind::Potential,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "lang",
        flag: None,
        path: "lang",
        control: false,
        kind: Kind::Lang,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "panels",
        flag: None,
        path: "panels",
        control: false,
        kind: Kind::Panels,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
    Setting {
        key: "play",
        flag: None,
        path: "autoplay",
        control: false,
        kind: Kind::Flag,
        scope: Scope::Page,
        on_resume: OnResume::Apply,
    },
];

impl Setting {
    /// The label of its page control, in the current language.
    pub fn label(&self) -> String {
        crate::i18n::t(&format!("setting.{}.label", self.key)).to_string()
    }

    /// Its line of help, in the current language.
    pub fn help(&self) -> String {
        crate::i18n::t(&format!("setting.{}.help", self.key)).to_string()
    }
}

/// The setting with this URL key.
pub fn by_key(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// The setting with this CLI flag.
pub fn by_flag(flag: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.flag == Some(flag))
}

/// Shorten and strip a user value before echoing it in a message (shown as text, never markup).
pub fn shown(v: &str) -> String {
    let s: String = v.chars().filter(|c| !c.is_control()).take(40).collect();
    if v.chars().count() > 40 {
        format!("{s}…")
    } else {
        s
    }
}

/// A bound as people write it: plain where short, else in e notation.
fn short(x: f64) -> String {
    if x == 0.0 || (1e-3..1e5).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// A number as the shortest text that reads back to it.
fn num_text(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if v.is_f64() => format!("{x}"),
        _ => v.to_string(),
    }
}

/// The value at a dotted path of a JSON object.
pub fn get<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| &v[k])
}

/// Set the value at a dotted path of a JSON object.
pub fn set(v: &mut Value, path: &str, x: Value) {
    let mut cur = v;
    for k in path.split('.') {
        cur = &mut cur[k];
    }
    *cur = x;
}

/// `a_b_c*a_b_c*…`: points as URL-safe text.
fn points_text<const N: usize>(rows: impl Iterator<Item = [f64; N]>) -> String {
    rows.map(|r| r.map(|x| format!("{x}")).join("_"))
        .collect::<Vec<_>>()
        .join("*")
}

/// Parse `a_b[_c]*…` into rows of `min..=N` numbers (missing trailing ones are 0).
fn parse_points<const N: usize>(v: &str, min: usize) -> Result<Vec<[f64; N]>, String> {
    v.split('*')
        .enumerate()
        .map(|(k, p)| {
            let f: Vec<f64> = p
                .split('_')
                .map(|x| x.parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| format!("point {} is not a list of numbers", k + 1))?;
            if f.len() < min || f.len() > N {
                return Err(format!("point {} is not {min} to {N} numbers", k + 1));
            }
            let mut row = [0.0; N];
            row[..f.len()].copy_from_slice(&f);
            Ok(row)
        })
        .collect()
}

/// A setting's verdict on a raw value: the value to use and, when it was changed, why.
pub type Parsed = (Value, Option<String>);

impl Setting {
    /// Parse a raw value for `system`. `strict` (the CLI) refuses out-of-range numbers;
    /// otherwise (links) they are clamped with a notice. `Err` says why the value is unusable.
    pub fn parse(&self, system: SystemId, raw: &str, strict: bool) -> Result<Parsed, String> {
        let key = self.key;
        let range_err = |lo: String, hi: String| {
            tr!(
                "notice.out_of_range",
                key = key,
                value = shown(raw),
                lo = lo,
                hi = hi
            )
        };
        match self.kind {
            Kind::System => raw
                .parse::<SystemId>()
                .map(|s| (Value::from(s.name()), None)),
            Kind::Seed => match raw.parse::<u64>() {
                Ok(s) if s <= MAX_SEED => Ok((Value::from(s), None)),
                Ok(_) => Err(range_err("0".into(), MAX_SEED.to_string())),
                Err(_) => Err(tr!("notice.not_number", key = key, value = shown(raw))),
            },
            Kind::Float { min, max } => match raw.parse::<f64>() {
                Ok(x) if x.is_finite() && (min..=max).contains(&x) => Ok((Value::from(x), None)),
                Ok(x) if x.is_finite() && strict => {
                    Err(range_err(min.to_string(), max.to_string()))
                }
                Ok(x) if x < min => Ok((
                    Value::from(min),
                    Some(tr!(
                        "notice.below",
                        key = key,
                        value = shown(raw),
                        min = min
                    )),
                )),
                Ok(x) if x > max => Ok((
                    Value::from(max),
                    Some(tr!(
                        "notice.above",
                        key = key,
                        value = shown(raw),
                        max = max
                    )),
                )),
                _ => Err(tr!("notice.not_number", key = key, value = shown(raw))),
            },
            Kind::Int { min, max } => match raw.parse::<u64>() {
                Ok(x) if (min..=max).contains(&x) => Ok((Value::from(x), None)),
                Ok(_) if strict => Err(range_err(min.to_string(), max.to_string())),
                Ok(x) if x < min => Ok((
                    Value::from(min),
                    Some(tr!(
                        "notice.below",
                        key = key,
                        value = shown(raw),
                        min = min
                    )),
                )),
                Ok(_) => Ok((
                    Value::from(max),
                    Some(tr!(
                        "notice.above",
                        key = key,
                        value = shown(raw),
                        max = max
                    )),
                )),
                Err(_) => Err(tr!("notice.not_number", key = key, value = shown(raw))),
            },
            Kind::Choice(options) => {
                let opts = options(system);
                if opts.iter().any(|(v, _)| *v == raw) {
                    Ok((Value::from(raw), None))
                } else {
                    Err(tr!(
                        "notice.not_offered",
                        key = key,
                        value = shown(raw),
                        system = system,
                        expected = opts.iter().map(|o| o.0).collect::<Vec<_>>().join(", ")
                    ))
                }
            }
            Kind::Measurements => {
                if !system.system().accepts_measurements() {
                    return Err(tr!("notice.not_used", key = key, system = system));
                }
                let pts: Vec<Measured> = parse_points::<3>(raw, 2)?
                    .into_iter()
                    .map(|[m_q, condensate, error]| Measured {
                        m_q,
                        condensate,
                        error,
                    })
                    .collect();
                validate_measurements(&pts)?;
                Ok((serde_json::to_value(pts).expect("json"), None))
            }
            Kind::Metric => {
                if !system.system().accepts_metric() {
                    return Err(tr!("notice.not_used", key = key, system = system));
                }
                let pts: Vec<MetricPoint> = parse_points::<2>(raw, 2)?
                    .into_iter()
                    .map(|[eta, h]| MetricPoint { eta, h })
                    .collect();
                validate_metric(&pts, &by_point)?;
                Ok((serde_json::to_value(pts).expect("json"), None))
            }
            Kind::Table => {
                let table = system
                    .system()
                    .input_table()
                    .ok_or_else(|| tr!("notice.not_used", key = key, system = system))?;
                if raw.len() > MAX_TABLE_TEXT {
                    return Err(tr!("notice.table_long", key = key, max = MAX_TABLE_TEXT));
                }
                (table.check)(raw).map_err(|e| e.of("data").to_string())?;
                Ok((Value::from(raw), None))
            }
            Kind::Potential if raw.is_empty() || raw.len() > MAX_POTENTIAL_IN_LINK => Err(format!(
                "{key}: empty or longer than {MAX_POTENTIAL_IN_LINK} characters"
            )),
            Kind::Potential => Ok((Value::from(raw), None)),
            Kind::Lang => crate::i18n::Lang::parse(raw)
                .map(|l| (Value::from(l.code()), None))
                .ok_or_else(|| tr!("notice.lang", key = key, value = shown(raw))),
            Kind::Flag => match raw {
                "1" | "true" => Ok((Value::from(true), None)),
                "0" | "false" => Ok((Value::from(false), None)),
                _ => Err(tr!("notice.flag", key = key, value = shown(raw))),
            },
            Kind::Panels => {
                let mut list = Vec::new();
                for name in raw.split(',').filter(|n| !n.is_empty()) {
                    let c: ChartKind = name.parse().map_err(|e: String| format!("{key}: {e}"))?;
                    if !list.contains(&c) {
                        list.push(c);
                    }
                }
                if list.is_empty() {
                    return Err(tr!("notice.no_chart", key = key));
                }
                Ok((serde_json::to_value(list).expect("json"), None))
            }
        }
    }

    /// The value as URL text; `None` when it does not travel in links (too many points).
    pub fn encode(&self, v: &Value) -> Option<String> {
        match self.kind {
            Kind::Float { .. } | Kind::Int { .. } | Kind::Seed => Some(num_text(v)),
            Kind::System | Kind::Choice(_) | Kind::Lang | Kind::Potential | Kind::Table => {
                v.as_str().map(str::to_string)
            }
            Kind::Flag => Some(if v.as_bool() == Some(true) { "1" } else { "0" }.into()),
            Kind::Panels => Some(
                v.as_array()?
                    .iter()
                    .filter_map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Kind::Measurements => {
                let pts: Vec<Measured> = serde_json::from_value(v.clone()).ok()?;
                (pts.len() <= MAX_DATA_IN_LINK)
                    .then(|| points_text(pts.iter().map(|p| [p.m_q, p.condensate, p.error])))
            }
            Kind::Metric => {
                let pts: Vec<MetricPoint> = serde_json::from_value(v.clone()).ok()?;
                (pts.len() <= MAX_METRIC_IN_LINK)
                    .then(|| points_text(pts.iter().map(|p| [p.eta, p.h])))
            }
        }
    }

    /// Whether the setting applies to a system (own data and metrics only where accepted).
    pub fn applies_to(&self, system: SystemId) -> bool {
        match self.kind {
            Kind::Measurements => system.system().accepts_measurements(),
            Kind::Metric => system.system().accepts_metric(),
            Kind::Table => system.system().input_table().is_some(),
            Kind::Choice(options) => options(system).len() > 1,
            _ => true,
        }
    }

    /// The allowed values in words (the README table, `--help`).
    pub fn range_text(&self) -> String {
        match self.kind {
            Kind::System => SystemId::names()
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            Kind::Seed => format!("0 … {MAX_SEED} (2⁵³−1)"),
            Kind::Float { min, max } => format!("{} … {}", short(min), short(max)),
            Kind::Int { min, max } => format!("{min} … {max}"),
            Kind::Choice(options) => {
                // Every system's options, each once, in first-seen order.
                let mut uniq: Vec<&str> = Vec::new();
                for (name, _) in REGISTRY.iter().flat_map(|s| options(s.id())) {
                    if !uniq.contains(&name) {
                        uniq.push(name);
                    }
                }
                uniq.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Kind::Measurements => format!("4 … {MAX_DATA_IN_LINK} points in a link"),
            Kind::Metric => format!("3 … {MAX_METRIC_IN_LINK} points in a link"),
            Kind::Table => format!("CSV text, at most {MAX_TABLE_TEXT} characters"),
            Kind::Flag => "0, 1".into(),
            Kind::Potential => {
                "`eichten`, `sommer`, `cornell:κ,σ`, `model`, `table:r,V[,err];…`".into()
            }
            Kind::Lang => crate::i18n::Lang::ALL
                .iter()
                .map(|l| format!("`{}`", l.code()))
                .collect::<Vec<_>>()
                .join(", "),
            Kind::Panels => ChartKind::ALL
                .iter()
                .map(|c| format!("`{}`", c.name()))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Check every range-bound setting present in `state` (a page state, or `{"config": …}`); the
/// message names the setting.
pub fn check_ranges(state: &Value) -> Result<(), String> {
    for s in SETTINGS {
        let top = s.path.split('.').next().unwrap_or(s.path);
        if state.get(top).is_none() {
            continue;
        }
        let v = get(state, s.path);
        let bad = match s.kind {
            Kind::Float { min, max } => !v.as_f64().is_some_and(|x| (min..=max).contains(&x)),
            Kind::Int { min, max } => !v.as_u64().is_some_and(|x| (min..=max).contains(&x)),
            Kind::Seed => v.as_u64().is_none_or(|x| x > MAX_SEED),
            _ => false,
        };
        if bad {
            let range = match s.kind {
                Kind::Float { min, max } => format!("{min} … {max}"),
                Kind::Int { min, max } => format!("{min} … {max}"),
                Kind::Seed => format!("0 … {MAX_SEED}"),
                _ => unreachable!("only ranges are checked"),
            };
            return Err(if v.is_number() {
                format!(
                    "{} = {} is out of range (allowed {range})",
                    field(s),
                    num_text(v)
                )
            } else {
                format!("{} must be a finite number", field(s))
            });
        }
    }
    Ok(())
}

/// The name of a setting's field in the configuration (`config.reg_c` → `reg_c`).
fn field(s: &Setting) -> &'static str {
    s.path.rsplit('.').next().unwrap_or(s.path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model_file::ModelFile;
    use crate::train::Trainer;
    use crate::url_state::PageState;

    #[test]
    fn every_setting_has_a_place_in_the_state_and_config_ones_in_the_model_file() {
        for sys in REGISTRY {
            let st = PageState::new(sys.id());
            let v = serde_json::to_value(&st).unwrap();
            let mut c = st.config.clone();
            c.per_class = 50;
            let t = Trainer::new(c).unwrap();
            let m = serde_json::to_value(ModelFile::from_trainer(&t)).unwrap();
            for s in SETTINGS {
                let (head, rest) = s.path.split_once('.').unwrap_or(("", s.path));
                assert!(
                    v.as_object()
                        .unwrap()
                        .contains_key(if head.is_empty() { rest } else { head }),
                    "{} has no place in the page state",
                    s.key
                );
                if head == "config" {
                    let training = m["training"].as_object().unwrap();
                    let optional =
                        matches!(s.kind, Kind::Measurements | Kind::Metric | Kind::Table);
                    assert!(
                        optional || training.contains_key(rest),
                        "{}: model file has no training.{rest}",
                        s.key
                    );
                    // The table's flag is `--data`, read as the table for a system with one.
                    assert!(
                        s.flag.is_some() || matches!(s.kind, Kind::Table),
                        "{}: a run setting needs a CLI flag",
                        s.key
                    );
                }
            }
        }
    }

    #[test]
    fn keys_and_flags_are_unique() {
        for (i, s) in SETTINGS.iter().enumerate() {
            assert!(SETTINGS[..i].iter().all(|o| o.key != s.key), "{}", s.key);
            assert!(
                s.flag.is_none() || SETTINGS[..i].iter().all(|o| o.flag != s.flag),
                "{}",
                s.key
            );
        }
    }

    #[test]
    fn ranges_are_checked_by_name() {
        let mut v = serde_json::to_value(PageState::new(SystemId::default_system())).unwrap();
        check_ranges(&v).unwrap();
        set(&mut v, "config.lr", Value::from(20.0));
        assert!(check_ranges(&v).unwrap_err().contains("lr = 20"));
        set(&mut v, "config.lr", Value::from(0.1));
        set(&mut v, "config.batch", Value::from(0));
        assert!(check_ranges(&v).unwrap_err().contains("batch = 0"));
    }
}
