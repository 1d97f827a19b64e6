// Behaviour every page shares. The Content-Security-Policy allows no inline script or event
// handler attribute, so templates mark elements with data-* attributes and this file acts on them.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (a button in <noscript>
  // does it without JavaScript).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  // <details data-keep-open>: its summary looks like the action's button ("Write the result and
  // close"), so it is used as one: a click opens the form if folded and never folds it when it is
  // shown; either way the form's first field comes into view with the focus.
  document.addEventListener("click", function (event) {
    var summary = event.target instanceof Element ? event.target.closest("summary") : null;
    var details = summary && summary.parentElement;
    if (!details || details.tagName !== "DETAILS" || !details.hasAttribute("data-keep-open")) return;
    if (summary !== details.querySelector(":scope > summary")) return;
    event.preventDefault();
    details.open = true;
    var field = details.querySelector("textarea, select, input:not([type=hidden])");
    if (field) {
      field.focus({ preventScroll: true });
      field.scrollIntoView({ block: "center" });
    }
  });

  // Thai compounds kept on one line. Chromium breaks Thai where ICU's dictionary sees words, and
  // it splits these: ครัว|เรือน, มัน|สำปะหลัง, ตัว|ชี้|วัด. Each one in the page's text is wrapped in
  // <span class="th-word"> (white-space: nowrap, app.css): a line may break before or after it,
  // never inside, and the text is unchanged (copying, searching, screen readers). The list is
  // carecore/pdf_thai.py's THAI_COMPOUNDS, which the PDFs keep whole; the base template hands it
  // over as a JSON script (the thai_compounds_script tag).
  var listed = document.getElementById("thai-compounds");
  var THAI_WORDS = listed ? JSON.parse(listed.textContent) : [];
  var thaiWords = new RegExp(THAI_WORDS.slice().sort(function (a, b) { return b.length - a.length; }).join("|"), "g");
  // svg: an inline chart's <text> (a tagName in lower case) shows no HTML <span>.
  var SKIPPED = { SCRIPT: 1, STYLE: 1, TEXTAREA: 1, SELECT: 1, OPTION: 1, NOSCRIPT: 1, TEMPLATE: 1, PRE: 1, CODE: 1, svg: 1 };

  function skipped(node, root) {
    for (var el = node.parentElement; el; el = el.parentElement) {
      if (SKIPPED[el.tagName] || el.isContentEditable || el.classList.contains("th-word")) return true;
      if (el === root) break;
    }
    return false;
  }

  function keepThaiWords(root) {
    if (!root || !root.ownerDocument || !THAI_WORDS.length) return;
    var found = [];
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      thaiWords.lastIndex = 0;
      if (thaiWords.test(node.data) && !skipped(node, root)) found.push(node);
    }
    found.forEach(function (text) {
      var data = text.data, fragment = document.createDocumentFragment(), last = 0, match;
      thaiWords.lastIndex = 0;
      while ((match = thaiWords.exec(data))) {
        if (match.index > last) fragment.appendChild(document.createTextNode(data.slice(last, match.index)));
        var word = document.createElement("span");
        word.className = "th-word";
        word.textContent = match[0];
        fragment.appendChild(word);
        last = match.index + match[0].length;
      }
      if (last < data.length) fragment.appendChild(document.createTextNode(data.slice(last)));
      text.parentNode.replaceChild(fragment, text);
    });
  }

  keepThaiWords(document.body);
  // Content that htmx brings in later (filters, fragments).
  document.addEventListener("htmx:load", function (event) { keepThaiWords(event.target); });
})();
