// Charger: identity, connectors and their last status notifications, faults, the command
// audit, the recent OCPP trace, and (for operators) the commands with their outcome.
"use strict";

(() => {
  const { api, el, table, time, statusBadge, live, debounce, act, OPERATOR } = CE;
  const id = document.body.dataset.charger;
  const path = "/chargers/" + encodeURIComponent(id);

  function facts(pairs) {
    return pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v === null || v === undefined ? "—" : v)]);
  }

  // OCPP Security Whitepaper profiles: how the charger logs in and whether the link is TLS.
  const PROFILES = ["0 (no authentication)", "1 (password, ws://)", "2 (password, TLS)",
    "3 (client certificate, TLS)"];

  function securityProfile(link) {
    const text = PROFILES[link.securityProfile] || String(link.securityProfile);
    if (link.tls === null) return text;
    return text + (link.tls ? " · this session over TLS" : " · this session unencrypted");
  }

  async function load() {
    const [c, link] = await Promise.all([api("GET", path), api("GET", path + "/connection")]);
    document.getElementById("title").textContent = c.name ? `${c.name} (${c.chargeBoxId})` : c.chargeBoxId;
    document.getElementById("identity").replaceChildren(...facts([
      ["Connection", link.online ? "online" : "offline"],
      ["Connected since", link.online ? time(link.connectedAt) : null],
      ["Remote address", link.remoteAddress],
      ["Security profile", securityProfile(link)],
      ["Last heartbeat", time(c.lastHeartbeat)],
      ["Last boot", time(c.lastBoot)],
      ["Vendor / model", [c.vendor, c.model].filter(Boolean).join(" / ") || null],
      ["Serial number", c.serialNumber],
      ["Firmware", c.firmwareVersion],
      ["Firmware status", c.firmwareStatus ? `${c.firmwareStatus} (${time(c.firmwareStatusAt)})` : null],
      ["Location", c.location],
      ["Registered", time(c.registeredAt)],
      ["Connection URL", c.connectionUrl],
    ]));
    const connectors = c.connectors.slice().sort((a, b) => a.connectorId - b.connectorId);
    const histories = await Promise.all(connectors.map((k) =>
      api("GET", `${path}/connectors/${k.connectorId}/status`).catch(() => ({ statusNotifications: [] }))));
    document.getElementById("connectors").replaceChildren(table(
      ["Connector", "Status", "Error code", "Since", "Session", "Last notifications"],
      connectors.map((k, i) => el("tr", { "data-connector": k.connectorId },
        el("td", {}, k.connectorId === 0 ? "0 (charger)" : k.connectorId),
        el("td", { class: "s-" + k.status }, statusBadge(c.isOnline ? k.status : "offline")),
        el("td", {}, k.errorCode),
        el("td", {}, time(k.lastUpdated)),
        el("td", {}, k.transactionId === null ? "—" : String(k.transactionId)),
        el("td", { class: "hide-narrow" }, histories[i].statusNotifications.slice(0, 5)
          .map((n) => `${n.status}${n.errorCode !== "NoError" ? " " + n.errorCode : ""} ${time(n.timestamp)}`)
          .join("; "))))));
    await Promise.all([loadFaults(), loadAudit(), loadTrace()]);
  }

  async function loadFaults() {
    const page = await api("GET", "/events?types=connector.status_changed&limit=500&chargeBoxId="
      + encodeURIComponent(id));
    const faults = page.events.filter((e) => e.data.errorCode !== "NoError" || e.data.status === "Faulted")
      .reverse().slice(0, 20);
    document.getElementById("faults").replaceChildren(faults.length ? table(
      ["When", "Connector", "Status", "Error code", "Info", "Vendor", "Vendor error code"],
      faults.map((e) => el("tr", {}, el("td", {}, time(e.data.timestamp)), el("td", {}, e.data.connectorId),
        el("td", {}, e.data.status), el("td", {}, e.data.errorCode), el("td", {}, e.data.info || "—"),
        el("td", {}, e.data.vendorId || "—"), el("td", {}, e.data.vendorErrorCode || "—")))) :
      el("p", {}, "No faults reported."));
  }

  async function loadAudit() {
    const audit = await api("GET", `${path}/commands?limit=20`);
    const rows = (audit.commands || []).map((c) => el("tr", {},
      el("td", {}, time(c.requestedAt)), el("td", {}, c.action), el("td", {}, c.outcome || c.status || "—"),
      el("td", { class: "hide-narrow" }, c.apiKeyId || "—")));
    document.getElementById("audit").replaceChildren(rows.length
      ? table(["Requested", "Command", "Outcome", "By"], rows) : el("p", {}, "No commands sent yet."));
  }

  async function loadTrace() {
    const trace = await api("GET", `${path}/messages?limit=30`);
    document.getElementById("trace").replaceChildren(trace.messages.length ? table(
      ["When", "Direction", "Frame"],
      trace.messages.map((m) => el("tr", {}, el("td", {}, time(m.timestamp)), el("td", {}, m.direction),
        el("td", {}, el("code", {}, m.frame.length > 300 ? m.frame.slice(0, 300) + "…" : m.frame))))) :
      el("p", {}, "No messages yet."));
  }

  function commandForm(label, fields, send) {
    const form = el("form", { "data-command": label },
      ...fields.map(([name, input]) => el("label", {}, name + " ", input)),
      el("button", { type: "submit", class: "primary" }, label));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(label, () => send(CE.formObject(form))).then(() => reload());
    });
    return form;
  }

  function select(name, options) {
    return el("select", { name }, options.map((o) => el("option", {}, o)));
  }

  function number(name, value) {
    return el("input", { name, type: "number", min: 0, value, size: 3, inputmode: "numeric" });
  }

  function buildCommands() {
    const box = document.getElementById("commands");
    if (!OPERATOR || !box) return;
    box.replaceChildren(
      commandForm("Remote start", [["Connector", number("connectorId", 1)], ["idTag", el("input", { name: "idTag", placeholder: "default" })]],
        (f) => api("POST", "/transactions/start", {
          chargeBoxId: id, connectorId: Number(f.connectorId), ...(f.idTag ? { idTag: f.idTag } : {}) })),
      commandForm("Remote stop", [["Transaction", number("transactionId", "")]],
        (f) => api("POST", `/transactions/${Number(f.transactionId)}/stop`)),
      commandForm("Reset", [["Type", select("type", ["Soft", "Hard"])]], (f) => api("POST", `${path}/reset`, f)),
      commandForm("Unlock", [["Connector", number("connectorId", 1)]],
        (f) => api("POST", `${path}/unlock`, { connectorId: Number(f.connectorId) })),
      commandForm("Availability", [["Connector", number("connectorId", 0)], ["Type", select("type", ["Operative", "Inoperative"])]],
        (f) => api("POST", `${path}/availability`, { connectorId: Number(f.connectorId), type: f.type })),
      commandForm("Trigger", [["Message", select("requestedMessage",
        ["StatusNotification", "Heartbeat", "BootNotification", "MeterValues", "FirmwareStatusNotification", "DiagnosticsStatusNotification"])]],
        (f) => api("POST", `${path}/trigger`, f)),
    );
  }

  const reload = debounce(() => load().catch((e) => CE.report(e.message, true)), 300);
  buildCommands();
  live((type, event) => { if (event.chargeBoxId === id) reload(); },
    "?chargeBoxId=" + encodeURIComponent(id), reload);
})();
