// Installer: refused connection attempts with one-click registration, certificate expiry, and
// the self-test run against the box with its last result.
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

  function showSelfTest(state) {
    const out = document.getElementById("selftest-outcome");
    const button = document.getElementById("run-selftest");
    if (button) button.disabled = state.running;
    const r = state.result;
    if (state.running) out.textContent = "The self-test is running…";
    else if (!r) out.textContent = "Not run since the box started.";
    else out.textContent = `${r.passed ? "✓ PASSED" : "✗ FAILED"} · ${time(r.finishedAt)}`;
    out.classList.toggle("bad", !!r && !r.passed && !state.running);
    document.getElementById("selftest").replaceChildren(r ? table(["Step", "Result", "Detail"],
      r.steps.map((s) => el("tr", { "data-step-result": s.result },
        el("td", {}, s.name),
        el("td", {}, (s.result === "PASS" ? "✓ " : s.result === "FAIL" ? "✗ " : "– ") + s.result),
        el("td", {}, s.detail || "—")))) : "");
  }

  async function runSelfTest() {
    showSelfTest({ running: true, result: null });
    try {
      showSelfTest(await api("POST", "/selftest"));
    } catch (e) {
      showSelfTest(await api("GET", "/selftest").catch(() => ({ running: false, result: null })));
      document.getElementById("selftest-outcome").textContent = "Self-test: " + e.message;
    }
  }

  const selfTestButton = document.getElementById("run-selftest");
  if (selfTestButton) selfTestButton.addEventListener("click", () => runSelfTest());
  api("GET", "/selftest").then(showSelfTest).catch((e) => CE.report(e.message, true));

  const reload = debounce(() => load().catch((e) => CE.report(e.message, true)), 300);
  // A refused attempt writes no event; a registration does. Re-read the list now and then too.
  live(() => reload(), "?types=charger.registered,charger.deleted,charger.connected", reload);
  setInterval(reload, 10000);
})();
