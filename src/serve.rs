//! The static file server of the built page (`adsdl serve`), on a kept HTTP stack: hyper for the
//! connections and tower-http's `ServeDir` for the files (precompressed gzip chosen by the
//! client's `Accept-Encoding` with its q-values, `ETag`/`Last-Modified` and 304s, ranges, files
//! streamed rather than read whole). What is ours is the policy around it:
//!
//! - the folder may be served under a sub-path (`--prefix /talks/adsdl`); the prefix without its
//!   trailing slash redirects to it *with the query*, since the query is a shared link's whole
//!   configuration;
//! - symbolic links and dot-files inside the folder are refused unless asked for
//!   ([`Options::follow_symlinks`], [`Options::dotfiles`]): a link could lead out of the folder;
//! - the page's MIME types (`application/wasm` for streaming compilation, `charset=utf-8` for the
//!   Japanese text) and cache rules: the build's content-addressed folder [`IMMUTABLE`] is cached
//!   for good, everything else is asked for again (`no-cache`) so a new build reaches the next
//!   visit;
//! - the page's Content-Security-Policy (read from the served `index.html`, so it is declared once;
//!   none where that page declares none) and `X-Content-Type-Options`, `Referrer-Policy` as headers
//!   on every response, so they cover the workers and the service worker, which a `<meta>` tag
//!   does not;
//! - limits that keep one client from locking out the others: the request head must arrive within
//!   [`Options::header_timeout`] (idle keep-alive connections included) and fit in
//!   [`MAX_HEAD_BYTES`] (else 431, as Python's `http.server` does at 64 KiB); at most
//!   [`Options::max_connections`] connections are held, and at the cap the oldest connection that
//!   has no request in progress is closed to make room (an idle flood cannot starve a real
//!   visitor); a failing `accept` (out of descriptors) backs off instead of spinning.

use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Empty, Full};
use hyper::body::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The largest request head (request line and headers) read: a longer one is answered 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The folder of content-addressed files: a path below it always names the same bytes.
pub const IMMUTABLE: &str = "b";

/// How `adsdl serve` serves a folder.
#[derive(Clone, Debug)]
pub struct Options {
    /// The folder (the built page: it must hold an `index.html`).
    pub root: PathBuf,
    /// `host:port` to listen on.
    pub addr: String,
    /// The URL path the folder appears under, e.g. "/" or "/talks/adsdl".
    pub prefix: String,
    /// Connections held at once; `None`: 1024, or fewer where the descriptor limit is lower.
    pub max_connections: Option<usize>,
    /// How long a client may take to send a request head (and an idle keep-alive connection may
    /// wait for its next one).
    pub header_timeout: Duration,
    /// Serve files reached through symbolic links inside the folder.
    pub follow_symlinks: bool,
    /// Serve names starting with a dot.
    pub dotfiles: bool,
}

impl Options {
    /// The defaults for `root` at `addr`.
    pub fn new(root: impl Into<PathBuf>, addr: impl Into<String>) -> Options {
        Options {
            root: root.into(),
            addr: addr.into(),
            prefix: "/".into(),
            max_connections: None,
            header_timeout: Duration::from_secs(10),
            follow_symlinks: false,
            dotfiles: false,
        }
    }
}

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

/// Whether a file of this type is worth sending compressed (text and wasm; images are already).
fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "mjs" | "css" | "wasm" | "json" | "webmanifest" | "svg")
    )
}

/// `Cache-Control` for a file at `rel` (relative to the served folder).
pub fn cache_control(rel: &Path) -> &'static str {
    if rel.starts_with(IMMUTABLE) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// The prefix as the server matches it: one leading and one trailing slash.
pub fn normalize_prefix(prefix: &str) -> String {
    format!("/{}/", prefix.trim_matches('/')).replace("//", "/")
}

/// Where a request goes, decided before any file is opened.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// Serve this file.
    File {
        /// The file, relative to the folder.
        rel: PathBuf,
        /// The path `ServeDir` is asked for (still percent-encoded).
        uri: String,
    },
    /// Redirect here (the query kept).
    Redirect(String),
    /// Not in the folder, or not allowed (outside it, a link, a dot-file).
    NotFound,
}

/// Route the request path `path` (with its `query`) under `prefix` (normalised) in `root`.
pub fn route(root: &Path, prefix: &str, path: &str, query: Option<&str>, o: &Options) -> Route {
    let with_query = |p: String| match query {
        Some(q) => format!("{p}?{q}"),
        None => p,
    };
    if format!("{path}/") == prefix {
        return Route::Redirect(with_query(prefix.to_string()));
    }
    let Some(rest) = path.strip_prefix(prefix) else {
        return Route::NotFound;
    };
    let decoded = crate::url_state::percent_decode(rest);
    let rel = PathBuf::from(&decoded);
    let mut at = root.to_path_buf();
    for c in rel.components() {
        let Component::Normal(name) = c else {
            return Route::NotFound;
        };
        if !o.dotfiles && name.to_string_lossy().starts_with('.') {
            return Route::NotFound;
        }
        at.push(name);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() && !o.follow_symlinks => return Route::NotFound,
            Ok(_) => {}
            Err(_) => return Route::NotFound,
        }
    }
    if at.is_dir() {
        if !rest.is_empty() && !rest.ends_with('/') {
            return Route::Redirect(with_query(format!("{path}/")));
        }
        let index = at.join("index.html");
        let index_ok = std::fs::symlink_metadata(&index)
            .is_ok_and(|m| m.is_file() || (o.follow_symlinks && index.is_file()));
        return if index_ok {
            Route::File {
                rel: rel.join("index.html"),
                uri: format!("/{rest}index.html"),
            }
        } else {
            Route::NotFound
        };
    }
    if at.is_file() {
        Route::File {
            rel,
            uri: format!("/{rest}"),
        }
    } else {
        Route::NotFound
    }
}

/// The Content-Security-Policy of the page in `root/index.html`, if it declares one.
pub fn page_csp(root: &Path) -> Option<String> {
    let html = std::fs::read_to_string(root.join("index.html")).ok()?;
    let at = html.find("http-equiv=\"Content-Security-Policy\"")?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[at..tag_end];
    let start = tag.find("content=\"")? + "content=\"".len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}

type BoxBody = UnsyncBoxBody<Bytes, std::io::Error>;

fn plain(status: StatusCode, text: &'static str) -> Response<BoxBody> {
    let mut r = Response::new(
        Full::new(Bytes::from_static(text.as_bytes()))
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The folder being served and what every response carries.
struct Site {
    root: PathBuf,
    prefix: String,
    options: Options,
    files: ServeDir,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Site {
    fn new(o: &Options) -> Result<Site, String> {
        let root = o
            .root
            .canonicalize()
            .map_err(|e| format!("'{}': {e}", o.root.display()))?;
        if !root.join("index.html").is_file() {
            return Err(format!(
                "'{}' has no index.html (build the page first)",
                o.root.display()
            ));
        }
        let mut headers = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ];
        // The policy of the page in the folder, for every file of it. A folder whose page
        // declares none (a workshop's own page, say) gets none imposed: it may frame others.
        if let Some(csp) = page_csp(&root) {
            headers.push((
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&csp).map_err(|e| format!("the page's CSP: {e}"))?,
            ));
        }
        Ok(Site {
            files: ServeDir::new(&root)
                .precompressed_gzip()
                .append_index_html_on_directories(false)
                .redirect_to_trailing_slash(false),
            root,
            prefix: normalize_prefix(&o.prefix),
            options: o.clone(),
            headers,
        })
    }

    /// The response to one request.
    async fn respond(&self, req: Request<Incoming>) -> Response<BoxBody> {
        let mut res = self.route(req).await;
        for (name, value) in &self.headers {
            res.headers_mut().insert(name.clone(), value.clone());
        }
        res
    }

    async fn route(&self, req: Request<Incoming>) -> Response<BoxBody> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let (path, query) = (req.uri().path(), req.uri().query());
        match route(&self.root, &self.prefix, path, query, &self.options) {
            Route::NotFound => plain(StatusCode::NOT_FOUND, "not found\n"),
            Route::Redirect(to) => {
                let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
                match HeaderValue::from_str(&to) {
                    Ok(v) => {
                        r.headers_mut().insert(header::LOCATION, v);
                        r
                    }
                    Err(_) => plain(StatusCode::BAD_REQUEST, "bad request\n"),
                }
            }
            Route::File { rel, uri } => self.file(req, &rel, &uri).await,
        }
    }

    async fn file(&self, req: Request<Incoming>, rel: &Path, uri: &str) -> Response<BoxBody> {
        let head = req.method() == Method::HEAD;
        let mut inner = Request::builder().method(req.method().clone());
        for (name, value) in req.headers() {
            // Images go as they are, whatever `.gz` may lie beside them.
            if name == header::ACCEPT_ENCODING && !compressible(rel) {
                continue;
            }
            inner = inner.header(name, value);
        }
        let Ok(inner) = inner.uri(uri).body(Empty::<Bytes>::new()) else {
            return plain(StatusCode::BAD_REQUEST, "bad request\n");
        };
        let Ok(res) = self.files.clone().oneshot(inner).await;
        let (mut parts, body) = res.into_parts();
        if parts.status.is_success() || parts.status == StatusCode::NOT_MODIFIED {
            let h = &mut parts.headers;
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(rel)));
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control(rel)),
            );
            if compressible(rel) {
                h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
        }
        let body = if head {
            Empty::new().map_err(|never| match never {}).boxed_unsync()
        } else {
            body.map_err(std::io::Error::other).boxed_unsync()
        };
        Response::from_parts(parts, body)
    }
}

/// One held connection: how many of its requests are in progress (a response body still being
/// sent counts), and the signal that closes it.
struct Slot {
    active: AtomicUsize,
    close: tokio::sync::Notify,
}

/// The held connections, oldest first (ids increase).
#[derive(Default)]
struct Connections {
    held: Mutex<BTreeMap<u64, Arc<Slot>>>,
    next: AtomicU64,
}

impl Connections {
    /// Hold a new connection, closing the oldest idle one at the cap. `None`: every held
    /// connection is busy, so the new one is turned away.
    fn admit(&self, cap: usize) -> Option<(u64, Arc<Slot>)> {
        let mut held = self.held.lock().expect("no poisoned lock");
        if held.len() >= cap {
            let idle = held
                .iter()
                .find(|(_, s)| s.active.load(Ordering::Acquire) == 0)
                .map(|(&id, _)| id)?;
            if let Some(s) = held.remove(&idle) {
                s.close.notify_one();
            }
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot {
            active: AtomicUsize::new(0),
            close: tokio::sync::Notify::new(),
        });
        held.insert(id, slot.clone());
        Some((id, slot))
    }

    fn release(&self, id: u64) {
        self.held.lock().expect("no poisoned lock").remove(&id);
    }
}

/// A request in progress on its connection, for as long as its response body is being sent.
struct Busy(Arc<Slot>);

impl Busy {
    fn new(slot: Arc<Slot>) -> Busy {
        slot.active.fetch_add(1, Ordering::AcqRel);
        Busy(slot)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its connection marked busy until it is sent or dropped.
struct Tracked {
    body: BoxBody,
    _busy: Busy,
}

impl Body for Tracked {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The open-file limit of this process (its soft limit), where the platform says.
fn descriptor_limit() -> Option<usize> {
    #[cfg(unix)]
    {
        let mut l = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes the struct it is given and nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) } == 0 {
            return usize::try_from(l.rlim_cur).ok();
        }
    }
    None
}

/// The connection cap: the one asked for, else 1024 — and never more than half the descriptors
/// less a reserve, since a request in progress holds its file open beside its socket.
pub fn connection_cap(asked: Option<usize>) -> usize {
    let by_fds = descriptor_limit().map_or(usize::MAX, |n| n.saturating_sub(32) / 2);
    asked.unwrap_or(1024).min(by_fds).max(1)
}

/// Serve `o.root` at `http://{o.addr}{o.prefix}` until the process ends.
pub fn serve(o: &Options) -> Result<(), String> {
    let site = Arc::new(Site::new(o)?);
    let cap = connection_cap(o.max_connections);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&o.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", o.addr))?;
        eprintln!(
            "serving {} at http://{}{} (at most {cap} connections)",
            o.root.display(),
            o.addr,
            site.prefix
        );
        let conns = Arc::new(Connections::default());
        let mut warned = false;
        loop {
            let stream = match listener.accept().await {
                Ok((s, _)) => s,
                Err(e) => {
                    // Out of descriptors (or another passing fault): wait for connections to
                    // close instead of spinning on the error.
                    // Written, not `eprintln!`ed: a closed stderr (a parent that read the
                    // "serving" line and went) must not panic the server mid-flood.
                    if !warned {
                        let _ = writeln!(
                            std::io::stderr(),
                            "adsdl serve: accept failed ({e}); backing off"
                        );
                        warned = true;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            // Responses go out in several writes (head, then file chunks): without this, Nagle's
            // algorithm and the client's delayed ACK stall keep-alive requests by ~40 ms each.
            let _ = stream.set_nodelay(true);
            let Some((id, slot)) = conns.admit(cap) else {
                drop(stream);
                continue;
            };
            let (site, conns, timeout) = (site.clone(), conns.clone(), o.header_timeout);
            tokio::spawn(async move {
                let service = hyper::service::service_fn({
                    let slot = slot.clone();
                    move |req| {
                        let (site, busy) = (site.clone(), Busy::new(slot.clone()));
                        async move {
                            let res = site.respond(req).await;
                            Ok::<_, Infallible>(res.map(|body| Tracked { body, _busy: busy }))
                        }
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(timeout)
                    .max_buf_size(MAX_HEAD_BYTES)
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                tokio::select! {
                    _ = conn => {}
                    _ = slot.close.notified() => {}
                }
                conns.release(id);
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("adsdl-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("pkg/a.wasm"), "x").unwrap();
        dir
    }

    #[test]
    fn routes_inside_the_folder_only() {
        let dir = folder("route");
        let o = Options::new(&dir, "");
        let file = |rel: &str, uri: &str| Route::File {
            rel: rel.into(),
            uri: uri.into(),
        };
        let r = |prefix: &str, path: &str, q: Option<&str>| route(&dir, prefix, path, q, &o);
        assert_eq!(r("/", "/", None), file("index.html", "/index.html"));
        assert_eq!(
            r("/w/s/", "/w/s/pkg/a.wasm", Some("x=1")),
            file("pkg/a.wasm", "/pkg/a.wasm")
        );
        // The prefix without its slash, and a folder without its slash: redirected, query kept.
        assert_eq!(
            r("/w/s/", "/w/s", Some("seed=3&preset=qcd")),
            Route::Redirect("/w/s/?seed=3&preset=qcd".into())
        );
        assert_eq!(r("/w/s/", "/w/s", None), Route::Redirect("/w/s/".into()));
        assert_eq!(
            r("/", "/pkg", Some("a=b")),
            Route::Redirect("/pkg/?a=b".into())
        );
        assert_eq!(r("/w/s/", "/pkg/a.wasm", None), Route::NotFound);
        assert_eq!(r("/", "/../etc/passwd", None), Route::NotFound);
        assert_eq!(r("/", "/%2e%2e/etc/passwd", None), Route::NotFound);
        assert_eq!(r("/", "/pkg/missing.js", None), Route::NotFound);
        assert_eq!(mime(Path::new("a.wasm")), "application/wasm");
        assert_eq!(normalize_prefix("w/s"), "/w/s/");
        assert_eq!(normalize_prefix("/"), "/");
    }

    #[test]
    fn refuses_links_and_dotfiles_unless_asked() {
        let dir = folder("links");
        std::fs::write(dir.join(".env"), "secret").unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".git/config"), "secret").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", dir.join("etclink")).unwrap();
            std::os::unix::fs::symlink(dir.join("index.html"), dir.join("pkg/i.html")).unwrap();
        }
        let mut o = Options::new(&dir, "");
        let r = |o: &Options, path: &str| route(&dir, "/", path, None, o);
        assert_eq!(r(&o, "/.env"), Route::NotFound);
        assert_eq!(r(&o, "/.git/config"), Route::NotFound);
        #[cfg(unix)]
        {
            assert_eq!(r(&o, "/etclink/passwd"), Route::NotFound);
            assert_eq!(r(&o, "/pkg/i.html"), Route::NotFound);
        }
        o.dotfiles = true;
        o.follow_symlinks = true;
        assert!(matches!(r(&o, "/.env"), Route::File { .. }));
        #[cfg(unix)]
        assert!(matches!(r(&o, "/pkg/i.html"), Route::File { .. }));
    }

    #[test]
    fn the_builds_folder_is_cached_for_good_and_the_page_is_asked_for_again() {
        let forever = "public, max-age=31536000, immutable";
        assert_eq!(cache_control(Path::new("b/0123abcd/pkg/a.wasm")), forever);
        for page in ["index.html", "sw.js", "sub/b/x.js", "bb/x.js"] {
            assert_eq!(cache_control(Path::new(page)), "no-cache", "{page}");
        }
    }

    #[test]
    fn the_csp_comes_from_the_page() {
        let dir = folder("csp");
        std::fs::write(
            dir.join("index.html"),
            "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; object-src 'none'\">",
        )
        .unwrap();
        assert_eq!(
            page_csp(&dir).as_deref(),
            Some("default-src 'self'; object-src 'none'")
        );
        std::fs::write(dir.join("index.html"), "<p>no policy</p>").unwrap();
        assert_eq!(page_csp(&dir), None);
    }

    #[test]
    fn at_the_cap_the_oldest_idle_connection_makes_room() {
        let c = Connections::default();
        let (a, sa) = c.admit(2).unwrap();
        let (_b, sb) = c.admit(2).unwrap();
        // a is busy: b, the oldest idle one, goes.
        let busy = Busy::new(sa.clone());
        let (_c3, _) = c.admit(2).unwrap();
        assert!(!c.held.lock().unwrap().contains_key(&_b));
        assert!(c.held.lock().unwrap().contains_key(&a));
        drop(sb);
        // Everyone busy: the newcomer is turned away.
        let _busy3 = Busy::new(c.held.lock().unwrap().get(&_c3).unwrap().clone());
        assert!(c.admit(2).is_none());
        drop(busy);
        assert!(c.admit(2).is_some());
    }
}
