// Offline after one visit. The build writes this folder's file list and its build hash below:
// a new build has a new cache name, so the next visit installs it. Scope is this folder (the
// page may live under any sub-path). Everything the page runs lives in b/HASH/ (scripts/build.sh),
// whose URLs never change content: those are answered from any cache that holds them, so a page
// still open on the previous build finds its own lazily loaded files (a worker, the other
// language's table) after a new build was deployed, rather than a 404 or another build's file.
const CACHE = 'adsdl-__BUILD_HASH__';
const FILES = __FILES__;
const IMMUTABLE = new URL('./b/', self.location).pathname;

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

// The previous build's cache stays until the next build (a page may still be running it);
// older ones go. `caches.keys()` lists caches in the order they were made.
self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches.keys()
      .then((keys) => {
        const old = keys.filter((k) => k.startsWith('adsdl-') && k !== CACHE);
        return Promise.all(old.slice(0, -1).map((k) => caches.delete(k)));
      })
      .then(() => self.clients.claim()),
  );
});

// Everything else (the page itself, the manifest, the icons): network first, so an online
// visitor always gets what is served; this build's cache when offline, or when the network has
// not answered within NETWORK_MS (bad Wi-Fi: the visitor does not wait for the full failure).
// Nothing is written at run time: a cache holds exactly the files its build listed at install,
// so it can never mix one build's files with another's. The page's query string carries the
// run, not the file: match without it.
const NETWORK_MS = 4000;

function fromCache(req) {
  return caches.open(CACHE)
    .then((c) => c.match(req, { ignoreSearch: true })
      .then((hit) => hit || (req.mode === 'navigate' ? c.match('./', { ignoreSearch: true }) : undefined)))
    .then((hit) => hit || Response.error());
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(IMMUTABLE)) {
    e.respondWith(caches.match(req, { ignoreSearch: true }).then((hit) => hit || fetch(req)));
    return;
  }
  e.respondWith(new Promise((resolve) => {
    let settled = false;
    const settle = (p) => {
      if (!settled) {
        settled = true;
        resolve(p);
      }
    };
    const timer = setTimeout(() => settle(fromCache(req)), NETWORK_MS);
    fetch(req).then(
      (res) => {
        clearTimeout(timer);
        settle(res);
      },
      () => {
        clearTimeout(timer);
        settle(fromCache(req));
      },
    );
  }));
});
