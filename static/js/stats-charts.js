// 统计分析 charts (ECharts, vendored under static/vendor/echarts): the data is the page's own JSON.
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  ready(function () {
    var node = document.getElementById("stats-charts");
    if (!node || typeof echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      el.style.height = "320px";
      option.title = { text: el.getAttribute("data-title"), textStyle: { fontSize: 14 } };
      option.tooltip = option.tooltip || { trigger: "item" };
      echarts.init(el).setOption(option);
    }
    chart("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { top: 24, data: ["批次", "重复信访", "集体访", "越级访"] },
      grid: { top: 64, left: 40, right: 16, bottom: 32 },
      xAxis: { type: "category", data: data.trend.map(function (t) { return t.month; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "批次", type: "line", data: data.trend.map(function (t) { return t.received; }) },
        { name: "重复信访", type: "line", data: data.trend.map(function (t) { return t.repeat; }) },
        { name: "集体访", type: "line", data: data.trend.map(function (t) { return t.group_visits; }) },
        { name: "越级访", type: "line", data: data.trend.map(function (t) { return t.skip_level; }) }
      ]
    });
    chart("chart-category", {
      grid: { top: 40, left: 100, right: 16, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.category.map(function (c) { return c.name; }) },
      series: [{ type: "bar", data: data.category.map(function (c) { return c.batches; }) }]
    });
    chart("chart-channel", {
      series: [{ type: "pie", radius: ["30%", "60%"], top: 24,
        data: data.channel.map(function (c) { return { name: c.name, value: c.batches }; }) }]
    });
  });
}());
