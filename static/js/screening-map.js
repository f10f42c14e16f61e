// 作战示意图 on the office's own GeoJSON: townships coloured by their worst open grade, disputes as points.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("map-canvas");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || !window.echarts) { return; }
  var data = JSON.parse(dataEl.textContent);
  if (!data.geojson) { return; }
  var name = el.getAttribute("data-geo-name");
  var byCode = {};
  data.tiles.forEach(function (t) { byCode[t.area] = t; });
  data.geojson.features.forEach(function (f) {
    var t = byCode[f.properties.code];
    f.properties.name = t ? t.name : f.properties.code;
  });
  echarts.registerMap(name, data.geojson);
  var chart = echarts.init(el);
  var regions = data.tiles.map(function (t) {
    return { name: t.name, itemStyle: { areaColor: t.color }, url: "/screening/?area=" + t.area + "&state=open" };
  });
  chart.setOption({
    tooltip: {
      formatter: function (p) {
        var t = data.tiles.filter(function (x) { return x.name === p.name; })[0];
        if (p.seriesType === "scatter") { return p.name; }
        return t ? t.name + "<br>排查 " + t.screened + " · 挂图 " + t.marked + " · 化解 " + t.resolved + " · 未化解 " + t.open : p.name;
      }
    },
    geo: { map: name, roam: true, regions: regions, label: { show: true }, emphasis: { label: { show: true } } },
    series: [{
      type: "scatter", coordinateSystem: "geo", symbolSize: 9,
      data: data.points.map(function (p) { return { name: p.name, value: p.value, url: p.url, itemStyle: { color: p.grade } }; })
    }]
  });
  chart.on("click", function (p) {
    if (p.data && p.data.url) { window.location.href = p.data.url; return; }
    var t = data.tiles.filter(function (x) { return x.name === p.name; })[0];
    if (t) { window.location.href = "/screening/?area=" + t.area + "&state=open"; }
  });
  var exportBtn = document.getElementById("map-export");
  if (exportBtn) {
    exportBtn.addEventListener("click", function () {
      var a = document.createElement("a");
      a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      a.download = name + ".png";
      a.click();
    });
  }
});
