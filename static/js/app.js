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
})();
