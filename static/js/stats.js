/* The charts of the statistics pages (ECharts, served from static/vendor): the hand-over dashboard's two, and the
   register dashboard's rates by sub-region. The data comes from the page as <script type="application/json"
   id="stats-data"> (hand-over) or id="register-data"> (register), Django's json_script: CSP is script-src 'self', so
   nothing is inlined. Tooltips render in the canvas (renderMode "richText"): ECharts' HTML tooltips carry style=""
   attributes, which style-src 'self' refuses. A click on a bar or a month opens the page behind it (the
   sub-region's dashboard, or the list of people released that month). */
(function () {
  "use strict";

  var COLORS = {
    all: "#0b4a8b",
    key: "#c8102e",
    ordinary: "#2a9d8f",
    released: "#9db7d5",
    missed: "#d4a017",
    settlement: "#0b4a8b",
    assistance: "#2a9d8f",
  };

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value.toFixed(1) + "%";
  }

  function tooltip(formatter) {
    return { trigger: "axis", renderMode: "richText", formatter: formatter };
  }

  function openOnClick(chart, urls) {
    chart.on("click", function (params) {
      var url = urls[params.dataIndex];
      if (url) {
        window.location.assign(url);
      }
    });
    chart.getZr().on("mousemove", function (event) {
      chart.getZr().setCursorStyle(event.target ? "pointer" : "default");
    });
  }

  // On a phone the legend takes two lines: leave room for it above the plot (and above the target labels).
  function gridTop(node) {
    return node.clientWidth < 560 ? 76 : 44;
  }

  function targetLine(value, label, color) {
    return {
      silent: true,
      symbol: "none",
      lineStyle: { type: "dashed", color: color },
      label: { formatter: label, position: "insideEndTop", color: color },
      data: [{ yAxis: value }],
    };
  }

  // Category labels turn when they would not fit side by side.
  function rotateLabels(node, count) {
    return count > (node.clientWidth < 560 ? 3 : 6) ? 30 : 0;
  }

  function regionChart(node, data) {
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    var labels = data.labels;
    var regions = data.regions;
    var series = function (name, values, color, extra) {
      var base = {
        name: name,
        type: "bar",
        data: values,
        itemStyle: { color: color },
        barMaxWidth: 28,
      };
      return Object.assign(base, extra || {});
    };
    chart.setOption({
      color: [COLORS.all, COLORS.key, COLORS.ordinary],
      grid: { left: 48, right: 16, top: gridTop(node), bottom: 56 },
      legend: { top: 0 },
      tooltip: tooltip(function (params) {
        var head = params.length ? params[0].name : "";
        var i = params.length ? params[0].dataIndex : 0;
        return [head, labels.released + "：" + regions.released[i] + labels.people]
          .concat(params.map(function (p) { return p.seriesName + "：" + percent(p.value); }))
          .join("\n");
      }),
      xAxis: {
        type: "category",
        data: regions.names,
        axisLabel: { interval: 0, rotate: rotateLabels(node, regions.names.length) },
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        series(labels.handover_rate, regions.handover_rate, COLORS.all),
        series(labels.key_handover_rate, regions.key_handover_rate, COLORS.key, {
          markLine: targetLine(data.targets.key_handover_rate, labels.target_key, COLORS.key),
        }),
        series(labels.ordinary_handover_rate, regions.ordinary_handover_rate, COLORS.ordinary, {
          markLine: targetLine(data.targets.ordinary_handover_rate, labels.target_ordinary, COLORS.ordinary),
        }),
      ],
    });
    openOnClick(chart, regions.urls);
    return chart;
  }

  function trendChart(node, data) {
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    var labels = data.labels;
    var trend = data.trend;
    chart.setOption({
      grid: { left: 48, right: 48, top: gridTop(node), bottom: 40 },
      legend: { top: 0 },
      tooltip: tooltip(function (params) {
        var head = params.length ? params[0].name : "";
        return [head]
          .concat(
            params.map(function (p) {
              return p.seriesName + "：" + (p.seriesIndex === 2 ? percent(p.value) : p.value + labels.people);
            })
          )
          .join("\n");
      }),
      xAxis: { type: "category", data: trend.months, axisLabel: { formatter: function (v) { return v.slice(2); } } },
      yAxis: [
        { type: "value", name: labels.people, minInterval: 1, splitLine: { show: false } },
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        { name: labels.released, type: "bar", data: trend.released, itemStyle: { color: COLORS.released }, barMaxWidth: 24 },
        { name: labels.missed, type: "bar", data: trend.missed, itemStyle: { color: COLORS.missed }, barMaxWidth: 24 },
        {
          name: labels.handover_rate,
          type: "line",
          yAxisIndex: 1,
          data: trend.handover_rate,
          connectNulls: false,
          symbolSize: 7,
          itemStyle: { color: COLORS.all },
          lineStyle: { width: 2.5 },
        },
      ],
    });
    openOnClick(chart, trend.urls);
    return chart;
  }

  // The register dashboard: settlement and assistance rate of each sub-region against their targets (> 85 %,
  // > 95 %). A click on a bar opens that sub-region's dashboard.
  function registerChart(node, data) {
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    var labels = data.labels;
    var regions = data.regions;
    var bar = function (name, values, color, target, targetLabel) {
      return {
        name: name,
        type: "bar",
        data: values,
        itemStyle: { color: color },
        barMaxWidth: 32,
        markLine: targetLine(target, targetLabel, color),
      };
    };
    chart.setOption({
      color: [COLORS.settlement, COLORS.assistance],
      grid: { left: 48, right: 16, top: gridTop(node), bottom: 56 },
      legend: { top: 0 },
      tooltip: tooltip(function (params) {
        var head = params.length ? params[0].name : "";
        var i = params.length ? params[0].dataIndex : 0;
        return [head, labels.on_register + "：" + regions.on_register[i] + labels.people]
          .concat(params.map(function (p) { return p.seriesName + "：" + percent(p.value); }))
          .join("\n");
      }),
      xAxis: {
        type: "category",
        data: regions.names,
        axisLabel: { interval: 0, rotate: rotateLabels(node, regions.names.length) },
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        bar(labels.settlement_rate, regions.settlement_rate, COLORS.settlement,
          data.targets.settlement_rate, labels.target_settlement),
        bar(labels.assistance_rate, regions.assistance_rate, COLORS.assistance,
          data.targets.assistance_rate, labels.target_assistance),
      ],
    });
    openOnClick(chart, regions.urls);
    return chart;
  }

  function start() {
    if (!window.echarts) {
      return;
    }
    var charts = [];
    var handover = readData("stats-data");
    var register = readData("register-data");
    var regions = document.getElementById("chart-regions");
    var trend = document.getElementById("chart-trend");
    var registerNode = document.getElementById("chart-register");
    if (handover && regions) {
      charts.push(regionChart(regions, handover));
    }
    if (handover && trend) {
      charts.push(trendChart(trend, handover));
    }
    if (register && registerNode) {
      charts.push(registerChart(registerNode, register));
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
