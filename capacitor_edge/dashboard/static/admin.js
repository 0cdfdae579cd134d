// Admin: users, API keys (a new key is shown once), webhooks and their delivery log.
"use strict";

(() => {
  const { api, el, table, time, act, formObject } = CE;

  async function loadUsers() {
    const data = await api("GET", "/dashboard/api/users");
    document.getElementById("users").replaceChildren(table(["Name", "Role", "Created", ""],
      data.users.map((u) => el("tr", { "data-user": u.name }, el("td", {}, u.name), el("td", {}, u.role),
        el("td", {}, time(u.createdAt)),
        el("td", {}, el("button", { type: "button", class: "danger",
          onclick: () => act(`Delete ${u.name}`, () => api("DELETE", "/dashboard/api/users/" + encodeURIComponent(u.name))).then(loadUsers) }, "Delete"))))));
  }

  async function loadKeys() {
    const data = await api("GET", "/auth/api-keys");
    document.getElementById("keys").replaceChildren(table(["Name", "Key", "Last used", "Created", ""],
      data.apiKeys.map((k) => el("tr", {}, el("td", {}, k.name), el("td", {}, el("code", {}, k.prefix)),
        el("td", {}, time(k.lastUsed)), el("td", {}, time(k.createdAt)),
        el("td", {}, el("button", { type: "button", class: "danger",
          onclick: () => act(`Revoke ${k.name}`, () => api("DELETE", "/auth/api-keys/" + k.id)).then(loadKeys) }, "Revoke"))))));
  }

  async function deliveries(hook, cell) {
    const data = await api("GET", `/webhooks/${hook.id}/deliveries`);
    cell.replaceChildren(data.deliveries.length ? table(["Time", "Event", "Kind", "Status", "Error"],
      data.deliveries.slice(0, 20).map((d) => el("tr", {}, el("td", {}, time(d.time)), el("td", {}, d.event),
        el("td", {}, d.kind), el("td", {}, (d.success ? "✓ " : "✕ ") + (d.statusCode || "—")), el("td", {}, d.error || "—")))) :
      el("p", {}, "No deliveries yet."));
  }

  async function loadHooks() {
    const data = await api("GET", "/webhooks");
    const rows = [];
    for (const h of data.webhooks) {
      const log = el("td", { colspan: 4 });
      rows.push(el("tr", {}, el("td", {}, h.url), el("td", {}, h.events.join(", ")),
        el("td", {}, h.active ? "active" : "inactive"),
        el("td", {},
          el("button", { type: "button", "data-action": "log", onclick: () => deliveries(h, log) }, "Delivery log"), " ",
          el("button", { type: "button", "data-action": "test", onclick: () => act("Test", async () => {
            const r = await api("POST", `/webhooks/${h.id}/test`);
            return { message: r.success ? `delivered (${r.statusCode})` : `failed: ${r.error || r.statusCode}` };
          }).then(() => deliveries(h, log)) }, "Send test"), " ",
          el("button", { type: "button", class: "danger",
            onclick: () => act("Delete webhook", () => api("DELETE", `/webhooks/${h.id}`)).then(loadHooks) }, "Delete"))));
      rows.push(el("tr", {}, log));
    }
    document.getElementById("hooks").replaceChildren(rows.length
      ? table(["URL", "Events", "State", ""], rows) : el("p", {}, "No webhooks."));
  }

  function onSubmit(id, fn) {
    const form = document.getElementById(id);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      fn(formObject(form)).then(() => form.reset());
    });
  }

  onSubmit("new-user", (f) => act(`Add ${f.name}`, () => api("POST", "/dashboard/api/users", f)).then(loadUsers));
  onSubmit("new-key", (f) => act(`Create key ${f.name}`, async () => {
    const created = await api("POST", "/auth/api-keys", { name: f.name });
    const shown = document.getElementById("new-key-secret");
    shown.hidden = false;
    shown.textContent = `New key “${created.name}” (shown once, copy it now): ${created.key}`;
    return created;
  }).then(loadKeys));
  onSubmit("new-hook", (f) => act("Add webhook", () => api("POST", "/webhooks", {
    url: f.url, events: f.events.split(",").map((s) => s.trim()).filter(Boolean) })).then(loadHooks));

  Promise.all([loadUsers(), loadKeys(), loadHooks()]).catch((e) => CE.report(e.message, true));
  // Nothing here follows the event stream.
  document.getElementById("live").hidden = true;
})();
