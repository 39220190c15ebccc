// Charts as SVG, drawn with DOM calls (never markup strings, no library): line
// charts over the periods and a horizontal bar chart for a waterfall.
// Every chart carries a <title> and <desc> for screen readers, and the
// figures are also in the tables next to it.

const NS = "http://www.w3.org/2000/svg";
const COLORS = ["#0b5cad", "#c2410c", "#1f7a3d", "#7e22ce", "#a4262c", "#0e7490", "#8a5a00"];

function el(name, attrs = {}, ...children) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c);
  return e;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function svgRoot(title, desc, w, h) {
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart", role: "img" });
  const id = "c" + Math.random().toString(36).slice(2);
  svg.setAttribute("aria-labelledby", id + "t " + id + "d");
  svg.append(el("title", { id: id + "t" }, title), el("desc", { id: id + "d" }, desc));
  return svg;
}

// lineChart draws series [{name, values:[number|null]}] over labels
// (periods); fmt formats the axis. Dashed series are thresholds/targets.
export function lineChart({ title, labels, series, fmt = (v) => String(v) }) {
  const W = 440, H = 200, L = 52, R = 10, T = 10, B = 24;
  const all = series.flatMap((s) => s.values.filter((v) => v != null && isFinite(v)));
  const max = niceMax(Math.max(0, ...all));
  const x = (i) => L + (labels.length <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (labels.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const desc = series.map((s) => `${s.name}: ${s.values.map((v) => (v == null ? "–" : fmt(v))).join(", ")}`).join("; ");
  const svg = svgRoot(title, `Periods ${labels.join(", ")}. ${desc}`, W, H);
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    svg.append(el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e3e7eb" }));
    svg.append(el("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, fmt(v)));
  }
  labels.forEach((lab, i) => svg.append(el("text", { x: x(i), y: H - 8, "text-anchor": "middle" }, String(lab))));
  series.forEach((s, n) => {
    const pts = s.values.map((v, i) => (v == null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
    const color = COLORS[n % COLORS.length];
    const attrs = { points: pts.join(" "), fill: "none", stroke: color, "stroke-width": 2 };
    if (s.dashed) attrs["stroke-dasharray"] = "5 4";
    svg.append(el("polyline", attrs));
    s.values.forEach((v, i) => {
      if (v != null && !s.dashed) svg.append(el("circle", { cx: x(i), cy: y(v), r: 3, fill: color }, el("title", {}, `${s.name}, period ${labels[i]}: ${fmt(v)}`)));
    });
  });
  return svg;
}

// legend lists the series' names in their colours.
export function legend(names) {
  const div = document.createElement("div");
  div.className = "legend";
  div.setAttribute("aria-hidden", "true");
  names.forEach((n, i) => {
    const s = document.createElement("span");
    s.className = "c" + (i % COLORS.length);
    s.textContent = n;
    div.append(s);
  });
  return div;
}

// waterfallChart draws available funds, then each payment line as a bar
// starting where the previous one ended, so the bars walk the funds down
// to zero.
export function waterfallChart({ title, total, lines, fmt }) {
  const rowH = 22, L = 190, R = 90, W = 640, T = 6;
  const H = T + rowH * (lines.length + 1) + 6;
  const scale = (v) => (total > 0 ? (v / total) * (W - L - R) : 0);
  const desc = `Available funds ${fmt(total)}; ` + lines.map((l) => `${l.label} ${fmt(l.value)}`).join("; ");
  const svg = svgRoot(title, desc, W, H);
  const row = (i, label, from, value, color) => {
    const yy = T + i * rowH;
    svg.append(el("text", { x: L - 8, y: yy + 15, "text-anchor": "end" }, label));
    svg.append(el("rect", { x: L + scale(from), y: yy + 3, width: Math.max(1, scale(value)), height: rowH - 7, fill: color }, el("title", {}, `${label}: ${fmt(value)}`)));
    svg.append(el("text", { x: L + scale(from) + Math.max(1, scale(value)) + 6, y: yy + 15 }, fmt(value)));
  };
  row(0, "Available funds", 0, total, "#10263d");
  let used = 0;
  lines.forEach((l, i) => {
    row(i + 1, l.label, total - used - l.value, l.value, COLORS[i % COLORS.length]);
    used += l.value;
  });
  return svg;
}
