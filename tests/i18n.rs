//! The page speaks English and Japanese from one string table per language
//! (`www/i18n/en.json`, `www/i18n/ja.json`). These tests fail when a key is missing in either
//! table, when a key the code uses is in neither, when a Japanese entry is still English, and when
//! a user-visible string is written outside the tables (in the page's HTML, its JavaScript, or
//! the Rust that words the charts and messages).

use adsdl::charts::ChartKind;
use adsdl::i18n::{table, Lang, Table};
use adsdl::settings::SETTINGS;
use adsdl::systems::REGISTRY;
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;

/// Words that read the same in both languages: units, names of programs, formats and papers,
/// mathematical functions, URL keys. A Japanese text may keep them; anything else in Latin
/// letters is untranslated. The end-to-end test counts untranslated words in the page with the
/// same list.
fn neutral() -> Vec<String> {
    serde_json::from_str(include_str!("i18n-neutral.json")).expect("a JSON list of words")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every script of the page (`www/*.js`), so that a new module is read without being listed.
fn page_scripts() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/www"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".js"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "www/ scripts: {names:?}");
    names
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find('}') {
            let name = &rest[..j];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.insert(name.to_string());
            }
        }
    }
    out
}

/// A text with its `{name}` placeholders taken out (their names are not words of the text).
fn without_placeholders(text: &str) -> String {
    let mut out = text.to_string();
    for p in placeholders(text) {
        out = out.replace(&format!("{{{p}}}"), " ");
    }
    out
}

/// Runs of three or more Latin letters that are not [`neutral`]: English left in a text.
fn english_words(text: &str) -> Vec<String> {
    let neutral = neutral();
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && !neutral.iter().any(|n| n == w))
        .map(str::to_string)
        .collect()
}

/// Text without markup: tags and entities dropped.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<")
}

#[test]
fn both_tables_have_the_same_keys_and_placeholders() {
    let (en, ja) = (table(Lang::En), table(Lang::Ja));
    let missing_ja: Vec<_> = en.keys().filter(|k| !ja.contains_key(*k)).collect();
    let missing_en: Vec<_> = ja.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        missing_ja.is_empty(),
        "keys missing in ja.json: {missing_ja:?}"
    );
    assert!(
        missing_en.is_empty(),
        "keys missing in en.json: {missing_en:?}"
    );
    for (k, v) in en {
        assert!(
            !v.trim().is_empty() || k == "describe.spectrum.separator",
            "{k} is empty"
        );
        assert_eq!(
            placeholders(v),
            placeholders(&ja[k]),
            "{k}: the placeholders differ between en and ja"
        );
    }
}

#[test]
fn the_japanese_table_is_translated() {
    let ja = table(Lang::Ja);
    let mut untranslated: Vec<String> = ja
        .iter()
        .filter(|(_, v)| !english_words(&strip_tags(&without_placeholders(v))).is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    untranslated.sort();
    assert!(
        untranslated.is_empty(),
        "{} Japanese entries still hold English:\n{}",
        untranslated.len(),
        untranslated.join("\n")
    );
    // And the checker itself sees English where there is some.
    assert_eq!(english_words("the wall at 1 GeV"), ["the", "wall"]);
}

/// Every string literal in `text` that is a key of the table (or names a family of keys).
fn literal_keys(text: &str, quote: char) -> Vec<String> {
    let mut out = Vec::new();
    let parts: Vec<&str> = text.split(quote).collect();
    for lit in parts.iter().skip(1).step_by(2) {
        let looks_like_key = lit.contains('.')
            && !lit.contains(' ')
            && lit.split('.').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
            })
            && lit.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if looks_like_key {
            out.push(lit.to_string());
        }
    }
    out
}

/// Keys the code names literally (Rust `tr!`/`t`/`msg!` and option tables, JS `t('…')`, HTML
/// `data-t`, `data-th`, `data-ta`, and the recorder's reasons), with the file each is in.
fn keys_in_code() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rust_files = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                rust_files.push(p);
            }
        }
    }
    let prefixes = key_families();
    let is_ours = |k: &str| {
        prefixes
            .iter()
            .any(|p| k.starts_with(&format!("{p}.")) || k == p)
    };
    for p in rust_files {
        let text = fs::read_to_string(&p).unwrap();
        for k in literal_keys(&text, '"').into_iter().filter(|k| is_ours(k)) {
            out.push((k, p.display().to_string()));
        }
    }
    for f in page_scripts() {
        for lit in js_literals(&read(&format!("www/{f}"))) {
            // A key may also sit inside a template literal: `…${t('key')}…`.
            let mut keys = literal_keys(&format!("'{lit}'"), '\'');
            keys.extend(literal_keys(&lit, '\''));
            for k in keys.into_iter().filter(|k| is_ours(k)) {
                out.push((k, f.to_string()));
            }
        }
    }
    let html = read("www/index.html");
    for attr in ["data-t=\"", "data-th=\""] {
        for part in html.split(attr).skip(1) {
            out.push((
                part.split('"').next().unwrap().to_string(),
                "index.html".into(),
            ));
        }
    }
    for part in html.split("data-ta=\"").skip(1) {
        for pair in part.split('"').next().unwrap().split(';') {
            let key = pair.split('=').nth(1).expect("attr=key").trim();
            out.push((key.to_string(), "index.html".into()));
        }
    }
    out
}

/// The first parts of every key in the English table.
fn key_families() -> BTreeSet<String> {
    table(Lang::En)
        .keys()
        .map(|k| k.split('.').next().unwrap().to_string())
        .collect()
}

/// Keys made at run time from a name: settings, systems, charts and tour steps.
fn generated_keys() -> Vec<String> {
    let mut out = Vec::new();
    for s in SETTINGS {
        out.push(format!("setting.{}.help", s.key));
        if s.control {
            out.push(format!("setting.{}.label", s.key));
        }
    }
    for sys in REGISTRY {
        for part in ["title", "short"] {
            out.push(format!("system.{}.{part}", sys.id().name()));
        }
        // The reference and data-plane captions of the probe network's panels.
        if sys.probe().is_some() {
            for part in ["caption", "reference", "plane"] {
                out.push(format!("system.{}.{part}", sys.id().name()));
            }
        }
    }
    for c in ChartKind::ALL {
        out.push(format!("chart.{}.name", c.name()));
    }
    let tour = read("www/tour.js");
    let steps = tour
        .split("export const STEPS = [")
        .nth(1)
        .and_then(|s| s.split("].map(").next())
        .expect("tour.js lists its STEPS")
        .lines()
        .filter(|l| l.trim_start().starts_with('\''))
        .count();
    assert_eq!(steps, 8, "the tour has 8 steps");
    for k in 1..=steps {
        out.push(format!("tour.step{k}.title"));
        out.push(format!("tour.step{k}.text"));
    }
    out
}

#[test]
fn every_key_the_code_uses_is_in_the_tables_and_every_entry_is_used() {
    let en = table(Lang::En);
    let used = keys_in_code();
    let unknown: Vec<_> = used.iter().filter(|(k, _)| !en.contains_key(k)).collect();
    assert!(unknown.is_empty(), "keys used but in no table: {unknown:?}");
    let generated = generated_keys();
    let missing: Vec<_> = generated.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing.is_empty(), "generated keys missing: {missing:?}");
    let mut all: BTreeSet<&str> = used.iter().map(|(k, _)| k.as_str()).collect();
    all.extend(generated.iter().map(String::as_str));
    let dead: Vec<_> = en
        .keys()
        .filter(|k| !all.contains(k.as_str()))
        // The error frame names its input by the `.of("…")` the reader passed.
        .filter(|k| !k.starts_with("input."))
        .collect();
    assert!(dead.is_empty(), "entries nothing uses: {dead:?}");
}

/// Element names and attributes of an HTML start tag such as `<p class="x" data-t="k">`.
fn tag_parts(tag: &str) -> (String, HashMap<String, String>) {
    let body = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
    let mut attrs = HashMap::new();
    let mut rest = &body[name.len()..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..end].to_string();
        rest = &rest[end..];
        if let Some(r) = rest.strip_prefix("=\"") {
            let close = r.find('"').expect("a closed attribute");
            attrs.insert(key, r[..close].to_string());
            rest = &r[close + 1..];
        } else {
            attrs.insert(key, String::new());
        }
    }
    (name.to_ascii_lowercase(), attrs)
}

#[test]
fn the_html_writes_no_words_outside_the_tables() {
    let html = read("www/index.html");
    let body = html
        .split("<body>")
        .nth(1)
        .and_then(|b| b.split("</body>").next())
        .expect("a body");
    const VOID: &[&str] = &["input", "br", "meta", "link", "img"];
    // Each open element: whether its content is the table's or needs no translation.
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut outside = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        let covered = stack.iter().any(|e| e.1);
        if !covered {
            let words = english_words(text);
            if !words.is_empty() {
                outside.push(text.trim().to_string());
            }
        }
        let gt = rest[lt..].find('>').expect("a closed tag") + lt;
        let tag = &rest[lt..=gt];
        rest = &rest[gt + 1..];
        if tag.starts_with("<!--") {
            continue;
        }
        if let Some(name) = tag.strip_prefix("</") {
            let name = name.trim_end_matches('>').to_ascii_lowercase();
            let open = stack
                .iter()
                .rposition(|e| e.0 == name)
                .unwrap_or_else(|| panic!("</{name}> closes nothing open: {stack:?}"));
            stack.truncate(open);
            continue;
        }
        let (name, attrs) = tag_parts(tag);
        for a in ["aria-label", "title", "alt"] {
            if attrs.contains_key(a) && !english_words(&attrs[a]).is_empty() {
                outside.push(format!("{a}=\"{}\"", attrs[a]));
            }
        }
        if VOID.contains(&name.as_str()) {
            continue;
        }
        // Keyed content, text in a named language (the language menu), text not to translate
        // (BibTeX), and the message for browsers without JavaScript (given in both languages).
        let covered = attrs.contains_key("data-t")
            || attrs.contains_key("data-th")
            || attrs.contains_key("lang")
            || attrs.get("translate").is_some_and(|v| v == "no")
            || name == "noscript";
        stack.push((name, covered));
    }
    assert!(
        outside.is_empty(),
        "words in index.html outside the string tables: {outside:?}"
    );
    // The head keeps English for link previews: it must be the English table's.
    let en = table(Lang::En);
    let title = html.split("<title data-t=\"page.title\">").nth(1).unwrap();
    assert_eq!(title.split("</title>").next().unwrap(), en["page.title"]);
    let meta = html
        .split("data-ta=\"content=page.description\" content=\"")
        .nth(1)
        .unwrap();
    assert_eq!(meta.split('"').next().unwrap(), en["page.description"]);
}

/// String and template literals of a JavaScript source: a small tokenizer that skips comments
/// and regular-expression literals (enough for this project's modules).
fn js_literals(text: &str) -> Vec<String> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // The last significant character before a `/`: after these it starts a regex.
    let mut prev = '(';
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if ch == '/' && "(,=:[!&|?{};".contains(prev) {
            i += 1;
            while i < c.len() && c[i] != '/' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            prev = 'x';
        } else if ch == '\'' || ch == '"' || ch == '`' {
            let mut lit = String::new();
            i += 1;
            while i < c.len() && c[i] != ch {
                if c[i] == '\\' {
                    i += 1;
                }
                lit.push(c[i]);
                i += 1;
            }
            i += 1;
            out.push(lit);
            prev = 'x';
        } else {
            if !ch.is_whitespace() {
                prev = ch;
            }
            i += 1;
        }
    }
    out
}

#[test]
fn the_javascript_writes_no_words_outside_the_tables() {
    // The one line said before any table could load, in both languages.
    let allowed = [
        "The page's text could not be loaded / ページの文字列を読み込めませんでした: ${e.message || e}",
        // Our own page sent our own worker a message it does not know: a bug, not a user's case.
        "unknown message ${m.type}",
    ];
    let mut outside = Vec::new();
    for f in page_scripts() {
        for lit in js_literals(&read(&format!("www/{f}"))) {
            // Two English words in a row are a sentence a user would read.
            let words: Vec<&str> = lit.split(' ').collect();
            let sentence = words.windows(2).any(|w| {
                w.iter()
                    .all(|x| x.len() >= 2 && x.chars().all(|c| c.is_ascii_alphabetic()))
            });
            if sentence && !allowed.contains(&lit.as_str()) {
                outside.push(format!("{f}: {lit}"));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "sentences in JavaScript outside the string tables: {outside:?}"
    );
}

/// String literals of Rust source outside tests and comments.
fn rust_literals(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap();
    let mut out = Vec::new();
    for line in code.lines() {
        let l = line.trim_start();
        if l.starts_with("//") || l.contains(".expect(") || l.contains("panic!") {
            continue;
        }
        out.extend(line.split('"').skip(1).step_by(2).map(str::to_string));
    }
    out
}

#[test]
fn the_rust_that_words_the_page_writes_no_sentences_outside_the_tables() {
    // What only a developer reads: a chart asked for that the system lacks, a drawing backend's
    // failure, a malformed snapshot from our own worker.
    let internal = |s: &str| {
        s.starts_with("drawing ")
            || s.starts_with("chart '")
            || s.starts_with("no 2D context")
            || s.starts_with("ensemble")
            || s.starts_with("session:")
            || s.starts_with("unknown chart")
            || s.contains("is drawn from observables")
            // Asked of the engine only after an inversion: a bug of the page, not a user's case.
            || s.starts_with("nothing inverted")
    };
    let mut outside = Vec::new();
    for f in [
        "src/charts/mod.rs",
        "src/charts/describe.rs",
        "src/charts/inverse.rs",
        "src/web/mod.rs",
        "src/web/inverse.rs",
        // The inversion's rejections reach the page (its report's prose is the CLI's and the
        // JSON's, English like the command line).
        "src/observables/inverse/fit.rs",
    ] {
        for lit in rust_literals(&read(f)) {
            let words: Vec<&str> = lit.split(' ').collect();
            let sentence = words.windows(3).any(|w| {
                w.iter()
                    .all(|x| x.len() >= 2 && x.chars().all(|c| c.is_ascii_alphabetic()))
            });
            if sentence && !internal(&lit) {
                outside.push(format!("{f}: {lit}"));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "sentences in Rust outside the string tables: {outside:?}"
    );
}

#[test]
fn both_languages_word_every_chart_and_message_and_the_command_line_stays_english() {
    use adsdl::train::{TrainConfig, Trainer};
    for lang in Lang::ALL {
        adsdl::i18n::set_lang(lang);
        for sys in REGISTRY {
            let c = TrainConfig {
                per_class: 50,
                batch: 10,
                ..TrainConfig::new(sys.id())
            };
            let mut t = Trainer::new(c).unwrap();
            t.epoch_step().unwrap();
            for &k in sys.charts() {
                let d = adsdl::charts::describe::describe(k, &t, None);
                let japanese = d.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c));
                assert_eq!(japanese, lang == Lang::Ja, "{lang:?} {}: {d}", k.name());
            }
        }
    }
    // An input error is said in the page's language, and the command line's (English) by default.
    for (lang, want) in [
        (
            Lang::En,
            "CSV line 2, column 2 (condensate): 'x' is not a number",
        ),
        (
            Lang::Ja,
            "CSV の 2 行目、2 列目（condensate）：'x' は数ではありません",
        ),
    ] {
        adsdl::i18n::set_lang(lang);
        let e = adsdl::points::parse_measurements(
            "m_q,condensate\n0.1,x\n",
            adsdl::points::Units::Physical,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), want);
    }
    adsdl::i18n::set_lang(Lang::En);
    let fresh = std::thread::spawn(adsdl::i18n::lang).join().unwrap();
    assert_eq!(fresh, Lang::En, "a thread starts in English");
}

#[test]
fn the_tables_are_the_files_the_page_loads() {
    for lang in Lang::ALL {
        let file = read(&format!("www/i18n/{}.json", lang.code()));
        let parsed: Table = serde_json::from_str(&file).unwrap();
        assert_eq!(&parsed, table(lang));
    }
}
