// The Gugus service worker: keeps the app shell on the phone so the app opens without
// signal. It never touches the API: records live in IndexedDB and the app syncs them
// itself, so /api/ requests always go to the network as they are.
//
// scripts/build-app.sh stamps a hash of the shell's files into CACHE's name: each build
// is a new cache, installed beside the old one and swapped in when the officer accepts
// the update (boot.js shows the bar), so a phone never mixes two builds' files.

const CACHE_PREFIX = 'gugus-shell-';
const CACHE = 'gugus-shell-__BUILD_ID__';

const SHELL = [
  '/',
  '/index.html',
  '/boot.js',
  '/style.css',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-192.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
  '/icons/favicon-32.png',
  '/pkg/gugus_app.js',
  '/pkg/gugus_app_bg.wasm',
  // The split loader and the pages' chunks, listed by scripts/build-app.sh:
  // __CHUNKS__
];

self.addEventListener('install', (event) => {
  // 'no-cache' revalidates with the server: a stale HTTP-cached file from the previous
  // build never lands in this build's cache, and unchanged files cost a 304.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'no-cache' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') {
    self.skipWaiting();
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;

  if (request.mode === 'navigate') {
    // The app routes with the URL fragment, so every page is index.html. Cache first: on
    // a phone with weak signal a network-first page would hang before falling back.
    event.respondWith(fromCache('/index.html').then((hit) => hit || fetch(request)));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(fromCache(url.pathname).then((hit) => hit || fetch(request)));
  }
});

function fromCache(path) {
  return caches.open(CACHE).then((cache) => cache.match(path));
}
