// Marz's service worker: the app opens and reloads without a network.
//
// - The shell (index.html) and every built file the field forms need are stored when the
//   worker installs (the build writes their list into this file, so each build is a new
//   worker that stores the new files and drops the old ones).
// - Pages: network first; without a network, the stored shell.
// - Built files (/assets/…, names carry a content hash): from the store, else the network.
// - The few API answers the field forms read (the session, FMPs, provinces, countries, the
//   survey questions): network first, kept; without a network, the last kept answer. They
//   are the signed-in user's, so the app deletes them at sign-out (message "wipe"). A list is
//   kept per address, query included: the field forms ask for the FMPs the user may submit
//   for (/api/v1/places/fmps?usable_for=flows.submit), which "warm" keeps beside the full list.
// - Everything else (writes, other API reads) goes to the network untouched: records wait in
//   the app's own queue, never in this worker.
/* eslint-disable no-restricted-globals */
const ASSETS = self.__MARZ_ASSETS__; // replaced at build time by the list of built files
const BUILD = self.__MARZ_BUILD__; // replaced at build time by a digest of that list
const SHELL_CACHE = `marz-shell-${BUILD}`;
const API_CACHE = 'marz-api';
const API_KEEP = [/^\/api\/v1\/auth\/session$/, /^\/api\/v1\/places\/(fmps|provinces|countries)$/, /^\/api\/v1\/flows\/fms\/questions$/];
// What "warm" keeps at sign-in (each is the exact address the app reads; API_KEEP matches the
// path, the kept answer the whole address).
const WARM = [
  '/api/v1/auth/session',
  '/api/v1/places/fmps',
  '/api/v1/places/fmps?usable_for=flows.submit',
  '/api/v1/places/provinces',
  '/api/v1/places/countries',
  '/api/v1/flows/fms/questions',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.add('/');
      // A file that fails (a build replaced meanwhile) is fetched again when first used.
      await Promise.all(ASSETS.map((url) => cache.add(url).catch(() => null)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('marz-shell-') && name !== SHELL_CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

async function keep(cacheName, request, response) {
  if (response.ok && response.type === 'basic') await (await caches.open(cacheName)).put(request, response.clone());
  return response;
}

async function page(request) {
  try {
    const response = await fetch(request);
    // The shell is the same for every page address: keep the newest under '/'.
    if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) await (await caches.open(SHELL_CACHE)).put('/', response.clone());
    return response;
  } catch (e) {
    const shell = await caches.match('/', { cacheName: SHELL_CACHE });
    if (shell) return shell;
    throw e;
  }
}

async function asset(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  return keep(SHELL_CACHE, request, await fetch(request));
}

async function apiRead(request) {
  let response = null;
  try {
    response = await fetch(request);
  } catch {
    response = null;
  }
  if (response) {
    // Signed out on the server (expired, ended elsewhere): nothing of the user is kept any longer.
    if (response.status === 401) await caches.delete(API_CACHE);
    return keep(API_CACHE, request, response);
  }
  const hit = await caches.match(request, { cacheName: API_CACHE });
  if (hit) return hit;
  // No session kept on this device (signed out, or never signed in here): nobody is signed in.
  const json = (status, code, message) => new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json', 'x-marz-offline': '1' } });
  if (new URL(request.url).pathname === '/api/v1/auth/session') return json(401, 'unauthenticated', 'Not signed in');
  return json(503, 'offline', 'No connection');
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && !url.pathname.startsWith('/api/')) return event.respondWith(page(request));
  if (url.pathname.startsWith('/assets/') || ASSETS.includes(url.pathname)) return event.respondWith(asset(request));
  if (API_KEEP.some((re) => re.test(url.pathname))) return event.respondWith(apiRead(request));
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'wipe') event.waitUntil(caches.delete(API_CACHE));
  // Keep the field forms' API answers now (the page may have read them before this worker controlled it).
  if (data.type === 'warm')
    event.waitUntil(
      Promise.all(
        WARM.map((path) =>
          fetch(path, { credentials: 'same-origin' })
            .then((r) => keep(API_CACHE, new Request(path), r))
            .catch(() => null),
        ),
      ),
    );
});
