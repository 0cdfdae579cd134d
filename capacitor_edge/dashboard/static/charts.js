// Small inline SVG charts drawn here (no chart library): bars for energy per day, a line for
// power over a session. Each has role=img and a text label saying what it shows.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 640, H = 220, PAD = { l: 48, r: 12, t: 12, b: 36 };

  function svg(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function frame(label, max, unit) {
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label });
    root.append(svg("title", {}, label));
    for (let i = 0; i <= 4; i++) {
      const y = PAD.t + ((H - PAD.t - PAD.b) * i) / 4;
      root.append(svg("line", { class: "axis", x1: PAD.l, x2: W - PAD.r, y1: y, y2: y }));
      const value = max * (1 - i / 4);
      root.append(svg("text", { x: 4, y: y + 4 }, value.toFixed(value < 10 ? 1 : 0) + " " + unit));
    }
    return root;
  }

  // bars: [{label, value}]
  function bars(items, unit, label) {
    const max = Math.max(1e-9, ...items.map((d) => d.value)) * 1.1;
    const root = frame(label, max, unit);
    const inner = W - PAD.l - PAD.r, height = H - PAD.t - PAD.b;
    const step = inner / Math.max(items.length, 1);
    items.forEach((d, i) => {
      const h = (d.value / max) * height;
      const x = PAD.l + i * step + step * 0.15;
      const bar = svg("rect", { class: "bar", x, y: PAD.t + height - h, width: step * 0.7, height: h });
      bar.append(svg("title", {}, `${d.label}: ${d.value.toFixed(2)} ${unit}`));
      root.append(bar);
      if (items.length <= 16 || i % Math.ceil(items.length / 16) === 0) {
        root.append(svg("text", { x: x, y: H - PAD.b + 14 }, d.label.slice(5)));
      }
    });
    return root;
  }

  // points: [{t: Date, value}]
  function line(points, unit, label) {
    const max = Math.max(1e-9, ...points.map((p) => p.value)) * 1.1;
    const root = frame(label, max, unit);
    if (points.length === 0) return root;
    const t0 = points[0].t.getTime(), t1 = Math.max(points[points.length - 1].t.getTime(), t0 + 1);
    const inner = W - PAD.l - PAD.r, height = H - PAD.t - PAD.b;
    const xy = points.map((p) => [
      PAD.l + ((p.t.getTime() - t0) / (t1 - t0)) * inner,
      PAD.t + height - (p.value / max) * height,
    ]);
    root.append(svg("polyline", { class: "line", points: xy.map((p) => p.join(",")).join(" ") }));
    root.append(svg("text", { x: PAD.l, y: H - 8 }, points[0].t.toLocaleTimeString()));
    root.append(svg("text", { x: W - PAD.r - 70, y: H - 8 },
      points[points.length - 1].t.toLocaleTimeString()));
    return root;
  }

  // series: [{name, cls, points: [{t: Date, value}]}] on one time axis, with a legend that
  // names each line in text (its dash pattern tells them apart without colour, too).
  function lines(series, unit, label) {
    const all = series.flatMap((s) => s.points);
    const max = Math.max(1e-9, ...all.map((p) => p.value)) * 1.1;
    const root = frame(label, max, unit);
    if (all.length === 0) return root;
    const times = all.map((p) => p.t.getTime());
    const t0 = Math.min(...times), t1 = Math.max(Math.max(...times), t0 + 1);
    const inner = W - PAD.l - PAD.r, height = H - PAD.t - PAD.b;
    const legend = [];
    for (const s of series) {
      if (s.points.length === 0) continue;
      const xy = s.points.map((p) => [
        (PAD.l + ((p.t.getTime() - t0) / (t1 - t0)) * inner).toFixed(1),
        (PAD.t + height - (p.value / max) * height).toFixed(1),
      ]);
      const path = svg("polyline", { class: "line " + s.cls, "data-series": s.name,
        points: xy.map((p) => p.join(",")).join(" ") });
      path.append(svg("title", {}, s.name));
      root.append(path);
      legend.push(s);
    }
    let x = PAD.l;
    for (const s of legend) {
      root.append(svg("line", { class: "line " + s.cls, x1: x, x2: x + 18, y1: H - 24, y2: H - 24 }));
      root.append(svg("text", { x: x + 22, y: H - 20 }, s.name));
      x += 30 + s.name.length * 6.5;
    }
    root.append(svg("text", { x: PAD.l, y: H - 4 }, new Date(t0).toLocaleTimeString()));
    root.append(svg("text", { x: W - PAD.r - 70, y: H - 4 }, new Date(t1).toLocaleTimeString()));
    return root;
  }

  return { bars, line, lines };
})();
