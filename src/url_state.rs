//! The page's state as a URL query, parsed and written through the settings schema
//! ([`crate::settings`]), so that a link reproduces a run. Hostile or out-of-range values never
//! fail: they are clamped or ignored, and each such decision becomes a notice the page shows.

use crate::charts::ChartKind;
use crate::settings::{self, shown, Kind};
use crate::systems::SystemId;
use crate::tr;
use crate::train::TrainConfig;
use serde::{Deserialize, Serialize};

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
            Ok(p) => Some(p),
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
    let mut st = settings::state_from(preset, &values).unwrap_or_else(|e| {
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
    settings::query_of(st)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::RegChoice;
    use crate::systems::{ads_schwarzschild, qcd};
    use crate::train::OptKind;

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
        let mut pts = crate::points::table_i();
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
