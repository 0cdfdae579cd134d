// Installer view, issue 20: each charger's upstream link (connected, outbox depth, oldest
// unsent message, last error) when the box is a local controller (upstream_url set).
"use strict";

(() => {
  const { api, el, table, time } = CE;

  async function load() {
    const chargers = (await api("GET", "/chargers?limit=500")).chargers;
    const links = await Promise.all(chargers.map((c) =>
      api("GET", `/chargers/${encodeURIComponent(c.chargeBoxId)}/upstream`)));
    const section = document.getElementById("upstream");
    // Without upstream_url every link says enabled: false: the box is the only central system.
    section.hidden = !links.some((l) => l.enabled);
    if (section.hidden) return;
    const rows = links.map((l) => el("tr", {
      "data-upstream": l.chargeBoxId, "data-connected": l.connected ? "yes" : "no",
    },
      el("td", {}, l.chargeBoxId),
      el("td", {}, l.connected ? `connected since ${time(l.connectedAt)}` : "not connected"),
      el("td", { "data-depth": String(l.outboxDepth) }, String(l.outboxDepth)),
      el("td", {}, l.oldestUnsentAt ? time(l.oldestUnsentAt) : "—"),
      el("td", {}, l.lastError ? `${l.lastError} (${time(l.lastErrorAt)})` : "—")));
    document.getElementById("upstream-links").replaceChildren(
      table(["chargeBoxId", "Link", "Outbox", "Oldest unsent", "Last error"], rows));
  }

  const refresh = () => load().catch((e) => CE.report(e.message, true));
  refresh();
  setInterval(refresh, 5000);
})();
