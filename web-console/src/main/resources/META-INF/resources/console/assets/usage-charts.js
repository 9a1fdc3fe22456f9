// Draws the usage charts from the series the page carries in #usage-charts' data-chart attribute.
// Each chart is kept in window.berthCharts under its name, so a test (or a curious admin) can read
// what was drawn.
(function () {
  "use strict";
  var holder = document.getElementById("usage-charts");
  if (!holder || typeof uPlot === "undefined") {
    return;
  }
  var data = JSON.parse(holder.dataset.chart);
  var hourly = data.period === "hour";
  // Colours chosen for contrast on white (each at least 4.5:1) and told apart by dash too.
  var charts = [
    { name: "cpu", unit: "s", series: [["CPU seconds", data.cpuSeconds, "#0b5cad", null]] },
    { name: "memory", unit: "MiB", series: [["Peak memory MiB", data.peakMemoryMiB, "#6f42c1", null]] },
    { name: "jobs", unit: "", series: [
      ["Started", data.started, "#0b5cad", null],
      ["Succeeded", data.succeeded, "#1a7f37", [6, 3]],
      ["Failed", data.failed, "#a40e26", [2, 2]],
      ["Cancelled", data.cancelled, "#7a5a00", [8, 2, 2, 2]]] },
    { name: "wait", unit: "s", series: [
      ["Mean wait s", data.queueWaitMeanSeconds, "#0b5cad", null],
      ["Max wait s", data.queueWaitMaxSeconds, "#9a3412", [6, 3]]] }
  ];
  window.berthCharts = {};

  function width(target) {
    return Math.max(240, Math.floor(target.getBoundingClientRect().width));
  }

  charts.forEach(function (chart) {
    var target = document.getElementById("chart-" + chart.name);
    var series = [{ label: hourly ? "Hour (UTC)" : "Day (UTC)", value: hourly ? "{YYYY}-{MM}-{DD} {HH}:00" : "{YYYY}-{MM}-{DD}" }];
    chart.series.forEach(function (s) {
      series.push({ label: s[0], stroke: s[2], width: 2, dash: s[3] || undefined, points: { show: true, size: 5 },
        value: function (u, v) { return v == null ? "—" : (Math.round(v * 100) / 100) + (chart.unit ? " " + chart.unit : ""); } });
    });
    var options = {
      width: width(target),
      height: 200,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      series: series,
      scales: { y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
      axes: [{}, { size: 56 }]
    };
    var plot = new uPlot(options, [data.times].concat(chart.series.map(function (s) { return s[1]; })), target);
    window.berthCharts[chart.name] = plot;
  });

  window.addEventListener("resize", function () {
    Object.keys(window.berthCharts).forEach(function (name) {
      var plot = window.berthCharts[name];
      plot.setSize({ width: width(document.getElementById("chart-" + name)), height: 200 });
    });
  });
})();
