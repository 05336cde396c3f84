// Keeps the page usable offline once it has loaded: every file it needs is
// stored on install, and each request goes to the network first (so an
// update is seen at once) and falls back to the stored copy when there is
// no network. Only this site's own GET requests are touched: uploads pass by.

const CACHE = 'rowcheck-page-v1';
// Every file the page loads; the build (pkg/scripts/build-www.mjs) fails if this list and the built files differ.
const FILES = [
  './',
  'index.html',
  'style.css',
  'app.js',
  'csp.js',
  'detail.js',
  'downloads.js',
  'fixes.js',
  'locate.js',
  'plural.js',
  'probe.js',
  'slices.js',
  'summary.js',
  'table.js',
  'upload.js',
  'zip.js',
  'lib/api.js',
  'lib/browser.js',
  'lib/checkpoint-idb.js',
  'lib/core.js',
  'lib/diagnostic-list.js',
  'lib/error-rows.js',
  'lib/labelbox-metadata.js',
  'lib/labelbox.js',
  'lib/options.js',
  'lib/probe.js',
  'lib/retry.js',
  'lib/transport-codes.js',
  'lib/uploader.js',
  'lib/worker-thread.js',
  'lib/worker.js',
  'wasm/rowcheck.js',
  'wasm/rowcheck_bg.wasm',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).then(
      (response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      },
      async (error) => (await caches.match(request, { ignoreSearch: true })) ?? Promise.reject(error),
    ),
  );
});
