// capacitor-edge dashboard: what every page shares. Plain script, no build step, no CDN.
// The pages call the box's own REST API (/api/v1) with the login cookie; changes carry the
// login's CSRF token in X-CSRF-Token. Text is always set with textContent, never as HTML.
"use strict";

const CE = (() => {
  const CSRF = document.querySelector('meta[name="csrf-token"]').content;
  const body = document.body;
  const OPERATOR = body.dataset.operator === "yes";

  // Status → icon and CSS class: the word is always shown too (colour-blind users, screen readers).
  const ICONS = {
    Available: "✓", Preparing: "…", Charging: "⚡", SuspendedEV: "⏸", SuspendedEVSE: "⏸",
    Finishing: "■", Reserved: "⚑", Unavailable: "⊘", Faulted: "⚠", offline: "✕",
  };

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(method, path, payload) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      init.headers["X-CSRF-Token"] = CSRF;
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload === undefined ? {} : payload);
    }
    const url = path.startsWith("/dashboard/") ? path : "/api/v1" + path;
    const response = await fetch(url, init);
    if (response.status === 401) {
      window.location.assign("/dashboard/login?next=" + encodeURIComponent(location.pathname));
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const message = data.error ? data.error.message : response.statusText;
      throw new ApiError(response.status, message);
    }
    return data;
  }

  // el("td", {class: "x"}, "text", child, ...): a DOM element; strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function table(headers, rows, attrs) {
    return el("div", { class: "scroll" }, el("table", attrs || {},
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows)));
  }

  function time(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function kwh(wh) {
    return wh === null || wh === undefined ? "—" : (wh / 1000).toFixed(2) + " kWh";
  }

  function kw(w) {
    return w === null || w === undefined ? "—" : (w / 1000).toFixed(1) + " kW";
  }

  function statusBadge(status) {
    return el("span", { class: "status" }, (ICONS[status] || "•") + " " + status);
  }

  // Shows a command's outcome in the page's role=status element.
  function report(text, bad) {
    const out = document.getElementById("outcome");
    if (!out) return;
    out.textContent = text;
    out.classList.toggle("bad", !!bad);
  }

  async function act(label, fn) {
    report(label + "…");
    try {
      const result = await fn();
      report(label + ": " + (result && result.message ? result.message : "done"));
      return result;
    } catch (error) {
      report(label + " failed: " + error.message, true);
      return null;
    }
  }

  // The box's event stream (Server-Sent Events), resumed by the browser after a drop with
  // Last-Event-ID, so nothing is missed; handler(type, event) for each event.
  const TYPES = [
    "charger.registered", "charger.deleted", "charger.connected", "charger.disconnected",
    "charger.boot", "connector.status_changed", "transaction.started", "transaction.updated",
    "transaction.stopped", "command.completed",
  ];
  // onOpen runs each time the stream (re)opens: load the page's data then, so nothing that
  // happens between the load and the stream is missed.
  // extraTypes: event types beyond TYPES that the page listens to (e.g. the site's).
  function live(handler, query, onOpen, extraTypes) {
    const badge = document.getElementById("live");
    const source = new EventSource("/api/v1/events/stream" + (query || ""));
    source.onopen = () => {
      badge.textContent = "live";
      badge.classList.add("on");
      if (onOpen) onOpen();
    };
    source.onerror = () => { badge.textContent = "reconnecting…"; badge.classList.remove("on"); };
    for (const type of TYPES.concat(extraTypes || [])) {
      source.addEventListener(type, (message) => handler(type, JSON.parse(message.data)));
    }
    return source;
  }

  // Runs fn at most once per `ms`, for reloads triggered by bursts of events.
  function debounce(fn, ms) {
    let timer = null;
    return () => {
      if (timer) return;
      timer = setTimeout(() => { timer = null; fn(); }, ms);
    };
  }

  function formObject(form) {
    return Object.fromEntries(new FormData(form).entries());
  }

  return { api, el, table, time, kwh, kw, statusBadge, report, act, live, debounce, formObject,
    OPERATOR, ApiError, ICONS };
})();
