//! The page's state as a URL query: one typed schema, parsed and written in Rust, so that a link
//! reproduces a run. Hostile or out-of-range values never fail: they are clamped or ignored,
//! and each such decision becomes a notice the page shows.

use crate::physics::{PresetId, RegChoice};
use crate::points::{validate_measurements, Measured};
use crate::train::config::{default_reg_c, limits};
use crate::train::{OptKind, Recipe, TrainConfig};
use std::str::FromStr;

/// Speed steps of the page: mini-batches per frame; the last one means "as many as fit in the frame".
pub const SPEEDS: [u32; 9] = [1, 2, 5, 10, 20, 50, 100, 200, u32::MAX];

/// Everything a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct PageState {
    /// The run.
    pub config: TrainConfig,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Hide prose and chrome (for iframes).
    pub embed: bool,
    /// Presentation mode: large type.
    pub present: bool,
    /// Start training on load (unless the user prefers reduced motion).
    pub autoplay: bool,
}

impl PageState {
    /// Defaults for a preset.
    pub fn new(preset: PresetId) -> PageState {
        PageState {
            config: TrainConfig::new(preset),
            speed: SPEEDS.len() - 1,
            embed: false,
            present: false,
            autoplay: true,
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

/// Shorten and strip a user value before echoing it in a notice (shown as text, never markup).
fn shown(v: &str) -> String {
    let s: String = v.chars().filter(|c| !c.is_control()).take(40).collect();
    if v.chars().count() > 40 {
        format!("{s}…")
    } else {
        s
    }
}

fn num<T: FromStr + PartialOrd + Copy + std::fmt::Display>(
    key: &str,
    v: &str,
    (lo, hi): (T, T),
    notices: &mut Vec<String>,
) -> Option<T> {
    match v.parse::<T>() {
        Ok(x) if x < lo => {
            notices.push(format!(
                "{key} = {} is below the minimum; using {lo}",
                shown(v)
            ));
            Some(lo)
        }
        Ok(x) if x > hi => {
            notices.push(format!(
                "{key} = {} is above the maximum; using {hi}",
                shown(v)
            ));
            Some(hi)
        }
        Ok(x) if x.partial_cmp(&x).is_some() => Some(x),
        _ => {
            notices.push(format!(
                "{key} = '{}' is not a valid number; ignored",
                shown(v)
            ));
            None
        }
    }
}

fn flag(key: &str, v: &str, notices: &mut Vec<String>) -> Option<bool> {
    match v {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => {
            notices.push(format!("{key} = '{}' should be 0 or 1; ignored", shown(v)));
            None
        }
    }
}

/// Own data with at most this many points travel in the link; larger sets go in a model file.
pub const MAX_DATA_IN_LINK: usize = 24;

/// `m_q_condensate_error*m_q_condensate_error*…` (GeV, GeV³): characters a URL keeps as they are.
fn parse_data(v: &str) -> Result<Vec<Measured>, String> {
    let pts = v
        .split('*')
        .enumerate()
        .map(|(k, p)| {
            let f: Vec<f64> = p
                .split('_')
                .map(|x| x.parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| format!("point {} is not a list of numbers", k + 1))?;
            match f[..] {
                [m_q, condensate, error] => Ok(Measured {
                    m_q,
                    condensate,
                    error,
                }),
                [m_q, condensate] => Ok(Measured {
                    m_q,
                    condensate,
                    error: 0.0,
                }),
                _ => Err(format!("point {} is not two or three numbers", k + 1)),
            }
        })
        .collect::<Result<Vec<_>, String>>()?;
    validate_measurements(&pts)?;
    Ok(pts)
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
    let preset = pairs
        .iter()
        .find(|(k, _)| k == "preset")
        .and_then(|(_, v)| match v.parse::<PresetId>() {
            Ok(p) => Some(p),
            Err(_) => {
                notices.push(format!("preset = '{}' is unknown; using qcd", shown(v)));
                None
            }
        })
        .unwrap_or(PresetId::Qcd);
    let mut st = PageState::new(preset);
    let c = &mut st.config;
    let mut reg_c_given = false;
    for (k, v) in &pairs {
        let v = v.as_str();
        match k.as_str() {
            "preset" => {}
            "seed" => {
                if let Some(s) = num("seed", v, (0u64, u64::MAX), &mut notices) {
                    c.seed = s;
                }
            }
            "lr" => c.lr = num("lr", v, limits::LR, &mut notices).unwrap_or(c.lr),
            "batch" => c.batch = num("batch", v, limits::BATCH, &mut notices).unwrap_or(c.batch),
            "epochs" => {
                c.epochs = num("epochs", v, limits::EPOCHS, &mut notices).unwrap_or(c.epochs)
            }
            "sub" => {
                c.substeps = num("sub", v, limits::SUBSTEPS, &mut notices).unwrap_or(c.substeps)
            }
            "n" => {
                c.per_class = num("n", v, limits::PER_CLASS, &mut notices).unwrap_or(c.per_class)
            }
            "c" => {
                if let Some(x) = num("c", v, limits::REG_C, &mut notices) {
                    c.reg_c = x;
                    reg_c_given = true;
                }
            }
            "opt" => match v.parse::<OptKind>() {
                Ok(o) => c.optimizer = o,
                Err(e) => notices.push(format!("opt: {}; ignored", shown(&e))),
            },
            "recipe" => match v.parse::<Recipe>() {
                Ok(r) => c.recipe = r,
                Err(e) => notices.push(format!("recipe: {}; ignored", shown(&e))),
            },
            "reg" => match v.parse::<RegChoice>() {
                Ok(RegChoice::Einstein) if preset == PresetId::Qcd => {
                    notices.push("reg = einstein forbids the QCD wall; using paper".into())
                }
                Ok(r) => c.reg = r,
                Err(e) => notices.push(format!("reg: {}; ignored", shown(&e))),
            },
            "data" => match parse_data(v) {
                Ok(d) if preset == PresetId::Qcd => c.data = Some(d),
                Ok(_) => notices.push("data are for the qcd preset; ignored".into()),
                Err(e) => notices.push(format!("data ignored: {}", shown(&e))),
            },
            "speed" => {
                st.speed =
                    num("speed", v, (0usize, SPEEDS.len() - 1), &mut notices).unwrap_or(st.speed)
            }
            "embed" => st.embed = flag("embed", v, &mut notices).unwrap_or(st.embed),
            "present" => st.present = flag("present", v, &mut notices).unwrap_or(st.present),
            "play" => st.autoplay = flag("play", v, &mut notices).unwrap_or(st.autoplay),
            other => notices.push(format!("unknown parameter '{}' ignored", shown(other))),
        }
    }
    if !reg_c_given {
        c.reg_c = default_reg_c(preset, c.reg);
    }
    if c.batch > 2 * c.per_class {
        notices.push(format!(
            "batch = {} exceeds the training set; using {}",
            c.batch,
            2 * c.per_class
        ));
        c.batch = 2 * c.per_class;
    }
    debug_assert!(c.validate().is_ok());
    (st, notices)
}

/// The query string of a state (without `?`): only what differs from the preset's defaults,
/// plus the preset and seed, so links stay short and readable.
pub fn to_query(st: &PageState) -> String {
    let c = &st.config;
    let d = PageState::new(c.preset);
    let dc = &d.config;
    let mut q = vec![format!("preset={}", c.preset), format!("seed={}", c.seed)];
    if c.lr != dc.lr {
        q.push(format!("lr={}", c.lr));
    }
    if c.batch != dc.batch {
        q.push(format!("batch={}", c.batch));
    }
    if c.epochs != dc.epochs {
        q.push(format!("epochs={}", c.epochs));
    }
    if c.substeps != dc.substeps {
        q.push(format!("sub={}", c.substeps));
    }
    if c.per_class != dc.per_class {
        q.push(format!("n={}", c.per_class));
    }
    if c.reg != dc.reg {
        q.push(format!("reg={}", c.reg.name()));
    }
    if c.reg_c != default_reg_c(c.preset, c.reg) {
        q.push(format!("c={}", c.reg_c));
    }
    if c.optimizer != dc.optimizer {
        q.push(format!("opt={}", c.optimizer.name()));
    }
    if c.recipe != dc.recipe {
        q.push(format!("recipe={}", c.recipe.name()));
    }
    if let Some(data) = c.data.as_ref().filter(|d| d.len() <= MAX_DATA_IN_LINK) {
        let pts: Vec<String> = data
            .iter()
            .map(|p| format!("{}_{}_{}", p.m_q, p.condensate, p.error))
            .collect();
        q.push(format!("data={}", pts.join("*")));
    }
    if st.speed != d.speed {
        q.push(format!("speed={}", st.speed));
    }
    for (key, on, default) in [
        ("embed", st.embed, d.embed),
        ("present", st.present, d.present),
        ("play", st.autoplay, d.autoplay),
    ] {
        if on != default {
            q.push(format!("{key}={}", u8::from(on)));
        }
    }
    q.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_state_round_trips() {
        let mut st = PageState::new(PresetId::AdsSchwarzschild);
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
        let mut st = PageState::new(PresetId::Qcd);
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
    fn defaults_give_a_short_link() {
        assert_eq!(
            to_query(&PageState::new(PresetId::Qcd)),
            "preset=qcd&seed=1"
        );
    }

    #[test]
    fn hostile_values_are_clamped_or_ignored_with_notices() {
        let (st, notices) = parse_query("preset=qcd&lr=1e9&batch=-3&seed=<script>alert(1)</script>&reg=einstein&zap=1&embed=maybe&c=NaN");
        assert_eq!(st.config.lr, limits::LR.1);
        assert_eq!(st.config.seed, 1);
        assert_eq!(st.config.reg, RegChoice::Paper);
        assert!(st.config.reg_c.is_finite());
        assert!(!st.embed);
        assert!(st.config.validate().is_ok());
        assert_eq!(notices.len(), 7, "{notices:?}");
        let (st, n) = parse_query("preset=%3Cb%3E&lr=%");
        assert_eq!(st.config.preset, PresetId::Qcd);
        assert_eq!(n.len(), 2, "{n:?}");
    }
}
