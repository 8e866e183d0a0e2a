//! The library's modules form layers, and every `crate::` path in `src/` points down or into its
//! own module, never up: data flow one way (src/lib.rs), and a change to a lower layer never needs
//! the upper ones to compile or to be understood. The test reads the sources, so a new import
//! that runs up the layers fails here with its file and line. Unit-test modules
//! (`#[cfg(test)] mod … { … }`) may use the whole crate, as the tests in `tests/` do.

use std::path::Path;

/// Lowest first. A module may use its own items and those of any module in a lower layer.
const LAYERS: &[&[&str]] = &[
    &["i18n", "rng", "stats", "chart_kind", "files"],
    &["error"],
    &["physics"],
    &["points"],
    &["observables"],
    &["systems"],
    &["settings"],
    &["train"],
    &["charts", "model_file"],
    &["url_state"],
    &["serve", "web"],
];

/// Macros exported at the crate root, and the module that defines them.
const MACROS: &[(&str, &str)] = &[("tr", "i18n"), ("msg", "i18n")];

fn layer_of(module: &str) -> Option<usize> {
    let module = MACROS
        .iter()
        .find(|(m, _)| *m == module)
        .map_or(module, |(_, owner)| owner);
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::NAME` in code outside unit-test modules (comments and doc links are not
/// dependencies), as (line, NAME).
fn crate_paths(src: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let lines: Vec<&str> = src.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        // The item under `#[cfg(test)]`, past further attributes and comments.
        let head = (i + 1..lines.len()).find(|&j| {
            let l = lines[j].trim();
            !l.starts_with("#[") && !l.starts_with("//")
        });
        if let Some(j) = head.filter(|&j| {
            let l = lines[j].trim();
            lines[i].trim() == "#[cfg(test)]"
                && (l.starts_with("mod ") || l.starts_with("pub mod "))
                && l.ends_with('{')
        }) {
            // Skip to the brace that closes the module.
            let mut depth = 0i64;
            i = j;
            loop {
                let code = lines[i].split("//").next().unwrap_or("");
                depth += code.matches('{').count() as i64 - code.matches('}').count() as i64;
                i += 1;
                if depth <= 0 || i == lines.len() {
                    break;
                }
            }
            continue;
        }
        let line = lines[i];
        i += 1;
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `adsdl_crate::` and the like
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((i, name));
            }
        }
    }
    out
}

#[test]
fn imports_never_run_up_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "bin" {
            continue; // the root declares every module; the binary sits on top of all of them
        }
        let Some(own) = layer_of(&module) else {
            panic!(
                "src/{} is in no layer: add `{module}` to LAYERS",
                rel.display()
            );
        };
        for (line, target) in crate_paths(&std::fs::read_to_string(f).unwrap()) {
            checked += 1;
            if target == module {
                continue;
            }
            match layer_of(&target) {
                Some(l) if l < own => {}
                Some(_) => wrong.push(format!(
                    "src/{}:{line}: `{module}` uses `crate::{target}`, which is not below it",
                    rel.display()
                )),
                None => wrong.push(format!(
                    "src/{}:{line}: `crate::{target}` is in no layer",
                    rel.display()
                )),
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} crate paths found: is the scan broken?"
    );
    assert!(
        wrong.is_empty(),
        "imports that run up the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_an_upward_import() {
    let src = "use crate::train::TrainConfig; // crate::charts\n  x = crate::tr!(\"a\");\n\
               #[cfg(test)]\n// why\nmod tests {\n    fn f() {\n        crate::web::x();\n    }\n}\n\
               use crate::url_state::PageState;";
    let found = crate_paths(src);
    let want = [(1, "train"), (2, "tr"), (10, "url_state")];
    assert_eq!(found, want.map(|(l, m)| (l, m.to_string())));
    assert!(layer_of("train") > layer_of("systems"));
    assert_eq!(layer_of("tr"), layer_of("i18n"));
}
