//! The words of the page and of the charts in English and Japanese, from one string table per
//! language (`www/i18n/en.json`, `www/i18n/ja.json`; the page reads the same files). Keys are
//! dotted names; a value may hold `{name}` placeholders, filled by [`tr!`](crate::tr).
//!
//! The language is per thread: the page's `App` sets it from the `lang` setting, the command line
//! leaves it English. A key missing from a table is a bug the tests catch (`tests/i18n.rs`); at
//! run time it falls back to English, then to the key itself, so nothing is ever blank.

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English (the command line's language and the fallback).
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Every language, in the order of the language menu.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The code in links and in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language of a code (`en`, `ja`; a region such as `ja-JP` is accepted).
    pub fn parse(code: &str) -> Option<Lang> {
        let base = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == base)
    }

    /// The table's text, as shipped with the page.
    pub fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../www/i18n/en.json"),
            Lang::Ja => include_str!("../www/i18n/ja.json"),
        }
    }
}

/// A parsed string table.
pub type Table = HashMap<String, String>;

/// The table of a language, parsed once.
pub fn table(lang: Lang) -> &'static Table {
    static TABLES: OnceLock<[Table; 2]> = OnceLock::new();
    let all = TABLES.get_or_init(|| {
        Lang::ALL.map(|l| serde_json::from_str(l.source()).expect("the shipped tables are JSON"))
    });
    &all[lang as usize]
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Set the language of this thread's words.
pub fn set_lang(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The language of this thread's words.
pub fn lang() -> Lang {
    CURRENT.with(Cell::get)
}

/// The text of `key` in the current language (English, then the key, where it is missing).
pub fn t(key: &str) -> &str {
    t_in(lang(), key)
}

/// The text of `key` in `lang`.
pub fn t_in(lang: Lang, key: &str) -> &str {
    table(lang)
        .get(key)
        .or_else(|| table(Lang::En).get(key))
        .map_or(key, String::as_str)
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = text.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// A message to be put into words later, in whichever language then applies: a key and its
/// arguments (already formatted). Kept in run histories, so a page switched to another language
/// says past events in the new one. `Display` says it in the thread's language. A plain string
/// (a run saved before messages had keys) reads as a key that is its own English text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "MsgRepr")]
pub struct Msg {
    /// Table key.
    pub key: String,
    /// Placeholder values.
    pub args: Vec<(String, String)>,
    /// A message within this one (a restart's reason), said in the same language as `{why}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<Box<Msg>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MsgRepr {
    Keyed {
        key: String,
        args: Vec<(String, String)>,
        #[serde(default)]
        why: Option<Box<Msg>>,
    },
    Plain(String),
}

impl From<MsgRepr> for Msg {
    fn from(r: MsgRepr) -> Msg {
        match r {
            MsgRepr::Keyed { key, args, why } => Msg { key, args, why },
            MsgRepr::Plain(key) => Msg {
                key,
                args: vec![],
                why: None,
            },
        }
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text_in(lang()))
    }
}

/// A [`Msg`] of a table key with named arguments: `msg!("event.restart", why = w, attempt = 2)`.
#[macro_export]
macro_rules! msg {
    ($key:literal) => {
        $crate::i18n::Msg::new($key, &[])
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::Msg::new($key, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+])
    };
}

impl Msg {
    /// A message of `key` with `args`.
    pub fn new(key: &str, args: &[(&str, &dyn Display)]) -> Msg {
        Msg {
            key: key.into(),
            args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            why: None,
        }
    }

    /// This message with `why` said within it as `{why}`.
    pub fn because(mut self, why: Msg) -> Msg {
        self.why = Some(Box::new(why));
        self
    }

    /// The message in `lang`.
    pub fn text_in(&self, lang: Lang) -> String {
        let why = self.why.as_ref().map(|w| w.text_in(lang));
        let mut args: Vec<(&str, &dyn Display)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v as &dyn Display))
            .collect();
        if let Some(w) = &why {
            args.push(("why", w));
        }
        fill(t_in(lang, &self.key), &args)
    }
}

/// The text of a table key in the current language, with `{name}` placeholders filled:
/// `tr!("loss.after", n = 3, loss = format!("{x:.3}"))`.
#[macro_export]
macro_rules! tr {
    ($key:literal) => {
        $crate::i18n::t($key).to_string()
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::fill($crate::i18n::t($key), &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_with_regions_and_unknown_ones_do_not() {
        assert_eq!(Lang::parse("ja-JP"), Some(Lang::Ja));
        assert_eq!(Lang::parse("EN_gb"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn placeholders_are_filled_and_the_thread_language_applies() {
        assert_eq!(
            fill("{a} and {b}, {a}", &[("a", &1), ("b", &"x")]),
            "1 and x, 1"
        );
        set_lang(Lang::Ja);
        let ja = t("verdict.training").to_string();
        set_lang(Lang::En);
        assert_ne!(ja, t("verdict.training"));
        assert_eq!(t("no.such.key"), "no.such.key");
    }

    #[test]
    fn messages_are_said_in_the_language_asked_and_old_plain_ones_still_read() {
        let m = Msg::new("event.restart", &[("attempt", &2)])
            .because(Msg::new("failure.non_finite", &[]));
        assert_eq!(
            m.text_in(Lang::En),
            "parameters became non-finite — restarted from a new initialisation (attempt 2)"
        );
        // The reason within is said in the same language as the message.
        assert_eq!(
            m.text_in(Lang::Ja),
            "パラメータが有限でなくなりました — 新しい初期値からやり直しました（試行 2）"
        );
        let back: Msg = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        let old: Msg = serde_json::from_str("\"a restart long ago\"").unwrap();
        assert_eq!(old.text_in(Lang::Ja), "a restart long ago");
    }
}
