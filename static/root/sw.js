// The service worker of the home-visit pages (served at /sw.js from static/root, so that its
// scope is the whole site; registered by static/js/visit_offline.js on the visit pages).
//
// What it keeps, so that a teacher can open the visit form with no signal (docs/visits.md):
// - the visit pages of the logged-in teacher (the classroom's and school's progress, a student's
//   visits, the visit forms the teacher opened or has a link to), network first, the kept copy
//   when the network fails. One cache per account (an opaque key the pages give, never a name);
//   another account's pages are deleted the moment a page of a new account registers, and all
//   kept pages at login and logout. A kept page is dropped after 7 days.
// - the static files those pages use (public, the same for everyone).
// Every other request goes to the network untouched. Answers the teacher saves are not kept
// here: the visit form keeps them in IndexedDB until the server confirms (visit_offline.js).
"use strict";

var PAGES = "carecare-pages-";
var STATIC = "carecare-static-v1";
var STATE = "carecare-sw-state";
var STATE_URL = "/__sw/state";
var MAX_AGE_MS = 7 * 24 * 3600 * 1000;
var NETWORK_TIMEOUT_MS = 10000;
// Old hashed files pile up as the site changes: past this many, the static cache starts afresh.
var MAX_STATIC_FILES = 200;
// The pages worth having with no signal (path only, no query string).
var KEPT_PAGE = /^\/s\/[^/]+\/visits\/(classrooms\/\d+\/|students\/\d+\/(new\/)?|\d+\/edit\/)?$/;
var SESSION_CHANGE = /^\/accounts\/(login|logout)\//;
// collectstatic's hashed names (app.1a2b3c4d5e6f.js) never change: the kept copy is the file.
var HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

var currentUser = null;
// A page fetched before the worker knew whose it is (right after logging in): kept when that
// page itself names its account (the "user" message).
var pending = {};

function readUser() {
  if (currentUser !== null) return Promise.resolve(currentUser);
  return caches.open(STATE).then(function (cache) {
    return cache.match(STATE_URL);
  }).then(function (response) {
    return response ? response.json() : {};
  }).then(function (state) {
    currentUser = state.user || "";
    return currentUser;
  });
}

function writeUser(user) {
  currentUser = user;
  return caches.open(STATE).then(function (cache) {
    return cache.put(STATE_URL, new Response(JSON.stringify({ user: user }), {
      headers: { "Content-Type": "application/json" },
    }));
  });
}

// Delete the kept pages of every account but ``keep`` ("" deletes all).
function forgetPages(keep) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGES) === 0 && name !== PAGES + keep;
    }).map(function (name) { return caches.delete(name); }));
  });
}

function forgetSession() {
  // Nobody's from this moment: a page still on its way for the account that just left is not
  // kept when it arrives (keepPage checks the account right before it writes).
  currentUser = "";
  return forgetPages("").then(function () { return writeUser(""); });
}

function dropOld() {
  var now = Date.now();
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(PAGES) === 0; })
      .map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              return cache.match(request).then(function (response) {
                var at = response && Number(response.headers.get("X-Kept-At"));
                if (!at || now - at > MAX_AGE_MS) return cache.delete(request);
              });
            }));
          });
        });
      }));
  });
}

function trimStatic() {
  return caches.open(STATIC).then(function (cache) {
    return cache.keys().then(function (requests) {
      if (requests.length > MAX_STATIC_FILES) return caches.delete(STATIC);
      return null;
    });
  });
}

function isPage(url) {
  return url.origin === self.location.origin && KEPT_PAGE.test(url.pathname) && !url.search;
}

// A copy of a page worth keeping: a full answer to this account's request (not a redirect to the
// login page, not an error), stamped with the time it was kept.
function keepPage(user, request, response) {
  if (!user || !response.ok || response.redirected || response.type !== "basic") {
    return Promise.resolve();
  }
  if ((response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) {
    return Promise.resolve();
  }
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set("X-Kept-At", String(Date.now()));
    return caches.open(PAGES + user).then(function (cache) {
      // Logged out (or another account came) while this page was on its way: not kept.
      if (currentUser !== user) return null;
      return cache.put(request.url || request, new Response(body, {
        status: response.status, statusText: response.statusText, headers: headers,
      }));
    });
  });
}

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, NETWORK_TIMEOUT_MS);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
      function (error) { clearTimeout(timer); reject(error); });
  });
}

function pageNetworkFirst(event) {
  var request = event.request;
  return readUser().then(function (user) {
    var network = fetch(request);
    event.waitUntil(network.then(function (response) {
      var url = new URL(response.url || request.url);
      if (response.redirected && SESSION_CHANGE.test(url.pathname)) return forgetSession();
      if (!user) {
        pending[request.url] = response.clone();
        return null;
      }
      return keepPage(user, request, response.clone());
    }).catch(function () { /* offline: nothing to keep */ }));
    return withTimeout(network).catch(function (error) {
      if (!user) throw error;
      return caches.open(PAGES + user).then(function (cache) {
        return cache.match(request.url, { ignoreVary: true });
      }).then(function (kept) {
        if (kept) return kept;
        // Slow but not down: wait for the network after all.
        return network;
      });
    });
  });
}

// Static files: a hashed name from the cache first; others from the network, the cache when
// there is none.
function staticFile(request) {
  var url = new URL(request.url);
  return caches.open(STATIC).then(function (cache) {
    var fromNetwork = function () {
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") cache.put(request, response.clone());
        return response;
      });
    };
    if (HASHED.test(url.pathname)) {
      return cache.match(request).then(function (kept) { return kept || fromNetwork(); });
    }
    return fromNetwork().catch(function (error) {
      return cache.match(request).then(function (kept) {
        if (kept) return kept;
        throw error;
      });
    });
  });
}

// The static files a kept page uses (its scripts, styles and images; the fonts its styles use).
function keepStatic(urls) {
  return caches.open(STATIC).then(function (cache) {
    return Promise.all(urls.map(function (href) {
      var url = new URL(href, self.location.origin);
      if (url.origin !== self.location.origin || url.pathname.indexOf("/static/") !== 0) return null;
      return cache.match(url.href).then(function (kept) {
        if (kept && HASHED.test(url.pathname)) return kept;
        return fetch(url.href).then(function (response) {
          if (!response.ok) return null;
          var copy = response.clone();
          return cache.put(url.href, response).then(function () {
            if (!/\.css$/.test(url.pathname)) return null;
            return copy.text().then(function (css) {
              var inner = [];
              css.replace(/url\(\s*["']?([^"')]+)["']?\s*\)/g, function (_m, ref) {
                if (ref.indexOf("data:") !== 0) inner.push(new URL(ref, url.href).href);
                return "";
              });
              return keepStatic(inner);
            });
          });
        });
      }).catch(function () { return null; });
    }));
  });
}

function staticIn(html) {
  var urls = [];
  html.replace(/(?:src|href)="(\/static\/[^"]+)"/g, function (_m, href) {
    urls.push(href.replace(/&amp;/g, "&"));
    return "";
  });
  return urls;
}

// Pages a teacher's page names (the visit forms of the classroom): fetched now, while there is a
// signal, with the static files they use. One at a time; a page kept in the last hour is left.
function keepPages(user, urls) {
  return caches.open(PAGES + user).then(function (cache) {
    return urls.reduce(function (chain, href) {
      var url = new URL(href, self.location.origin);
      if (!isPage(url)) return chain;
      return chain.then(function () {
        return cache.match(url.href, { ignoreVary: true });
      }).then(function (kept) {
        var at = kept && Number(kept.headers.get("X-Kept-At"));
        if (at && Date.now() - at < 3600 * 1000) return null;
        return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok || response.redirected) return null;
          return response.clone().text().then(function (html) {
            return keepPage(user, new Request(url.href), response).then(function () {
              return keepStatic(staticIn(html));
            });
          });
        });
      }).catch(function () { return null; });
    }, Promise.resolve());
  });
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(Promise.all([self.clients.claim(), dropOld(), trimStatic()]));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "user" && typeof data.user === "string" && data.user) {
    var reply = event.ports && event.ports[0];
    var source = event.source && event.source.url;
    var fetched = source && pending[source];
    pending = {};
    event.waitUntil(readUser().then(function (previous) {
      if (previous === data.user) return null;
      return forgetPages(data.user).then(function () { return writeUser(data.user); });
    }).then(function () {
      return fetched ? keepPage(data.user, new Request(source), fetched) : null;
    }).then(trimStatic).then(function () {
      return Promise.all([
        keepStatic(data.assets || []),
        keepPages(data.user, data.pages || []),
      ]);
    }).then(function () {
      if (reply) reply.postMessage({ kept: true });
    }, function () {
      if (reply) reply.postMessage({ kept: false });
    }));
  } else if (data.type === "forget") {
    event.waitUntil(forgetSession());
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && SESSION_CHANGE.test(url.pathname)) {
    // Logging in or out: nobody's pages stay on the phone.
    event.waitUntil(forgetSession());
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && isPage(url)) {
    event.respondWith(pageNetworkFirst(event));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request));
  }
});
