//! The page's state as a URL query, parsed and written through the settings schema
//! ([`crate::settings`]), so that a link reproduces a run. Hostile or out-of-range values never
//! fail: they are clamped or ignored, and each such decision becomes a notice the page shows.

use crate::chart_kind::ChartKind;
use crate::physics::RegChoice;
use crate::settings::{self, get, set, shown, Kind, Scope, Setting, SETTINGS};
use crate::systems::{SystemId, REGISTRY};
use crate::tr;
use crate::train::TrainConfig;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::settings::{MAX_DATA_IN_LINK, SPEEDS};

/// Everything a link carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageState {
    /// The run.
    pub config: TrainConfig,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Hide prose and chrome (for iframes).
    pub embed: bool,
    /// Presentation mode: large type.
    pub present: bool,
    /// Open the guided tour.
    #[serde(default)]
    pub tour: bool,
    /// The potential panel in GeV and fm, beside Cornell's and Andreev–Zakharov's.
    #[serde(default)]
    pub compare: bool,
    /// The metric panel with the Laplace band (docs/physics.md §6).
    #[serde(default)]
    pub laplace: bool,
    /// The input of "from the potential to the bulk" in its link form (None: the panel's
    /// default, the Cornell set of Eichten et al.).
    #[serde(default)]
    pub potential: Option<String>,
    /// The language of the page's words.
    #[serde(default)]
    pub lang: crate::i18n::Lang,
    /// Start training on load (unless the user prefers reduced motion).
    pub autoplay: bool,
    /// The charts an embedded view shows (the full page shows all of the system's).
    pub panels: Vec<ChartKind>,
}

impl PageState {
    /// Defaults for a system.
    pub fn new(preset: SystemId) -> PageState {
        PageState {
            config: TrainConfig::new(preset),
            speed: SPEEDS.len() - 1,
            embed: false,
            present: false,
            tour: false,
            compare: false,
            laplace: false,
            potential: None,
            lang: crate::i18n::Lang::En,
            autoplay: true,
            panels: vec![ChartKind::Metric, ChartKind::Data],
        }
    }
}

/// Decode `%XX` escapes and `+` (form encoding); invalid escapes stay as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The language a query asks for (`lang=`), if it names one we have.
pub fn lang_of(query: &str) -> Option<crate::i18n::Lang> {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("lang="))
        .and_then(crate::i18n::Lang::parse)
}

/// Parse a query string (with or without the leading `?`). Never fails; see the notices.
pub fn parse_query(query: &str) -> (PageState, Vec<String>) {
    let mut notices = Vec::new();
    let pairs: Vec<(String, String)> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    let default = SystemId::default_system();
    let preset = pairs
        .iter()
        .find(|(k, _)| k == "preset")
        .and_then(|(_, v)| match v.parse::<SystemId>() {
            Ok(p) if p.system().in_page() => Some(p),
            Ok(p) => {
                notices.push(tr!("notice.cli_only", system = p, default = default));
                None
            }
            Err(_) => {
                notices.push(tr!("notice.preset", value = shown(v), default = default));
                None
            }
        })
        .unwrap_or(default);
    let mut values = Vec::new();
    for (k, v) in &pairs {
        let Some(s) = settings::by_key(k) else {
            notices.push(tr!("notice.unknown", key = shown(k)));
            continue;
        };
        if matches!(s.kind, Kind::System) {
            continue;
        }
        match s.parse(preset, v, false) {
            Ok((x, notice)) => {
                notices.extend(notice);
                values.push((s, x));
            }
            Err(e) if matches!(s.kind, Kind::Measurements | Kind::Metric) => {
                notices.push(tr!("notice.points_ignored", key = k, why = shown(&e)))
            }
            Err(e) => notices.push(tr!("notice.ignored", why = shown(&e))),
        }
    }
    let mut st = state_from(preset, &values).unwrap_or_else(|e| {
        notices.push(tr!("notice.unreadable", why = e));
        PageState::new(preset)
    });
    // The potential's form is the inversion's own (one parser for the link and the CLI).
    if let Some(p) = &st.potential {
        if let Err(e) = crate::observables::inverse::source::Source::parse(p) {
            notices.push(tr!("notice.ignored", why = shown(&e.to_string())));
            st.potential = None;
        }
    }
    let c = &mut st.config;
    if c.batch > 2 * c.per_class {
        notices.push(tr!("notice.batch", batch = c.batch, max = 2 * c.per_class));
        c.batch = 2 * c.per_class;
    }
    debug_assert!(c.validate().is_ok(), "{:?}", c.validate());
    (st, notices)
}

/// The query string of a state (without `?`): only what differs from the system's defaults,
/// plus the system and seed, so links stay short and readable.
pub fn to_query(st: &PageState) -> String {
    query_of(st)
}

/// Paths of the regulariser family and its strength, whose default follows the family.
const REG: &str = "config.reg";
const REG_C: &str = "config.reg_c";

/// The defaults for `system` with regulariser `reg` (c follows the family).
fn defaults_for(system: SystemId, reg: Option<&Value>) -> PageState {
    let mut d = PageState::new(system);
    if let Some(r) = reg.and_then(|r| serde_json::from_value::<RegChoice>(r.clone()).ok()) {
        d.config.reg = r;
        d.config.reg_c = system.system().default_reg_c(r);
    }
    d
}

/// Apply parsed values (by setting) to the defaults of `system`: the regulariser's strength
/// follows its family unless it was given too. Fails only when the result does not deserialise.
pub fn state_from(system: SystemId, values: &[(&Setting, Value)]) -> Result<PageState, String> {
    let reg = values.iter().find(|(s, _)| s.path == REG).map(|(_, v)| v);
    let mut v = serde_json::to_value(defaults_for(system, reg)).expect("json");
    for (s, x) in values {
        if !matches!(s.kind, Kind::System) {
            set(&mut v, s.path, x.clone());
        }
    }
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// The URL query of a state: preset and seed always, everything else where it differs from the
/// system's defaults, so links stay short.
pub fn query_of(st: &PageState) -> String {
    query_where(st, |_| true)
}

/// [`query_of`] restricted to the settings `keep` accepts.
fn query_where(st: &PageState, keep: impl Fn(&Setting) -> bool) -> String {
    let v = serde_json::to_value(st).expect("json");
    let sys = st.config.preset;
    let plain = serde_json::to_value(PageState::new(sys)).expect("json");
    // The regulariser's strength defaults to its family's.
    let with_reg = serde_json::to_value(defaults_for(sys, Some(get(&v, REG)))).expect("json");
    let default = |s: &Setting| get(if s.path == REG_C { &with_reg } else { &plain }, s.path);
    SETTINGS
        .iter()
        .filter(|s| keep(s))
        .filter(|s| s.applies_to(sys) || matches!(s.kind, Kind::Choice(_)))
        .filter(|s| matches!(s.kind, Kind::System | Kind::Seed) || get(&v, s.path) != default(s))
        .filter(|s| !get(&v, s.path).is_null())
        .filter_map(|s| s.encode(get(&v, s.path)).map(|t| format!("{}={t}", s.key)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The run's identity: the part of [`query_of`] made of settings that define the run
/// ([`Scope::Run`]: system, seed, data, recipe, …), not those that steer it live (the rate) or
/// only show it (speed, panels, language). The page keeps one saved run per run query.
pub fn run_query(st: &PageState) -> String {
    query_where(st, |s| s.scope == Scope::Run)
}

/// One control of the page, generated from a setting for the current system.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    /// URL key, also the element id.
    pub key: &'static str,
    /// Label, in the current language.
    pub label: String,
    /// Tooltip, in the current language.
    pub help: String,
    /// `number` or `select`.
    pub input: &'static str,
    /// Range of a number.
    pub min: Option<f64>,
    /// Range of a number.
    pub max: Option<f64>,
    /// Step of a number (`any` for reals).
    pub step: &'static str,
    /// Options of a select: (value, label in the current language).
    pub options: Vec<(&'static str, String)>,
    /// Whether it changes the run or acts live.
    pub scope: Scope,
    /// Current value as text.
    pub value: String,
}

/// The page's settings controls for a state, in table order (the system menu included).
pub fn controls(st: &PageState) -> Vec<Control> {
    let v = serde_json::to_value(st).expect("json");
    let sys = st.config.preset;
    SETTINGS
        .iter()
        .filter(|s| s.control && s.applies_to(sys))
        .map(|s| {
            let (input, min, max, step, options) = match s.kind {
                Kind::System => (
                    "select",
                    None,
                    None,
                    "",
                    REGISTRY
                        .iter()
                        .filter(|x| x.in_page())
                        .map(|x| (x.id().name(), x.title().to_string()))
                        .collect(),
                ),
                Kind::Choice(o) => (
                    "select",
                    None,
                    None,
                    "",
                    o(sys)
                        .into_iter()
                        .map(|(v, key)| (v, crate::i18n::t(key).to_string()))
                        .collect(),
                ),
                Kind::Float { min, max } => ("number", Some(min), Some(max), "any", vec![]),
                Kind::Int { min, max } => {
                    ("number", Some(min as f64), Some(max as f64), "1", vec![])
                }
                _ => ("number", Some(0.0), None, "1", vec![]),
            };
            Control {
                key: s.key,
                label: s.label(),
                help: s.help(),
                input,
                min,
                max,
                step,
                options,
                scope: s.scope,
                value: s.encode(get(&v, s.path)).unwrap_or_default(),
            }
        })
        .collect()
}

/// The README's table of URL parameters and CLI flags, generated (a test keeps README equal).
pub fn markdown_table() -> String {
    let mut out =
        String::from("| URL key | CLI flag | meaning | default | range |\n|---|---|---|---|---|\n");
    for s in SETTINGS {
        let defaults: Vec<String> = REGISTRY
            .iter()
            .map(|sys| {
                let v = serde_json::to_value(PageState::new(sys.id())).expect("json");
                let x = get(&v, s.path);
                if x.is_null() {
                    "none".into()
                } else {
                    s.encode(x).unwrap_or_default()
                }
            })
            .collect();
        let default = if defaults.iter().all(|d| d == &defaults[0]) {
            defaults[0].clone()
        } else {
            defaults.join(" / ")
        };
        out += &format!(
            "| `{}` | {} | {} | {} | {} |\n",
            s.key,
            s.flag.map_or("—".into(), |f| format!("`--{f}`")),
            crate::i18n::t_in(crate::i18n::Lang::En, &format!("setting.{}.help", s.key)),
            default,
            s.range_text()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::RegChoice;
    use crate::systems::{ads_schwarzschild, qcd};
    use crate::train::OptKind;

    /// A saved run is found again whatever the link says about the view or the live rate, and
    /// never for another seed or system.
    #[test]
    fn the_run_query_is_what_defines_the_run() {
        let run = |q: &str| run_query(&parse_query(q).0);
        assert_eq!(run("preset=qcd&seed=24"), "preset=qcd&seed=24");
        assert_eq!(
            run("preset=qcd&seed=24&lr=0.05&speed=3&lang=ja&potential=eichten&panels=metric"),
            "preset=qcd&seed=24"
        );
        assert_eq!(run("seed=24&n=300&preset=qcd"), "preset=qcd&seed=24&n=300");
        assert_ne!(run("preset=qcd&seed=24"), run("preset=qcd&seed=25"));
        assert_ne!(
            run("preset=qcd&seed=24"),
            run("preset=ads-schwarzschild&seed=24")
        );
        // A seed past 2⁵³−1 is refused with a notice, never carried.
        let (st, notices) = parse_query("preset=qcd&seed=9007199254740992");
        assert_eq!(st.config.seed, PageState::new(st.config.preset).config.seed);
        assert!(
            notices
                .iter()
                .any(|n| n.contains("9007199254740992") && n.contains("out of range")),
            "{notices:?}"
        );
    }

    #[test]
    fn a_full_state_round_trips() {
        let mut st = PageState::new(ads_schwarzschild::ID);
        st.config.seed = 42;
        st.config.lr = 0.0125;
        st.config.batch = 20;
        st.config.reg = RegChoice::Paper;
        st.config.reg_c = 0.004;
        st.config.optimizer = OptKind::Sgd;
        st.speed = 3;
        st.embed = true;
        st.autoplay = false;
        let q = to_query(&st);
        let (back, notices) = parse_query(&format!("?{q}"));
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back, st, "{q}");
    }

    #[test]
    fn small_own_data_travel_in_the_link() {
        let mut st = PageState::new(qcd::ID);
        let mut pts = crate::systems::qcd::lattice::table_i();
        pts[0].condensate *= 1.1;
        st.config.data = Some(pts);
        let (back, notices) = parse_query(&to_query(&st));
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back, st);
        let (st, notices) = parse_query("preset=qcd&data=1_2*3");
        assert!(st.config.data.is_none());
        assert!(notices[0].starts_with("data ignored"), "{notices:?}");
    }

    #[test]
    fn the_potential_travels_in_the_link_and_a_bad_one_is_a_notice() {
        let mut st = PageState::new(qcd::ID);
        st.potential = Some("cornell:0.4,0.2".into());
        let (back, notices) = parse_query(&to_query(&st));
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back, st);
        let (st, notices) = parse_query("preset=qcd&potential=cornell:-1,0.2");
        assert!(st.potential.is_none());
        assert!(notices[0].contains("κ = -1"), "{notices:?}");
    }

    #[test]
    fn defaults_give_a_short_link() {
        assert_eq!(to_query(&PageState::new(qcd::ID)), "preset=qcd&seed=1");
    }

    #[test]
    fn hostile_values_are_clamped_or_ignored_with_notices() {
        let (st, notices) = parse_query("preset=qcd&lr=1e9&batch=-3&seed=<script>alert(1)</script>&reg=einstein&zap=1&embed=maybe&c=NaN");
        assert_eq!(st.config.lr, 10.0);
        assert_eq!(st.config.seed, 1);
        assert_eq!(st.config.reg, RegChoice::Paper);
        assert!(st.config.reg_c.is_finite());
        assert!(!st.embed);
        assert!(st.config.validate().is_ok());
        assert_eq!(notices.len(), 7, "{notices:?}");
        let (st, n) = parse_query("preset=%3Cb%3E&lr=%");
        assert_eq!(st.config.preset, qcd::ID);
        assert_eq!(n.len(), 2, "{n:?}");
    }
}
