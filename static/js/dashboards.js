// Dashboards: draw the charts from the page's {{ charts|json_script:"dashboard-charts" }} block
// into <canvas data-chart="groups|places|trend">. Every figure is also in a table on the page:
// without JavaScript (or Chart.js) nothing is lost.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var font = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.family = font;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false; // drawn at once (and screenshots show the real bars)

  // Group colours as the badges: normal green, at risk amber, problem red, special blue.
  var GROUP_COLOURS = ["#198754", "#ffc107", "#dc3545", "#0dcaf0", "#adb5bd"];
  var SERIES_COLOURS = ["#0d6efd", "#6f42c1", "#20c997", "#198754", "#ffc107", "#dc3545", "#0dcaf0"];

  function percent(value) {
    return value === null || value === undefined ? "—" : value.toFixed(1) + "%";
  }

  function canvas(name) {
    return document.querySelector('canvas[data-chart="' + name + '"]');
  }

  // The options of a chart in percent (0 to 100): the axis and the tooltips in %. A new object
  // for each chart: Chart.js writes its own defaults into the options it is given.
  function percentOptions() {
    return {
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + percent(c.raw); } } },
      },
    };
  }

  // Draw the chart data[name] into its canvas when the page has both: its labels, and the
  // datasets that datasetsOf makes of it.
  function draw(name, type, datasetsOf, options) {
    var target = canvas(name);
    var chart = data[name];
    if (!target || !chart) {
      return;
    }
    new Chart(target, {
      type: type,
      data: { labels: chart.labels, datasets: datasetsOf(chart) },
      options: options,
    });
  }

  draw("groups", "doughnut", function (chart) {
    return [{ data: chart.values, backgroundColor: GROUP_COLOURS }];
  }, { plugins: { legend: { position: "bottom" } } });

  draw("places", "bar", function (chart) {
    return chart.datasets.map(function (set, i) {
      return { label: set.label, data: set.data, backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length] };
    });
  }, percentOptions());

  draw("trend", "line", function (chart) {
    return chart.datasets.map(function (set, i) {
      var colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
      return {
        label: set.label,
        data: set.data,
        borderColor: colour,
        backgroundColor: colour,
        // The group shares dashed, the completion shares solid.
        borderDash: i >= 3 ? [5, 4] : [],
        spanGaps: true,
        tension: 0.2,
      };
    });
  }, percentOptions());
})();
