/* global self, caches, __PRECACHE__ -- a service worker; __PRECACHE__ is replaced at build time */
/**
 * DepotDesk crew service worker (scope /crew/). A template: the build (crewPwa plugin in
 * renderer/vite.config.ts) fills in the build id and the crew shell's files and writes /crew/sw.js.
 *
 * - Precaches the shell: /crew/ (index.html), the JS/CSS it loads, the manifest and icons.
 * - Navigations to /crew/: network with a short timeout (a new build wins when the depot answers),
 *   else the cached shell; a late network answer still refreshes the cache.
 * - Hashed /assets/* files: cache first (they never change under a name).
 * - Never touches /api/ or /ws: the crew's data lives in the persisted query cache and the outbox
 *   (IndexedDB), where the app can tell saved from fresh.
 * - On activate, deletes the caches of older builds.
 */
const BUILD_ID = '__BUILD_ID__';
const PRECACHE = __PRECACHE__;
const SHELL_CACHE = `depotdesk-crew-shell-${BUILD_ID}`;
const ASSET_CACHE = `depotdesk-crew-assets-${BUILD_ID}`;
const INDEX = '/crew/';
const NAVIGATION_TIMEOUT_MS = 2500;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // cache: 'reload' skips the HTTP cache, so the shell is exactly this build's files.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('depotdesk-crew-') && name !== SHELL_CACHE && name !== ASSET_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function navigate(event) {
  const cache = await caches.open(SHELL_CACHE);
  const network = fetch(event.request).then(async (res) => {
    if (res.ok) await cache.put(INDEX, res.clone());
    return res;
  });
  // Keep the worker alive for a late answer, so the cache still gets the newer shell.
  event.waitUntil(
    network.then(
      () => undefined,
      () => undefined,
    ),
  );
  const cached = await cache.match(INDEX);
  if (!cached) return network;
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), NAVIGATION_TIMEOUT_MS));
  try {
    const res = await Promise.race([network, timeout]);
    if (res && res.ok) return res;
  } catch {
    // offline or the depot unreachable: the cached shell below
  }
  return cached;
}

async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && new URL(request.url).pathname.startsWith('/assets/')) {
    const cache = await caches.open(ASSET_CACHE);
    await cache.put(request, res.clone());
  }
  return res;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/ws') return;
  if (request.mode === 'navigate') {
    if (url.pathname === '/crew/' || url.pathname === '/crew/index.html') event.respondWith(navigate(event));
    return; // other /crew/* pages (the depot CA download) go to the network as usual
  }
  if (url.pathname.startsWith('/assets/') || PRECACHE.includes(url.pathname)) event.respondWith(cacheFirst(request));
});
