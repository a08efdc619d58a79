// The throughput chart: an SVG line per outcome, 10-second bins of records/s over the last 5 minutes.
// Each line has its own dash pattern and a text legend, so no outcome is told by colour alone.
"use strict";

const ThroughputChart = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const BIN = 10;
  const WIDTH = 520, HEIGHT = 170, LEFT = 34, BOTTOM = 18, TOP = 6;
  const SERIES = [
    { key: "processed", label: "processed", dash: "" },
    { key: "failed_transient", label: "failed (retried)", dash: "6 3" },
    { key: "dead_lettered", label: "dead-lettered", dash: "2 3" },
    { key: "skipped", label: "skipped (timeout)", dash: "10 3 2 3" },
  ];

  function node(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    Object.entries(attributes).forEach(([key, value]) => element.setAttribute(key, String(value)));
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function bins(values) {
    const result = [];
    for (let start = 0; start < values.length; start += BIN) {
      const chunk = values.slice(start, start + BIN);
      result.push(chunk.reduce((sum, value) => sum + value, 0) / BIN);
    }
    return result;
  }

  function draw(svg, legend, summary, throughput) {
    const series = SERIES.map((s) => ({ ...s, points: bins(throughput.series[s.key] || []),
      window: (throughput.series[s.key] || []).reduce((a, b) => a + b, 0) }));
    const peak = Math.max(1, ...series.flatMap((s) => s.points));
    const count = Math.max(1, series[0].points.length - 1);
    const x = (i) => LEFT + (i / count) * (WIDTH - LEFT - 4);
    const y = (v) => HEIGHT - BOTTOM - (v / peak) * (HEIGHT - BOTTOM - TOP);
    svg.replaceChildren(
      node("line", { class: "axis", x1: LEFT, y1: HEIGHT - BOTTOM, x2: WIDTH, y2: HEIGHT - BOTTOM }),
      node("line", { class: "axis", x1: LEFT, y1: TOP, x2: LEFT, y2: HEIGHT - BOTTOM }),
      node("text", { x: 2, y: TOP + 8 }, peak.toFixed(peak < 10 ? 1 : 0)),
      node("text", { x: 2, y: HEIGHT - BOTTOM }, "0"),
      node("text", { x: LEFT, y: HEIGHT - 4 }, `-${Math.round(throughput.seconds / 60)} min`),
      node("text", { x: WIDTH - 24, y: HEIGHT - 4 }, "now"),
      ...series.map((s) => node("polyline", {
        class: `s-${s.key}`, "data-series": s.key, "data-window-total": s.window,
        "stroke-dasharray": s.dash, points: s.points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "),
      })),
    );
    legend.replaceChildren(...series.map((s) => {
      const item = document.createElement("li");
      const swatch = node("svg", { width: 26, height: 8, "aria-hidden": "true" });
      swatch.append(node("line", { class: `s-${s.key}`, x1: 0, y1: 4, x2: 26, y2: 4, "stroke-width": 2,
        "stroke-dasharray": s.dash }));
      item.append(swatch, ` ${s.label}: ${s.window} in 5 min, ${throughput.totals[s.key]} total`);
      item.dataset.series = s.key;
      return item;
    }));
    summary.textContent = series.map((s) => `${s.label} ${s.window} in the last 5 minutes`).join("; ");
  }

  return { draw };
})();
