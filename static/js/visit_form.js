// The home-visit form on a phone with a weak signal.
//
// - Every change is kept in this browser (localStorage) until the server confirms the save, so
//   a dropped connection, a closed tab or a flat battery loses nothing typed. Photos stay in the
//   form while the page is open (they are too large to keep in the browser's storage).
// - Saving sends the form in the background; when the network fails, the form stays as it is,
//   says so, and sends again when the phone is back online.
// - "Use my current location" fills the coordinates and their accuracy from the phone.
// Without this script the form still works as an ordinary form.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  // A page shown after a confirmed save clears the draft it names.
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    try { localStorage.removeItem(el.getAttribute("data-clear-draft")); } catch (e) { /* private mode */ }
  });
  if (!form) return;

  var key = form.getAttribute("data-draft-key");
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var restoredBanner = document.getElementById("draft-restored");
  var offlineBanner = document.getElementById("save-offline");
  var pendingSubmitter = null;
  var sending = false;

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

  function store() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: snapshot() }));
    } catch (e) { /* storage full or private mode: the form still works */ }
  }

  function forget() {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function load() {
    try {
      var raw = localStorage.getItem(key);
      if (!raw) return null;
      var kept = JSON.parse(raw);
      if (!kept || !kept.data || Date.now() - kept.at > MAX_AGE_MS) { forget(); return null; }
      return kept.data;
    } catch (e) { return null; }
  }

  // --- restore what was typed and not confirmed -----------------------------------------------
  var initial = JSON.stringify(snapshot());
  var kept = load();
  if (kept && JSON.stringify(kept) !== initial) {
    // A form the server re-rendered after refusing a save is newer than the copy: keep it.
    var serverRefused = document.querySelector(".invalid-feedback, #stale");
    if (!serverRefused) {
      apply(kept);
      if (restoredBanner) restoredBanner.classList.remove("d-none");
    }
  }
  if (restoredBanner) {
    var discard = restoredBanner.querySelector("[data-discard-draft]");
    if (discard) discard.addEventListener("click", function () {
      forget();
      window.location.reload();
    });
  }
  form.addEventListener("input", store);
  form.addEventListener("change", store);

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
  toggleByMode();

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
  showPerPerson();

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
      store();
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
  function send() {
    if (sending) return;
    sending = true;
    var body = new FormData(form);
    if (pendingSubmitter && pendingSubmitter.name) body.append(pendingSubmitter.name, pendingSubmitter.value);
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    // (form.action would be the buttons named "action", not the address.)
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "visit-form" },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") !== -1) {
        return response.json().then(function (answer) {
          forget();
          window.location.assign(answer.url);
        });
      }
      // The server refused (a mistake in the form, or a co-advisor saved first): let it show
      // its page the ordinary way; the copy in this browser stays until a save is confirmed.
      sending = false;
      form.removeEventListener("submit", onSubmit);
      if (pendingSubmitter && pendingSubmitter.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = pendingSubmitter.name; hidden.value = pendingSubmitter.value;
        form.appendChild(hidden);
      }
      form.submit();
    }).catch(function () {
      // No connection: nothing is lost; try again when the phone is back online.
      sending = false;
      buttons.forEach(function (b) { b.disabled = false; });
      store();
      if (offlineBanner) {
        offlineBanner.classList.remove("d-none");
        offlineBanner.scrollIntoView({ behavior: "smooth", block: "center" });
      }
      window.addEventListener("online", send, { once: true });
    });
  }

  function onSubmit(event) {
    event.preventDefault();
    pendingSubmitter = event.submitter || pendingSubmitter;
    store();
    send();
  }
  form.addEventListener("submit", onSubmit);
})();
