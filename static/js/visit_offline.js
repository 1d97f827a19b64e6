// Home visits with no signal, shared by the visit pages (the classroom's progress, a student's
// visits, the form, a saved visit). Loaded by visits/_offline.html, whose status line names the
// account (an opaque key, never a name) and the service worker.
//
// - Registers the service worker (/sw.js) and tells it whose pages these are and which visit
//   forms this page links to, so that they open with no signal (docs/visits.md).
// - The queue: a visit form the teacher filled is kept in IndexedDB (database "carecare-visits",
//   one entry per form: its address, the answers, the photos as small JPEG Blobs) until the
//   server confirms the save. Entries still waiting are sent when a visit page opens with a
//   signal and when the phone comes back online; each send asks for a fresh CSRF token, because
//   the one in a kept page may be stale. The form sends the same client_key each time, so a
//   form sent twice is saved once (visits.services.visit_save).
// - The status line (#offline-status) says what is kept and what was sent.
// Exposes window.VisitOffline for visit_form.js.
(function () {
  "use strict";
  // The status line carries the settings (visits/_offline.html, above this script).
  var statusEl = document.getElementById("offline-status");
  var user = statusEl ? statusEl.getAttribute("data-user") || "" : "";
  var workerUrl = statusEl ? statusEl.getAttribute("data-sw") : null;
  var DB_NAME = "carecare-visits";
  var STORE = "forms";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var JUST_SENT = "carecare-visits-just-sent";
  var FORM_LINK = /\/visits\/(students\/\d+\/new|\d+\/edit)\/$/;

  // --- IndexedDB ----------------------------------------------------------------------------
  // "forms": one entry per form (its address, state and answers, the photos' sizes);
  // "photos": the photos' Blobs under "<entry key>|<kind>", written only when a photo changes
  // (typing rewrites the small entry, never the photos).
  var PHOTOS = "photos";
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        var request = indexedDB.open(DB_NAME, 2);
        request.onupgradeneeded = function () {
          var database = request.result;
          if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE, { keyPath: "key" });
          if (!database.objectStoreNames.contains(PHOTOS)) database.createObjectStore(PHOTOS);
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  // ``work(forms, photos)`` in one transaction; resolves with the .result of what it returns.
  function run(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction([STORE, PHOTOS], mode);
        var result = work(tx.objectStore(STORE), tx.objectStore(PHOTOS));
        tx.oncomplete = function () {
          if (result && typeof result.then === "function") { result.then(resolve, reject); return; }
          resolve(result && "result" in result ? result.result : undefined);
        };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function keyOf(draftKey) { return user + "|" + draftKey; }
  function photoRange(key) { return IDBKeyRange.bound(key + "|", key + "|\uffff"); }

  // The entry with its photos' Blobs (entry.photos[kind].blob), or undefined.
  function get(draftKey) {
    var key = keyOf(draftKey);
    var entry, blobs = {};
    return run("readonly", function (forms, photos) {
      forms.get(key).onsuccess = function (e) { entry = e.target.result; };
      photos.openCursor(photoRange(key)).onsuccess = function (e) {
        var cursor = e.target.result;
        if (!cursor) return;
        blobs[cursor.key.slice(key.length + 1)] = cursor.value;
        cursor.continue();
      };
    }).then(function () {
      if (!entry) return entry;
      Object.keys(entry.photos || {}).forEach(function (kind) {
        if (blobs[kind]) entry.photos[kind].blob = blobs[kind];
        else delete entry.photos[kind];
      });
      return entry;
    });
  }

  // Keep the form; its photos' Blobs too when ``withPhotos``.
  function put(entry, withPhotos) {
    var key = keyOf(entry.draftKey);
    var meta = { key: key, user: user, at: Date.now(), photos: {} };
    Object.keys(entry).forEach(function (name) { if (!(name in meta)) meta[name] = entry[name]; });
    meta.photos = {};
    Object.keys(entry.photos || {}).forEach(function (kind) {
      var photo = entry.photos[kind];
      meta.photos[kind] = {
        name: photo.name,
        type: photo.blob ? photo.blob.type : photo.type,
        size: photo.blob ? photo.blob.size : photo.size,
        width: photo.width, height: photo.height, before: photo.before,
      };
    });
    return run("readwrite", function (forms, photos) {
      forms.put(meta);
      if (!withPhotos) return;
      photos.delete(photoRange(key));
      Object.keys(entry.photos || {}).forEach(function (kind) {
        photos.put(entry.photos[kind].blob, key + "|" + kind);
      });
    });
  }

  function removeKey(forms, photos, key) {
    forms.delete(key);
    photos.delete(photoRange(key));
  }
  function remove(draftKey) {
    return run("readwrite", function (forms, photos) { removeKey(forms, photos, keyOf(draftKey)); });
  }
  function all() { return run("readonly", function (forms) { return forms.getAll(); }); }

  // Entries left too long (any account's) go: children's data does not stay on a phone forever.
  function dropOld() {
    return all().then(function (entries) {
      var old = entries.filter(function (e) { return Date.now() - e.at > MAX_AGE_MS; });
      if (!old.length) return null;
      return run("readwrite", function (forms, photos) {
        old.forEach(function (e) { removeKey(forms, photos, e.key); });
      });
    });
  }

  function mine() {
    return all().then(function (entries) {
      return entries.filter(function (e) { return e.user === user; });
    });
  }

  // --- sending --------------------------------------------------------------------------------
  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function Refusal(reason, response) { this.reason = reason; this.response = response; }

  // A fresh token from the form's own page (and proof that the session is still open).
  function freshToken(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.redirected) throw new Refusal("login");
      if (response.status === 403 || response.status === 404) throw new Refusal("refused");
      if (!response.ok) throw new Refusal("error");
      return response.text();
    }).then(function (html) {
      var input = new DOMParser().parseFromString(html, "text/html")
        .querySelector("input[name=csrfmiddlewaretoken]");
      if (!input) throw new Refusal("error");
      return input.value;
    });
  }

  function body(entry, token) {
    var data = new FormData();
    Object.keys(entry.fields).forEach(function (name) {
      var value = entry.fields[name];
      (Array.isArray(value) ? value : [value]).forEach(function (v) { data.append(name, v); });
    });
    if (entry.submitter && entry.submitter.name) data.append(entry.submitter.name, entry.submitter.value);
    Object.keys(entry.photos || {}).forEach(function (kind) {
      var photo = entry.photos[kind];
      data.append(kind, photo.blob, photo.name || kind + ".jpg");
    });
    data.set("csrfmiddlewaretoken", token);
    return data;
  }

  function post(entry, token) {
    return fetch(entry.url, {
      method: "POST",
      body: body(entry, token),
      credentials: "same-origin",
      headers: { "X-Requested-With": "visit-form" },
    });
  }

  // Send one entry. Resolves {ok: true, url} when the server saved it (the entry is then gone),
  // else {ok: false, reason: "offline" | "login" | "refused" | "error", response}.
  function send(entry) {
    if (entry.photos && Object.keys(entry.photos).some(function (k) { return !entry.photos[k].blob; })) {
      return get(entry.draftKey).then(function (full) {
        return full ? send(full) : { ok: false, reason: "gone" };
      });
    }
    var token = cookieToken();
    var first = token ? post(entry, token) : Promise.resolve(null);
    return first.then(function (response) {
      // No cookie, or the server refused the token: ask for a fresh one and try once more.
      if (response && response.status !== 403) return response;
      return freshToken(entry.url).then(function (fresh) { return post(entry, fresh); });
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") !== -1) {
        return response.json().then(function (answer) {
          return remove(entry.draftKey).then(function () { return { ok: true, url: answer.url }; });
        });
      }
      if (response.redirected) return { ok: false, reason: "login", response: response };
      if ([400, 403, 404, 409].indexOf(response.status) !== -1) {
        return { ok: false, reason: "refused", response: response };
      }
      return { ok: false, reason: "error", response: response };
    }).catch(function (error) {
      return { ok: false, reason: error instanceof Refusal ? error.reason : "offline" };
    }).then(function (result) {
      if (result.reason === "refused") {
        entry.state = "refused";
        return put(entry, false).then(function () { return result; });
      }
      return result;
    });
  }

  // One sender at a time across this phone's tabs (the server would still save a form once).
  function exclusively(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("carecare-visit-queue", work);
    }
    return work();
  }

  var flushing = null;
  // Send every queued entry of this account; resolves with what happened.
  function flush() {
    if (!user || !navigator.onLine) return show();
    if (flushing) return flushing;
    flushing = exclusively(function () {
      return mine().then(function (entries) {
        var queued = entries.filter(function (e) { return e.state === "queued"; });
        if (!queued.length) return [];
        say("sending");
        return queued.reduce(function (chain, entry) {
          return chain.then(function (results) {
            return send(entry).then(function (r) { results.push(r); return results; });
          });
        }, Promise.resolve([]));
      });
    }).then(function (results) {
      flushing = null;
      var sent = results.filter(function (r) { return r.ok; }).length;
      var login = results.some(function (r) { return r.reason === "login"; });
      if (sent && !onForm()) {
        // The page's figures are older than what was just saved: show it again, saying so.
        try { sessionStorage.setItem(JUST_SENT, "1"); } catch (e) { /* private mode */ }
        window.location.reload();
        return show("sending");
      }
      return show(sent ? "sent" : login ? "login" : null);
    }, function () {
      flushing = null;
      return show();
    });
    return flushing;
  }

  // --- the status line --------------------------------------------------------------------------
  function say(kind, n) {
    if (!statusEl) return;
    var text = statusEl.getAttribute("data-msg-" + kind) || "";
    if (n > 1) text += " " + (statusEl.getAttribute("data-msg-count") || "").replace("%(n)s", n);
    statusEl.querySelector("[data-text]").textContent = text;
    statusEl.className = "alert py-2 mb-3 offline-" + kind + " " + ({
      queued: "alert-warning", sending: "alert-info", sent: "alert-success", refused: "alert-danger",
      login: "alert-warning", kept: "alert-secondary",
    }[kind] || "alert-secondary");
    statusEl.setAttribute("data-state", kind);
    statusEl.hidden = !text;
  }

  // What the line says now: what waits on this phone (``after``: what just happened).
  function show(after) {
    return mine().then(function (entries) {
      var queued = entries.filter(function (e) { return e.state === "queued"; });
      var refused = entries.filter(function (e) { return e.state === "refused"; });
      var links = statusEl && statusEl.querySelector("[data-links]");
      if (links) {
        links.textContent = "";
        refused.forEach(function (e) {
          var a = document.createElement("a");
          a.href = e.url;
          a.className = "alert-link d-block";
          a.textContent = e.title || e.url;
          links.appendChild(a);
        });
      }
      if (refused.length) say("refused", refused.length);
      else if (after === "login" && queued.length) say("login", queued.length);
      else if (queued.length) say(navigator.onLine ? "sending" : "queued", queued.length);
      else if (after === "sent") say("sent");
      else if (!navigator.onLine) say("kept");
      else if (statusEl) statusEl.hidden = true;
      return { queued: queued.length, refused: refused.length, after: after };
    }).catch(function () { return {}; });
  }

  // --- the service worker ---------------------------------------------------------------------
  function assets() {
    var urls = [];
    document.querySelectorAll("link[rel=stylesheet][href], script[src], img[src], link[rel=icon][href]")
      .forEach(function (el) { urls.push(el.getAttribute("href") || el.getAttribute("src")); });
    if (window.performance && performance.getEntriesByType) {
      performance.getEntriesByType("resource").forEach(function (r) { urls.push(r.name); });
    }
    return urls.filter(function (u) {
      try { return new URL(u, location.href).pathname.indexOf("/static/") === 0; } catch (e) { return false; }
    });
  }

  function formLinks() {
    var urls = [];
    document.querySelectorAll("a[href]").forEach(function (a) {
      var url = new URL(a.getAttribute("href"), location.href);
      if (url.origin === location.origin && FORM_LINK.test(url.pathname) && !url.search) urls.push(url.href);
    });
    return urls;
  }

  // Resolves when the service worker has the pages (tests wait for window.visitOfflineReady).
  function register() {
    if (!("serviceWorker" in navigator) || !user || !workerUrl) {
      return Promise.resolve(false);
    }
    var first = !navigator.serviceWorker.controller;
    return navigator.serviceWorker.register(workerUrl, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        if (!navigator.onLine) return false;
        var pages = formLinks();
        // The page itself goes through the worker from the next visit on; the first time, the
        // worker fetches it once.
        if (first) pages.unshift(location.href.split("#")[0]);
        return new Promise(function (resolve) {
          var channel = new MessageChannel();
          channel.port1.onmessage = function (event) { resolve(!!event.data.kept); };
          registration.active.postMessage(
            { type: "user", user: user, pages: pages, assets: assets() }, [channel.port2]);
        });
      }).catch(function () { return false; });
  }

  // --- on every visit page ----------------------------------------------------------------------
  window.VisitOffline = {
    user: user, get: get, put: put, remove: remove, send: send, flush: flush, show: show, say: say,
    exclusively: exclusively,
  };
  // The form sends its own entry itself (visit_form.js), then the rest.
  function onForm() { return !!document.getElementById("visit-form"); }

  function start() {
    // A page shown after a confirmed save clears the form's copy it names (the ordinary path).
    var cleared = Array.prototype.map.call(document.querySelectorAll("[data-clear-draft]"), function (el) {
      return remove(el.getAttribute("data-clear-draft"));
    });
    var justSent = false;
    try {
      justSent = sessionStorage.getItem(JUST_SENT) === "1";
      sessionStorage.removeItem(JUST_SENT);
    } catch (e) { /* private mode */ }
    // (tests wait for window.visitOfflineReady: the queue sent, the pages kept)
    window.visitOfflineReady = Promise.all(cleared).then(dropOld).catch(function () { /* no IndexedDB */ })
      .then(function () { return onForm() ? show() : flush(); })
      .then(function (shown) { return justSent && !shown.queued ? show("sent") : shown; })
      .then(register);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.addEventListener("online", function () { if (!onForm()) flush(); });
  window.addEventListener("offline", function () { show(); });
})();
