//! A minimal static file server for the built page (`adsdl serve`): std only, so the main command
//! needs nothing beyond the Rust toolchain. It serves one folder, optionally under a sub-path,
//! with the MIME types the page needs (`application/wasm` for streaming compilation), and the
//! gzip files the build writes beside the assets to clients that take them.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

/// MIME type by file extension.
pub fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" | "txt" | "md" => "text/plain; charset=utf-8",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// Map a request path to a file under `root`, below `prefix` (e.g. "/" or "/talks/adsdl/").
/// `Err(Some(location))` asks for a redirect (the prefix without its trailing slash),
/// `Err(None)` means not found or not allowed.
pub fn resolve(root: &Path, prefix: &str, target: &str) -> Result<PathBuf, Option<String>> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if format!("{path}/") == prefix {
        return Err(Some(prefix.to_string()));
    }
    let rest = path.strip_prefix(prefix).ok_or(None)?;
    let decoded = crate::url_state::percent_decode(rest);
    let rel = Path::new(&decoded);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(None);
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    if file.is_file() {
        Ok(file)
    } else {
        Err(None)
    }
}

/// The folder of content-addressed files: a path below it always names the same bytes.
pub const IMMUTABLE: &str = "b";

/// Whether a file of this type is worth sending compressed (text and wasm; images are already).
fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "mjs" | "css" | "wasm" | "json" | "webmanifest" | "svg")
    )
}

/// The response to `method target` with the request's `Accept-Encoding` value: the status line
/// and headers, and the body. Where the client takes gzip and the build wrote `FILE.gz` beside a
/// file, that is sent (`Content-Encoding: gzip`, the file's own type). Files under `b/` (the
/// build's folder named by its content hash, scripts/build.sh) never change, so they may be
/// cached for good (`immutable`); everything else is asked for again (`no-cache`), so a new build
/// reaches the next visit.
pub fn response(
    root: &Path,
    prefix: &str,
    method: &str,
    target: &str,
    accept_encoding: &str,
) -> std::io::Result<(String, Vec<u8>)> {
    if method != "GET" && method != "HEAD" {
        let head =
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        return Ok((head.to_string(), Vec::new()));
    }
    match resolve(root, prefix, target) {
        Ok(file) => {
            let gz = PathBuf::from(format!("{}.gz", file.display()));
            let takes_gzip = accept_encoding
                .split(',')
                .any(|e| e.split(';').next().unwrap_or("").trim() == "gzip");
            let (body, encoding) = if takes_gzip && compressible(&file) && gz.is_file() {
                (std::fs::read(&gz)?, "Content-Encoding: gzip\r\n")
            } else {
                (std::fs::read(&file)?, "")
            };
            let vary = if compressible(&file) {
                "Vary: Accept-Encoding\r\n"
            } else {
                ""
            };
            let cache = if file.strip_prefix(root).is_ok_and(|r| r.starts_with(IMMUTABLE)) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\n{encoding}{vary}Cache-Control: {cache}\r\nConnection: close\r\n\r\n",
                mime(&file),
                body.len()
            );
            Ok((head, if method == "GET" { body } else { Vec::new() }))
        }
        Err(Some(loc)) => Ok((format!("HTTP/1.1 301 Moved Permanently\r\nLocation: {loc}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), Vec::new())),
        Err(None) => {
            let body = b"not found".to_vec();
            Ok((format!("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()), body))
        }
    }
}

fn respond(mut s: TcpStream, root: &Path, prefix: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(s.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut accept = String::new();
    let mut hdr = String::new();
    while reader.read_line(&mut hdr)? > 2 {
        if let Some((name, value)) = hdr.split_once(':') {
            if name.trim().eq_ignore_ascii_case("accept-encoding") {
                accept = value.trim().to_string();
            }
        }
        hdr.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (head, body) = response(root, prefix, method, target, &accept)?;
    s.write_all(head.as_bytes())?;
    s.write_all(&body)
}

/// Serve `root` at http://`addr``prefix` until the process ends.
pub fn serve(root: &Path, addr: &str, prefix: &str) -> Result<(), String> {
    if !root.join("index.html").is_file() {
        return Err(format!(
            "'{}' has no index.html (build the page first)",
            root.display()
        ));
    }
    let prefix = format!("/{}/", prefix.trim_matches('/')).replace("//", "/");
    let listener = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("serving {} at http://{addr}{prefix}", root.display());
    for conn in listener.incoming().flatten() {
        let (root, prefix) = (root.to_path_buf(), prefix.clone());
        std::thread::spawn(move || {
            let _ = respond(conn, &root, &prefix);
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_the_folder_only() {
        let dir = std::env::temp_dir().join(format!("adsdl-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("pkg/a.wasm"), "x").unwrap();
        assert_eq!(resolve(&dir, "/", "/").unwrap(), dir.join("index.html"));
        assert_eq!(
            resolve(&dir, "/w/s/", "/w/s/pkg/a.wasm?x=1").unwrap(),
            dir.join("pkg/a.wasm")
        );
        assert_eq!(resolve(&dir, "/w/s/", "/w/s"), Err(Some("/w/s/".into())));
        assert_eq!(resolve(&dir, "/w/s/", "/pkg/a.wasm"), Err(None));
        assert_eq!(resolve(&dir, "/", "/../etc/passwd"), Err(None));
        assert_eq!(resolve(&dir, "/", "/%2e%2e/etc/passwd"), Err(None));
        assert_eq!(mime(Path::new("a.wasm")), "application/wasm");
    }

    #[test]
    fn sends_the_precompressed_file_to_a_client_that_takes_gzip() {
        let dir = std::env::temp_dir().join(format!("adsdl-serve-gz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "plain").unwrap();
        std::fs::write(dir.join("pkg/a.wasm"), "plain wasm").unwrap();
        std::fs::write(dir.join("pkg/a.wasm.gz"), "gz").unwrap();
        std::fs::write(dir.join("i.png"), "png").unwrap();
        std::fs::write(dir.join("i.png.gz"), "gz").unwrap();
        let (head, body) = response(&dir, "/", "GET", "/pkg/a.wasm", "br, gzip;q=0.9").unwrap();
        assert!(
            head.contains("Content-Type: application/wasm\r\n"),
            "{head}"
        );
        assert!(
            head.contains("Content-Encoding: gzip\r\n") && head.contains("Vary: Accept-Encoding")
        );
        assert_eq!(body, b"gz");
        // No gzip asked: the file itself; nothing precompressed: the file itself.
        let (head, body) = response(&dir, "/", "GET", "/pkg/a.wasm", "identity").unwrap();
        assert!(
            !head.contains("Content-Encoding") && body == b"plain wasm",
            "{head}"
        );
        let (head, body) = response(&dir, "/", "GET", "/", "gzip").unwrap();
        assert!(
            !head.contains("Content-Encoding") && body == b"plain",
            "{head}"
        );
        // Images are not sent compressed, whatever lies beside them.
        let (head, _) = response(&dir, "/", "GET", "/i.png", "gzip").unwrap();
        assert!(!head.contains("Content-Encoding"), "{head}");
        // HEAD: headers only; outside the folder: 404; other methods: 405.
        let (head, body) = response(&dir, "/", "HEAD", "/pkg/a.wasm", "gzip").unwrap();
        assert!(
            head.contains("Content-Length: 2\r\n") && body.is_empty(),
            "{head}"
        );
        assert!(response(&dir, "/", "GET", "/../x", "gzip")
            .unwrap()
            .0
            .starts_with("HTTP/1.1 404"));
        assert!(response(&dir, "/", "POST", "/", "")
            .unwrap()
            .0
            .starts_with("HTTP/1.1 405"));
    }

    #[test]
    fn the_builds_folder_is_cached_for_good_and_the_page_is_asked_for_again() {
        let dir = std::env::temp_dir().join(format!("adsdl-serve-cache-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("b/0123abcd/pkg")).unwrap();
        std::fs::create_dir_all(dir.join("sub/b")).unwrap();
        std::fs::write(dir.join("index.html"), "page").unwrap();
        std::fs::write(dir.join("sw.js"), "sw").unwrap();
        std::fs::write(dir.join("b/0123abcd/pkg/a.wasm"), "wasm").unwrap();
        std::fs::write(dir.join("sub/b/x.js"), "not the build's").unwrap();
        let cache = |prefix: &str, target: &str| {
            let (head, _) = response(&dir, prefix, "GET", target, "gzip").unwrap();
            assert!(head.starts_with("HTTP/1.1 200"), "{target}: {head}");
            head.lines()
                .find_map(|l| l.strip_prefix("Cache-Control: "))
                .unwrap()
                .to_string()
        };
        let forever = "public, max-age=31536000, immutable";
        assert_eq!(cache("/", "/b/0123abcd/pkg/a.wasm"), forever);
        assert_eq!(cache("/w/", "/w/b/0123abcd/pkg/a.wasm?x"), forever);
        for page in ["/", "/index.html", "/sw.js", "/sub/b/x.js"] {
            assert_eq!(cache("/", page), "no-cache", "{page}");
        }
    }
}
