// Sessions: live and past, with filters, a stop button, CSV export and two charts.
"use strict";

(() => {
  const { api, el, table, time, kwh, live, debounce, act, OPERATOR } = CE;
  const form = document.getElementById("filters");
  const csv = document.getElementById("csv");

  function query() {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(CE.formObject(form))) {
      if (!v) continue;
      // Dates from the form are days; the API takes ISO-8601 times.
      params.set(k, k === "from" || k === "to" ? new Date(v + "T00:00:00").toISOString() : v);
    }
    return params;
  }

  function duration(minutes) {
    return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  }

  async function load() {
    const params = query();
    csv.href = "/api/v1/transactions.csv" + (params.toString() ? "?" + params : "");
    params.set("limit", "200");
    const page = await api("GET", "/transactions?" + params);
    const rows = page.transactions.map((t) => el("tr", { "data-transaction": t.transactionId, "data-status": t.status },
      el("td", {}, t.transactionId),
      el("td", {}, el("a", { href: "/dashboard/chargers/" + encodeURIComponent(t.chargeBoxId) }, t.chargeBoxId), " #" + t.connectorId),
      el("td", {}, t.idTag),
      el("td", { class: "status" }, t.status === "active" ? "⚡ live" : "■ " + t.status),
      el("td", {}, time(t.startTime)),
      el("td", {}, duration(t.durationMinutes)),
      el("td", {}, kwh(t.energyDelivered === null ? null : t.energyDelivered * 1000)),
      el("td", {},
        el("button", { type: "button", onclick: () => powerChart(t) }, "Chart"),
        OPERATOR && t.status === "active"
          ? el("button", { type: "button", class: "danger", "data-stop": t.transactionId,
            onclick: () => act(`Stop session ${t.transactionId}`,
              () => api("POST", `/transactions/${t.transactionId}/stop`)).then(reload) }, "Stop")
          : null)));
    document.getElementById("sessions").replaceChildren(rows.length
      ? table(["#", "Charger", "idTag", "Status", "Started", "Duration", "Energy", ""], rows)
      : el("p", {}, "No sessions match."));
    daily(page.transactions);
  }

  function daily(transactions) {
    const days = new Map();
    // The 14 days up to the newest session shown (today when there is none).
    const newest = transactions.map((t) => t.startTime).filter(Boolean).sort().pop();
    const end = newest ? new Date(newest.slice(0, 10) + "T12:00:00Z") : new Date();
    for (let i = 13; i >= 0; i--) {
      const d = new Date(end.getTime() - i * 86400000).toISOString().slice(0, 10);
      days.set(d, 0);
    }
    for (const t of transactions) {
      const day = (t.startTime || "").slice(0, 10);
      if (days.has(day)) days.set(day, days.get(day) + (t.energyDelivered || 0));  // kWh
    }
    const items = [...days].map(([label, value]) => ({ label, value }));
    document.getElementById("daily").replaceChildren(
      Charts.bars(items, "kWh", "Energy delivered per day, last 14 days"));
  }

  async function powerChart(t) {
    const page = await api("GET", `/transactions/${t.transactionId}/meter-values?limit=500`);
    const power = page.meterValues.filter((m) => m.measurand === "Power.Active.Import" && !m.phase)
      .map((m) => ({ t: new Date(m.timestamp), value: Number(m.value) * (m.unit === "kW" ? 1 : 0.001) }));
    let points = power;
    if (points.length === 0) {
      // No power sampled: the rate of the energy register between samples instead.
      const energy = page.meterValues.filter((m) => m.valueWh !== null &&
        m.measurand === "Energy.Active.Import.Register").map((m) => ({ t: new Date(m.timestamp), wh: m.valueWh }))
        .sort((a, b) => a.t - b.t);
      points = energy.slice(1).map((p, i) => ({ t: p.t,
        value: Math.max(0, (p.wh - energy[i].wh) / Math.max(1, (p.t - energy[i].t) / 3600000) / 1000) }));
    }
    points.sort((a, b) => a.t - b.t);
    document.getElementById("power-note").textContent =
      `Session ${t.transactionId} on ${t.chargeBoxId}: ${points.length} samples.`;
    document.getElementById("power").replaceChildren(
      Charts.line(points, "kW", `Power over session ${t.transactionId}`));
  }

  const reload = debounce(() => load().catch((e) => CE.report(e.message, true)), 300);
  form.addEventListener("submit", (e) => { e.preventDefault(); reload(); });
  live((type) => { if (type.startsWith("transaction.")) reload(); }, "?types=transaction.started,transaction.updated,transaction.stopped", reload);
})();
