// The home-visit form on a phone with a weak signal or none (see also visit_offline.js).
//
// - Every change, and every photo, is kept in this browser (IndexedDB, one entry per form) until
//   the server confirms the save, so a dropped connection, a closed tab or a flat battery loses
//   nothing typed nor photographed.
// - A photo is made smaller on the phone (at most 1600 px on its long side, JPEG): the copy kept
//   and sent is a few hundred KB instead of the camera's 5-25 MB, without the camera's metadata.
// - Saving sends the form in the background. With no signal the form is queued: the status line
//   says it is saved on this phone, and it is sent when the signal returns (this page, or any
//   visit page opened later). The form's client_key makes the server save it once.
// - "Use my current location" fills the coordinates and their accuracy from the phone.
// Without this script the form still works as an ordinary form.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var store = window.VisitOffline;

  var draftKey = form.getAttribute("data-draft-key");
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var restoredBanner = document.getElementById("draft-restored");
  var pendingSubmitter = null;
  var sending = false;
  var state = "draft";
  var photos = {}; // kind -> {blob, name, width, height, before: {size, width, height}}
  var fileInputs = Array.prototype.filter.call(form.elements, function (el) { return el.type === "file"; });

  function fieldsToKeep() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.name !== "csrfmiddlewaretoken";
    });
  }

  function snapshot() {
    var data = {};
    fieldsToKeep().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function apply(data) {
    fieldsToKeep().forEach(function (el) {
      if (!(el.name in data)) return;
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
  }

  function entry() {
    return {
      draftKey: draftKey,
      // (form.action would be the buttons named "action", not the address.)
      url: new URL(form.getAttribute("action") || window.location.href, window.location.href).href.split("#")[0],
      title: form.getAttribute("data-title") || document.title,
      state: state,
      fields: snapshot(),
      submitter: pendingSubmitter && pendingSubmitter.name
        ? { name: pendingSubmitter.name, value: pendingSubmitter.value } : null,
      photos: photos,
    };
  }

  // Resolves true when the form is kept on the phone (its photos too when ``withPhotos``: typing
  // rewrites the answers only).
  function save(withPhotos) {
    if (!store) return Promise.resolve(false);
    return store.put(entry(), withPhotos === true).then(function () { return true; }, function () {
      return false; // storage full or refused: the form still works as an ordinary form
    });
  }

  var timer = null;
  function saveSoon() {
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, 400);
  }

  function forget() {
    clearTimeout(timer);
    return store ? store.remove(draftKey).catch(function () {}) : Promise.resolve();
  }

  // --- photos: smaller on the phone -------------------------------------------------------------
  function megabytes(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + "\u00a0MB" : Math.max(1, Math.round(bytes / 1024)) + "\u00a0KB";
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return createImageBitmap(file);
      });
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      var url = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image")); };
      img.src = url;
    });
  }

  // The photo as a JPEG of at most MAX_SIDE pixels on its long side (re-drawn on a canvas, so
  // the camera's metadata, the GPS position among it, stays behind).
  function shrink(file) {
    return decode(file).then(function (image) {
      var width = image.width, height = image.height;
      var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) image.close();
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (!blob) { reject(new Error("no JPEG")); return; }
          resolve({
            blob: blob,
            name: (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg",
            width: canvas.width,
            height: canvas.height,
            before: { size: file.size, width: width, height: height },
          });
        }, "image/jpeg", QUALITY);
      });
    });
  }

  function note(input) {
    var el = input.parentNode.querySelector("[data-photo-note]");
    if (!el) {
      el = document.createElement("div");
      el.className = "form-text d-flex align-items-center gap-2 mb-2";
      el.setAttribute("data-photo-note", "");
      input.parentNode.appendChild(el);
    }
    return el;
  }

  function showPhoto(input) {
    var photo = photos[input.name];
    var el = photo ? note(input) : input.parentNode.querySelector("[data-photo-note]");
    if (el) el.textContent = "";
    if (!photo) return;
    var img = document.createElement("img");
    img.src = URL.createObjectURL(photo.blob);
    img.alt = "";
    img.width = 64;
    img.className = "rounded";
    var text = document.createElement("span");
    text.textContent = photo.before
      ? form.getAttribute("data-msg-photo-smaller")
        .replace("%(before)s", photo.before.width + "×" + photo.before.height + ", " + megabytes(photo.before.size))
        .replace("%(after)s", photo.width + "×" + photo.height + ", " + megabytes(photo.blob.size))
      : megabytes(photo.blob.size);
    el.appendChild(img);
    el.appendChild(text);
  }

  // Put the kept photo back into its file box (an ordinary submit then sends the small copy).
  function attach(input) {
    var photo = photos[input.name];
    if (!photo || !window.DataTransfer) return;
    try {
      var files = new DataTransfer();
      files.items.add(new File([photo.blob], photo.name, { type: photo.blob.type || "image/jpeg" }));
      input.files = files.files;
    } catch (e) { /* an older browser: the photo is still sent from the queue */ }
  }

  fileInputs.forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { delete photos[input.name]; showPhoto(input); save(true); return; }
      note(input).textContent = form.getAttribute("data-msg-photo-shrinking");
      shrink(file).catch(function () {
        // Not something this browser can draw: keep the file as it is (the server decides).
        return { blob: file, name: file.name, width: 0, height: 0, before: null };
      }).then(function (photo) {
        photos[input.name] = photo;
        attach(input);
        showPhoto(input);
        save(true);
      });
    });
  });

  // --- restore what was typed and not confirmed -----------------------------------------------
  var clientKey = form.elements.client_key;
  var serverRefused = document.querySelector(".invalid-feedback, #stale");

  function legacyDraft() {
    // What the earlier version of this script kept in localStorage (answers only).
    try {
      var raw = localStorage.getItem(draftKey);
      if (!raw) return null;
      localStorage.removeItem(draftKey);
      var kept = JSON.parse(raw);
      return kept && kept.data ? { state: "draft", fields: kept.data, photos: {} } : null;
    } catch (e) { return null; }
  }

  function restore(kept) {
    var initial = JSON.stringify(snapshot());
    if (!kept) kept = legacyDraft();
    if (!kept) {
      // A fresh form (maybe the copy kept on the phone, opened again): a key of its own, so
      // that two visits recorded with no signal are two visits.
      if (!serverRefused && clientKey && window.crypto && crypto.randomUUID) clientKey.value = crypto.randomUUID();
      return;
    }
    state = kept.state === "refused" ? "draft" : kept.state || "draft";
    photos = kept.photos || {};
    if (kept.submitter) pendingSubmitter = kept.submitter;
    // A form the server re-rendered after refusing a save is newer than the copy: keep it.
    if (!serverRefused && JSON.stringify(kept.fields) !== initial) apply(kept.fields);
    fileInputs.forEach(function (input) { attach(input); showPhoto(input); });
    if (restoredBanner && !serverRefused && state === "draft") restoredBanner.classList.remove("d-none");
    if (kept.state === "refused") save(false).then(function () { store.show(); });
  }

  if (restoredBanner) {
    var discard = restoredBanner.querySelector("[data-discard-draft]");
    if (discard) discard.addEventListener("click", function () {
      photos = {};
      forget().then(function () { window.location.reload(); });
    });
  }
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", function (e) { if (e.target.type !== "file") saveSoon(); });

  // --- show the remote-visit reason only for phone and video visits ---------------------------
  function toggleByMode() {
    var checked = form.querySelector("input[name=mode]:checked");
    var mode = checked ? checked.value : "home";
    document.querySelectorAll("[data-show-when]").forEach(function (el) {
      var spec = el.getAttribute("data-show-when").split(":");
      var show = spec[1].split(",").indexOf(mode) !== -1;
      el.classList.toggle("d-none", !show);
    });
  }
  form.addEventListener("change", function (e) { if (e.target.name === "mode") toggleByMode(); });

  // --- income per person ------------------------------------------------------------------------
  var perPerson = document.getElementById("income-per-person");
  function showPerPerson() {
    if (!perPerson) return;
    var income = parseInt(form.elements.income_per_month.value, 10);
    var size = parseInt(form.elements.household_size.value, 10);
    if (income >= 0 && size > 0) {
      var baht = Math.round(income / size).toLocaleString(document.documentElement.lang === "th" ? "th-TH" : "en-US");
      perPerson.textContent = perPerson.getAttribute("data-template").replace("%(baht)s", baht);
    } else {
      perPerson.textContent = "";
    }
  }
  form.addEventListener("input", function (e) {
    if (e.target.name === "income_per_month" || e.target.name === "household_size") showPerPerson();
  });

  // --- location from the phone --------------------------------------------------------------------
  var locate = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  function say(text) { if (status) status.textContent = text; }
  if (locate) locate.addEventListener("click", function () {
    if (!navigator.geolocation) { say(form.getAttribute("data-msg-geo-unsupported")); return; }
    say(form.getAttribute("data-msg-locating"));
    locate.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      locate.disabled = false;
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      var accuracy = Math.round(pos.coords.accuracy);
      form.elements.location_accuracy_m.value = accuracy;
      form.elements.location_source.value = "device";
      say(form.getAttribute("data-msg-located") + " " +
          form.getAttribute("data-msg-accuracy").replace("%(m)s", accuracy));
      save(false);
    }, function () {
      locate.disabled = false;
      say(form.getAttribute("data-msg-geo-denied"));
      form.elements.latitude.focus();
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
  // Typing coordinates by hand makes them typed (and their accuracy unknown).
  ["latitude", "longitude"].forEach(function (name) {
    var el = form.elements[name];
    if (el) el.addEventListener("input", function () {
      form.elements.location_source.value = "typed";
      form.elements.location_accuracy_m.value = "";
    });
  });

  // --- saving -----------------------------------------------------------------------------------
  var buttons = form.querySelectorAll("button[type=submit]");
  var statusLine = document.getElementById("offline-status");

  function queued() {
    // Kept on the phone: the status line says so, and the form goes when the signal returns.
    sending = false;
    buttons.forEach(function (b) { b.disabled = false; });
    if (store) store.show();
    if (statusLine) statusLine.scrollIntoView({ behavior: "smooth", block: "center" });
    window.addEventListener("online", send, { once: true });
  }

  // The server refused (a mistake in the form, or a co-advisor saved first): let it show its
  // page the ordinary way, with the photos put back in their boxes; the copy in this browser
  // stays until a save is confirmed.
  function submitOrdinarily() {
    form.removeEventListener("submit", onSubmit);
    var token = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1];
    if (token && form.elements.csrfmiddlewaretoken) form.elements.csrfmiddlewaretoken.value = decodeURIComponent(token);
    if (pendingSubmitter && pendingSubmitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = pendingSubmitter.name; hidden.value = pendingSubmitter.value;
      form.appendChild(hidden);
    }
    form.submit();
  }

  function send() {
    if (sending) return;
    if (!store) { submitOrdinarily(); return; }
    if (!navigator.onLine) { queued(); return; }
    sending = true;
    buttons.forEach(function (b) { b.disabled = true; });
    store.say("sending");
    store.exclusively(function () {
      // (another tab may have sent it meanwhile)
      return store.get(draftKey).then(function (kept) {
        return kept && kept.state === "queued" ? store.send(kept) : { ok: false, reason: "gone" };
      });
    }).then(function (result) {
      if (result.ok) {
        window.location.assign(result.url);
        return;
      }
      if (result.reason === "refused") {
        state = "draft";
        save(false).then(submitOrdinarily);
        return;
      }
      if (result.reason === "gone") {
        sending = false;
        store.show("sent");
        return;
      }
      if (result.reason === "login") {
        sending = false;
        buttons.forEach(function (b) { b.disabled = false; });
        store.show("login");
        return;
      }
      queued(); // no connection, or the server is down: try again when the signal returns
    }, queued).then(function () {
      if (store && !sending) store.flush(); // the other forms kept on this phone
    });
  }

  function onSubmit(event) {
    event.preventDefault();
    pendingSubmitter = event.submitter || pendingSubmitter;
    state = "queued";
    save(true).then(function (kept) {
      if (kept) send();
      else submitOrdinarily(); // nothing can be kept on this phone: the browser's own way
    });
  }
  form.addEventListener("submit", onSubmit);

  // --- start ----------------------------------------------------------------------------------------
  toggleByMode();
  showPerPerson();
  (store ? store.get(draftKey).catch(function () { return null; }) : Promise.resolve(null))
    .then(restore)
    .then(function () {
      toggleByMode();
      showPerPerson();
      if (state === "queued") send();
    });
})();
