// Site load: per circuit, the limit, the allocation and the measured draw per phase now, and
// over the last hours as a chart (GET /site/load/history, sampled by the box). Redrawn when the
// allocation or the meter changes (the event stream) and at each sampling interval.
"use strict";

(() => {
  const { api, el, table, time, live, debounce } = CE;
  const SITE_TYPES = ["site.limit_changed", "site.allocation_changed", "site.meter_stale",
    "site.meter_restored"];
  const PHASES = ["L1", "L2", "L3"];
  let timer = null;

  function amps(values) {
    return values.map((v, i) => (v === null ? null : `${PHASES[i]} ${v.toFixed(1)} A`))
      .filter(Boolean).join(" · ") || "—";
  }

  // The circuit's lines: its limit (the lowest phase's: what binds), the allocation (the
  // highest phase's) and the measured draw on each phase it carries.
  function series(history) {
    const at = (s) => new Date(s.at);
    const low = (vs) => Math.min(...vs.filter((v) => v !== null));
    const high = (vs) => Math.max(0, ...vs.filter((v) => v !== null));
    const out = [
      { name: "limit", cls: "limit", points: history.samples
        .filter((s) => s.limitA.some((v) => v !== null)).map((s) => ({ t: at(s), value: low(s.limitA) })) },
      { name: "allocated", cls: "allocated", points: history.samples
        .map((s) => ({ t: at(s), value: high(s.allocatedA) })) },
    ];
    PHASES.forEach((phase, i) => {
      const points = history.samples.filter((s) => s.measuredA[i] !== null)
        .map((s) => ({ t: at(s), value: s.measuredA[i] }));
      if (points.length) out.push({ name: "measured " + phase, cls: phase.toLowerCase(), points });
    });
    return out;
  }

  async function load() {
    let load;
    try {
      load = await api("GET", "/site/load");
    } catch (e) {
      if (e.status !== 404) throw e;
      document.getElementById("site-hint").hidden = false;
      document.getElementById("site").hidden = true;
      return;
    }
    document.getElementById("site-hint").hidden = true;
    document.getElementById("site").hidden = false;
    const history = await api("GET", "/site/load/history");
    const byId = new Map(history.circuits.map((c) => [c.id, c]));
    const meter = load.meter.source === "none" ? "no building meter"
      : `building meter ${load.meter.stale ? "⚠ stale" : "fresh"}`;
    document.getElementById("site-summary").textContent = `${load.circuits.length} circuits · ` +
      `${load.connectors.length} sessions · ${load.paused} paused · ${meter} · ` +
      `chart: one sample every ${history.intervalS} s, the last ${history.keptHours} h ` +
      "(kept in memory: starts again when the box restarts)";
    document.getElementById("circuits").replaceChildren(...load.circuits.map((c) => {
      const past = byId.get(c.id) || { samples: [] };
      return el("section", { class: "circuit", "data-circuit": c.id },
        el("h2", {}, c.name === c.id ? c.id : `${c.name} (${c.id})`),
        table(["", "Per phase"], [
          el("tr", {}, el("th", { scope: "row" }, "Limit"), el("td", { "data-what": "limit" }, amps(c.limitA))),
          el("tr", {}, el("th", { scope: "row" }, "Allocated"), el("td", { "data-what": "allocated" }, amps(c.allocatedA))),
          el("tr", {}, el("th", { scope: "row" }, "Measured"), el("td", { "data-what": "measured" }, amps(c.measuredA))),
        ]),
        el("div", { class: "chart" }, Charts.lines(series(past), "A",
          `${c.name}: limit, allocation and measured draw per phase since ${time(history.since)}`)));
    }));
    clearTimeout(timer);
    timer = setTimeout(reload, Math.max(5, history.intervalS) * 1000);
  }

  const reload = debounce(() => load().catch((e) => CE.report(e.message, true)), 500);
  live((type) => { if (SITE_TYPES.includes(type)) reload(); }, "", reload, SITE_TYPES);
})();
