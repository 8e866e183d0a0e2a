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

// Network first, so an online visitor always gets what is served; the cache when offline.
// The page's query string carries the run, not the file: match without it.
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  e.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      .catch(() => caches.match(req, { ignoreSearch: true })
        .then((hit) => hit || (req.mode === 'navigate' ? caches.match('./', { ignoreSearch: true }) : undefined))
        .then((hit) => hit || Response.error())),
  );
});
