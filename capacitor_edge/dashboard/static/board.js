// Site board: every charger and connector as a tile, kept current by the event stream; grouped
// under their circuit (with its limit, allocation and draw) where site load management is set.
"use strict";

(() => {
  const { api, el, kwh, kw, time, statusBadge, live, debounce } = CE;
  const board = document.getElementById("board");
  const search = document.getElementById("search");
  const statusFilter = document.getElementById("status-filter");
  // chargeBoxId → {charger, connectors: Map(connectorId → connector), sessions: Map(connectorId → session)}
  let state = new Map();
  // Events that arrive while a load is under way, applied again to its result.
  let pending = null;
  // The site (null without load management) and its live load: circuit id → circuit load.
  let site = null;
  let circuitLoad = new Map();
  const SITE_TYPES = ["site.limit_changed", "site.allocation_changed", "site.meter_stale",
    "site.meter_restored"];

  async function load() {
    pending = [];
    const list = await api("GET", "/chargers?limit=500");
    const details = await Promise.all(
      list.chargers.map((c) => api("GET", "/chargers/" + encodeURIComponent(c.chargeBoxId))));
    const running = await api("GET", "/transactions?status=active&limit=500");
    const next = new Map();
    for (const charger of details) {
      const connectors = new Map(charger.connectors.map((c) => [c.connectorId, c]));
      next.set(charger.chargeBoxId, { charger, connectors, sessions: new Map() });
    }
    for (const t of running.transactions) {
      const entry = next.get(t.chargeBoxId);
      // energyDelivered is in kWh (the API's unit); events bring Wh.
      const energyWh = t.energyDelivered === null ? null : t.energyDelivered * 1000;
      if (entry) entry.sessions.set(t.connectorId, { energyWh, powerW: null });
    }
    await Promise.all([...next.values()].map(reservationsOf));
    site = await api("GET", "/site").catch((e) => { if (e.status === 404) return null; throw e; });
    await loadCircuits();
    state = next;
    const missed = pending;
    pending = null;
    for (const [type, event] of missed) apply(type, event);
    render();
  }

  async function loadCircuits() {
    if (!site) { circuitLoad = new Map(); return; }
    const load = await api("GET", "/site/load").catch(() => ({ circuits: [] }));
    circuitLoad = new Map(load.circuits.map((c) => [c.id, c]));
  }

  // The active reservation of each Reserved connector (its idTag and expiry), when any.
  async function reservationsOf(entry) {
    entry.reservations = new Map();
    if (![...entry.connectors.values()].some((k) => k.status === "Reserved")) return;
    const list = await api("GET", "/chargers/" + encodeURIComponent(entry.charger.chargeBoxId)
      + "/reservations").catch(() => ({ reservations: [] }));
    for (const r of list.reservations) {
      if (r.status === "active" && !entry.reservations.has(r.connectorId)) {
        entry.reservations.set(r.connectorId, r);
      }
    }
  }

  function tileStatus(entry, connector) {
    return entry.charger.isOnline ? connector.status : "offline";
  }

  function tile(entry, connector) {
    const status = tileStatus(entry, connector);
    const session = entry.sessions.get(connector.connectorId);
    const details = [];
    if (connector.errorCode && connector.errorCode !== "NoError") details.push(connector.errorCode);
    if (session) details.push(kw(session.powerW) + " · " + kwh(session.energyWh));
    const reserved = status === "Reserved" && entry.reservations &&
      (entry.reservations.get(connector.connectorId) || entry.reservations.get(0));
    if (reserved) details.push(`for ${reserved.idTag} until ${time(reserved.expiryDate)}`);
    return el("div", {
      class: "tile s-" + status,
      "data-charger": entry.charger.chargeBoxId,
      "data-connector": connector.connectorId,
      "data-status": status,
    },
    el("div", {}, "Connector " + connector.connectorId),
    statusBadge(status),
    details.length ? el("div", { class: "detail" }, details.join(" · ")) : null);
  }

  function matches(entry) {
    const needle = search.value.trim().toLowerCase();
    const c = entry.charger;
    const text = [c.chargeBoxId, c.name, c.location].filter(Boolean).join(" ").toLowerCase();
    if (needle && !text.includes(needle)) return false;
    const wanted = statusFilter.value;
    if (!wanted) return true;
    return [...entry.connectors.values()].some((k) => tileStatus(entry, k) === wanted) ||
      (wanted === "offline" && !c.isOnline);
  }

  function render() {
    const cards = [];
    const counts = {};
    for (const entry of [...state.values()].sort(
      (a, b) => a.charger.chargeBoxId.localeCompare(b.charger.chargeBoxId))) {
      const connectors = [...entry.connectors.values()]
        .filter((k) => k.connectorId > 0).sort((a, b) => a.connectorId - b.connectorId);
      for (const k of connectors) {
        const s = tileStatus(entry, k);
        counts[s] = (counts[s] || 0) + 1;
      }
      if (!matches(entry)) continue;
      const c = entry.charger;
      cards.push(card(entry, c, connectors));
    }
    board.replaceChildren(...(cards.length ? grouped(cards) : [el("p", {}, "No chargers match.")]));
    document.getElementById("summary").textContent = `${state.size} chargers · ` +
      (Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(" · ") || "no connectors yet");
  }

  function amps(values) {
    const known = (values || []).filter((v) => v !== null);
    return known.length ? known.map((v) => v.toFixed(0)).join("/") + " A" : "—";
  }

  // The cards under their circuit's heading (site order), the rest under "Not in the site";
  // without a site, as they are.
  function grouped(cards) {
    if (!site) return cards;
    const circuitOf = new Map(site.chargers.map((sc) => [sc.chargeBoxId, sc.circuitId]));
    const groups = [];
    for (const circuit of site.circuits) {
      const mine = cards.filter((one) => circuitOf.get(one.dataset.charger) === circuit.id);
      if (!mine.length) continue;
      const load = circuitLoad.get(circuit.id);
      groups.push(el("section", { class: "circuit-group", "data-circuit": circuit.id },
        el("h2", {}, `Circuit ${circuit.name === circuit.id ? circuit.id : `${circuit.name} (${circuit.id})`}`),
        el("div", { class: "meta" }, load
          ? `limit ${amps(load.limitA)} · allocated ${amps(load.allocatedA)} · drawing ${amps(load.measuredA)}`
          : `max ${circuit.maxCurrentA} A per phase`),
        el("div", { class: "board" }, mine)));
    }
    const rest = cards.filter((one) => !circuitOf.has(one.dataset.charger));
    if (rest.length) {
      groups.push(el("section", { class: "circuit-group", "data-circuit": "" },
        el("h2", {}, "Not in the site"), el("div", { class: "board" }, rest)));
    }
    return [el("div", { class: "groups" }, groups)];
  }

  function card(entry, c, connectors) {
    return el("article", { class: "charger", "data-charger": c.chargeBoxId },
      el("h2", {}, el("a", { href: "/dashboard/chargers/" + encodeURIComponent(c.chargeBoxId) },
        c.name ? `${c.name} (${c.chargeBoxId})` : c.chargeBoxId)),
      el("div", { class: "meta" },
        (c.isOnline ? "online" : "offline") + (c.location ? " · " + c.location : "")),
      el("div", { class: "tiles" }, connectors.length
        ? connectors.map((k) => tile(entry, k))
        : el("div", { class: "tile s-" + (c.isOnline ? "Unavailable" : "offline"),
          "data-charger": c.chargeBoxId, "data-connector": 0 },
        statusBadge(c.isOnline ? "no status yet" : "offline"))));
  }

  const reload = debounce(() => load().catch(() => {}), 300);

  function onEvent(type, event) {
    if (pending) pending.push([type, event]);
    apply(type, event);
    render();
  }

  const reloadCircuits = debounce(() => loadCircuits().then(render).catch(() => {}), 500);

  function apply(type, event) {
    const data = event.data;
    if (SITE_TYPES.includes(type)) { reloadCircuits(); return; }
    const entry = state.get(data.chargeBoxId);
    if (!entry || type === "charger.registered" || type === "charger.deleted") {
      reload();
      return;
    }
    if (type === "connector.status_changed") {
      const old = entry.connectors.get(data.connectorId) || { connectorId: data.connectorId };
      entry.connectors.set(data.connectorId,
        { ...old, status: data.status, errorCode: data.errorCode, lastUpdated: data.timestamp });
      if (data.status === "Reserved") reservationsOf(entry).then(render).catch(() => {});
    } else if (type === "charger.connected" || type === "charger.disconnected") {
      entry.charger.isOnline = type === "charger.connected";
    } else if (type === "transaction.started") {
      entry.sessions.set(data.connectorId, { energyWh: 0, powerW: null });
    } else if (type === "transaction.updated") {
      entry.sessions.set(data.connectorId, { energyWh: data.energyWh, powerW: data.powerW });
    } else if (type === "transaction.stopped") {
      entry.sessions.delete(data.connectorId);
    }
  }

  search.addEventListener("input", render);
  statusFilter.addEventListener("change", render);
  live(onEvent, "", () => load().catch(() => {}), SITE_TYPES);
})();
