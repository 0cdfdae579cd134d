// Installer view, issue 20: each charger's upstream link (connected, outbox depth, oldest
// unsent message, last error) when the box is a local controller (upstream_url set).
"use strict";

(() => {
  const { api, el, table, time } = CE;

  const link = (c) => api("GET", `/chargers/${encodeURIComponent(c.chargeBoxId)}/upstream`);
  let timer = 0;

  async function load() {
    const chargers = (await api("GET", "/chargers?limit=500")).chargers;
    const section = document.getElementById("upstream");
    // upstream_url is a start-up setting: one charger's answer tells whether links exist. Without
    // it (enabled: false, the box is the only central system) the section stays hidden and the
    // page stops asking, instead of one request per charger every 5 s for nothing.
    section.hidden = chargers.length === 0 || !(await link(chargers[0])).enabled;
    if (section.hidden) {
      if (chargers.length) clearInterval(timer);
      return;
    }
    const links = await Promise.all(chargers.map(link));
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
  timer = setInterval(refresh, 5000);
})();
