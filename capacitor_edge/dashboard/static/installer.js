// Installer: refused connection attempts with one-click registration, certificate expiry.
"use strict";

(() => {
  const { api, el, table, time, act, live, debounce, OPERATOR } = CE;

  function registered(result) {
    const lines = [`Registered ${result.chargeBoxId}. Charger URL: ${result.connectionUrl}`];
    if (result.authorizationKey) lines.push(`AuthorizationKey (shown once): ${result.authorizationKey}`);
    return { message: lines.join(" · ") };
  }

  async function load() {
    const [attempts, chargers] = await Promise.all([
      api("GET", "/connection-attempts"), api("GET", "/chargers?limit=500")]);
    const known = new Set(chargers.chargers.map((c) => c.chargeBoxId));
    const rows = attempts.connectionAttempts.map((a) => el("tr", { "data-attempt": a.chargeBoxId },
      el("td", {}, time(a.timestamp)), el("td", {}, a.chargeBoxId), el("td", {}, a.remoteAddress),
      el("td", {}, a.reason),
      el("td", {}, known.has(a.chargeBoxId) ? "registered" : OPERATOR
        ? el("button", { type: "button", class: "primary", "data-register": a.chargeBoxId,
          onclick: () => act(`Register ${a.chargeBoxId}`,
            async () => registered(await api("POST", "/chargers", { chargeBoxId: a.chargeBoxId }))).then(reload) },
        "Register this charger")
        : "not registered")));
    document.getElementById("attempts").replaceChildren(rows.length
      ? table(["When", "chargeBoxId", "Address", "Reason", ""], rows)
      : el("p", {}, "No refused connections."));
    const health = await fetch("/health").then((r) => r.json());
    const certs = health.certificates || [];
    document.getElementById("certificates").replaceChildren(certs.length ? table(
      ["Role", "Subject", "Expires", "Days left"],
      certs.map((c) => el("tr", {}, el("td", {}, c.role), el("td", {}, c.subject), el("td", {}, time(c.notAfter)),
        el("td", {}, (c.expiresSoon ? "⚠ " : "") + c.daysLeft)))) :
      el("p", {}, "No TLS configured: chargers connect with ws:// (security profiles 0 and 1)."));
  }

  const reload = debounce(() => load().catch((e) => CE.report(e.message, true)), 300);
  // A refused attempt writes no event; a registration does. Re-read the list now and then too.
  live(() => reload(), "?types=charger.registered,charger.deleted,charger.connected", reload);
  setInterval(reload, 10000);
})();
