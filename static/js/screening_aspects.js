// Aspect screening (screening/aspects/screening.html): typing a measured fact (a GPA, hours of
// gaming a day) ticks the indicators whose threshold it meets. Each indicator box carries
// data-fact, data-op (gt, ge, lt, le) and data-value; the fact's input carries data-fact-input.
(function () {
  function matches(op, value, threshold) {
    if (op === "gt") return value > threshold;
    if (op === "ge") return value >= threshold;
    if (op === "lt") return value < threshold;
    return value <= threshold;
  }
  document.querySelectorAll("[data-fact-input]").forEach(function (input) {
    input.addEventListener("input", function () {
      var value = parseFloat(input.value.replace(",", "."));
      if (isNaN(value)) return;
      document.querySelectorAll('input[data-fact="' + input.dataset.factInput + '"]').forEach(function (box) {
        box.checked = matches(box.dataset.op, value, parseFloat(box.dataset.value));
      });
    });
  });
})();
