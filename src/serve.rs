//! A minimal static file server for the built page (`adsdl serve`): std only, so the main command
//! needs nothing beyond the Rust toolchain. It serves one folder, optionally under a sub-path,
//! with the MIME types the page needs (`application/wasm` for streaming compilation).

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

fn respond(mut s: TcpStream, root: &Path, prefix: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(s.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut hdr = String::new();
    while reader.read_line(&mut hdr)? > 2 {
        hdr.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return s.write_all(
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    }
    match resolve(root, prefix, target) {
        Ok(file) => {
            let body = std::fs::read(&file)?;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
                mime(&file),
                body.len()
            );
            s.write_all(head.as_bytes())?;
            if method == "GET" {
                s.write_all(&body)?;
            }
            Ok(())
        }
        Err(Some(loc)) => s.write_all(format!("HTTP/1.1 301 Moved Permanently\r\nLocation: {loc}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes()),
        Err(None) => {
            let body = b"not found";
            s.write_all(format!("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes())?;
            s.write_all(body)
        }
    }
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
}
