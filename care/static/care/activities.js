// Recording a care activity: show the fields of the chosen kind, tick or untick every student,
// filter the checklist by name. Without JavaScript every field is shown and the form still works.
(function () {
  "use strict";
  const form = document.getElementById("activity-form");
  if (!form) return;

  function currentKind() {
    const checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "";
  }

  function showKind() {
    const kind = currentKind();
    form.querySelectorAll("[data-kinds]").forEach(function (section) {
      const kinds = section.getAttribute("data-kinds").split(" ");
      section.hidden = kind !== "" && kinds.indexOf(kind) === -1;
    });
  }

  const boxes = Array.from(form.querySelectorAll('input[name="students"]'));
  const counter = form.querySelector("[data-ticked-count]");
  function count() {
    if (!counter) return;
    const ticked = boxes.filter(function (b) { return b.checked; }).length;
    counter.textContent = ticked + " / " + boxes.length;
  }

  form.querySelectorAll(".js-only").forEach(function (el) { el.classList.remove("d-none"); });
  form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  form.querySelectorAll("[data-tick]").forEach(function (button) {
    button.addEventListener("click", function () {
      const on = button.getAttribute("data-tick") === "all";
      boxes.forEach(function (b) {
        if (!b.closest("label").classList.contains("d-none")) b.checked = on;
      });
      count();
    });
  });
  const filter = form.querySelector("[data-filter]");
  if (filter) {
    filter.addEventListener("input", function () {
      const text = filter.value.trim().toLowerCase();
      form.querySelectorAll(".student-checklist label").forEach(function (label) {
        label.classList.toggle(
          "d-none",
          text !== "" && label.getAttribute("data-name").toLowerCase().indexOf(text) === -1
        );
      });
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", count); });
  showKind();
  count();
})();
