// Offline after one visit. The build writes this folder's file list and a hash of their
// contents below: a new build has a new cache name, so the next visit installs it and the
// old cache is deleted. Scope is this folder (the page may live under any sub-path).
const CACHE = 'adsdl-__BUILD_HASH__';
const FILES = __FILES__;

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('adsdl-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first, so an online visitor always gets what is served; this build's cache when
// offline, or when the network has not answered within NETWORK_MS (bad Wi-Fi: the visitor does
// not wait for the full failure). Nothing is written at run time: the cache holds exactly the
// files this build listed at install, so it can never mix one build's files with another's (a
// response written here while an older worker controlled the page could). The page's query
// string carries the run, not the file: match without it.
const NETWORK_MS = 4000;

function fromCache(req) {
  return caches.open(CACHE)
    .then((c) => c.match(req, { ignoreSearch: true })
      .then((hit) => hit || (req.mode === 'navigate' ? c.match('./', { ignoreSearch: true }) : undefined)))
    .then((hit) => hit || Response.error());
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
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
