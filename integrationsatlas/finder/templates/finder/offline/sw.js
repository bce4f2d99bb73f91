// The finder's service worker: keeps the pages a person opened readable without network.
// Pages: network first, the last good copy when offline (marked with the time it was made,
// so the page can say so and hide "open now", which a copy cannot know). Static files:
// cache first. Only this site's GET requests under {{ scope }} and {{ static_url }} are touched.
"use strict";
const CACHE = "integrationsatlas-finder-{{ version }}";
const SCOPE = "{{ scope }}";
const STATIC = "{{ static_url }}";
const PRECACHE = [SCOPE, {% for url in precache %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const MAX_PAGES = {{ max_pages }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("integrationsatlas-finder-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) {
    event.respondWith(pageFromNetworkOrCopy(request));
  } else if (url.pathname.startsWith(STATIC)) {
    event.respondWith(staticFromCacheOrNetwork(request));
  }
});

async function pageFromNetworkOrCopy(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && (response.headers.get("Content-Type") || "").startsWith("text/html")) {
      const body = await response.clone().text();
      await cache.put(request, new Response(body, {
        headers: { "Content-Type": response.headers.get("Content-Type"), "X-Copy-Made": new Date().toISOString() },
      }));
      await trim(cache);
    }
    return response;
  } catch (error) {
    const copy = (await cache.match(request)) || (await cache.match(SCOPE));
    if (!copy) { throw error; }
    return marked(copy);
  }
}

// The copy says when it was made: <html data-offline-copy="...">; the CSS then shows the
// offline note and hides opening states, and finder.js writes the date into the note.
async function marked(copy) {
  const made = copy.headers.get("X-Copy-Made") || "";
  const html = (await copy.text()).replace("<html ", `<html data-offline-copy="${made}" `);
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function staticFromCacheOrNetwork(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) { return hit; }
  const response = await fetch(request);
  if (response.ok) { await cache.put(request, response.clone()); }
  return response;
}

// Keep the newest MAX_PAGES pages (static files are few and stay).
async function trim(cache) {
  const pages = (await cache.keys()).filter((r) => new URL(r.url).pathname.startsWith(SCOPE));
  for (const old of pages.slice(0, Math.max(0, pages.length - MAX_PAGES))) {
    if (new URL(old.url).pathname !== SCOPE) { await cache.delete(old); }
  }
}
