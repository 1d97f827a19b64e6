// Fast entry of screening answers from the keyboard.
// Item lists: typing an answer's key (0-2 for the SDQ, 1-4 for the EQ) while an item has focus
// picks that answer and moves to the next item. Grids: a typed digit moves to the next cell.
(function () {
  "use strict";

  function focusItem(fieldset) {
    if (!fieldset) return;
    const checked = fieldset.querySelector("input:checked") || fieldset.querySelector("input");
    if (checked) checked.focus();
    fieldset.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  document.querySelectorAll("[data-keyboard-items]").forEach(function (list) {
    const items = Array.from(list.querySelectorAll("[data-item]"));
    items.forEach(function (fieldset, index) {
      fieldset.addEventListener("keydown", function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey) return;
        const radio = fieldset.querySelector('input[value="' + event.key + '"]');
        if (!radio) return;
        event.preventDefault();
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        focusItem(items[index + 1]);
      });
    });
  });

  document.querySelectorAll("[data-grid]").forEach(function (grid) {
    const cells = Array.from(grid.querySelectorAll("input.grid-cell"));
    cells.forEach(function (cell, index) {
      cell.addEventListener("input", function () {
        const value = cell.value.trim();
        cell.classList.toggle("is-invalid", value !== "" && !/^[0-2]$/.test(value));
        if (/^[0-2]$/.test(value) && cells[index + 1]) {
          cells[index + 1].focus();
          cells[index + 1].select();
        }
      });
      cell.addEventListener("keydown", function (event) {
        if (event.key === "Backspace" && cell.value === "" && cells[index - 1]) {
          event.preventDefault();
          cells[index - 1].focus();
          cells[index - 1].select();
        } else if (event.key === "ArrowLeft" && cells[index - 1]) {
          cells[index - 1].focus();
        } else if (event.key === "ArrowRight" && cells[index + 1]) {
          cells[index + 1].focus();
        }
      });
    });
  });
})();
