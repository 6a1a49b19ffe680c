// The dispatcher's console: sign in with a bearer token, a map and a deadline-sorted list of
// tickets, the decision and timeline of the selected one, actions, route plans (plans.js), and
// live updates over SSE.
import { Api, follow } from "./api.js";
import { pickLocale, translator } from "./i18n.js";
import { ConsoleMap } from "./map.js";
import { deadlineRisk, formatLeft, RISK_COLOURS } from "./risk.js";
import { renderDetail } from "./detail.js";
import { PlansPanel } from "./plans.js";
import { el, ticketNumber } from "./view.js";

const OFFICE = new Set(["admin", "dispatcher"]);
const STATES = ["new", "needs_deadline", "dispatched", "in_progress", "resolved", "closed", "cancelled"];
const URGENCIES = ["extra_urgent", "urgent", "normal"];

const $ = (selector) => document.querySelector(selector);

const state = {
  api: null,
  config: {},
  t: null,
  locale: "en",
  tickets: new Map(),
  plants: [],
  outlets: [],
  technicians: [],
  selected: null,
  filters: { plant: "", outlet: "", urgency: "", status: "open" },
  map: null,
  plans: null,
};

// A ticket as the list and map need it, from the API's ticket or a live event's summary.
function summary(source, previous = {}) {
  const site = source.site || {};
  return {
    ...previous,
    id: source.id,
    number: ticketNumber(source.number),
    plant_id: source.plant_id,
    outlet_id: source.outlet_id ?? null,
    status: source.status,
    urgency: source.urgency,
    mode: source.mode,
    fault_type: (source.fault && source.fault.type) || source.fault_type || previous.fault_type,
    lon: site.lon ?? source.lon,
    lat: site.lat ?? source.lat,
    reported_at: source.reported_at,
    arrival_deadline: source.arrival_deadline ?? null,
  };
}

function visibleTickets() {
  const f = state.filters;
  const now = Date.now();
  const rows = [];
  for (const ticket of state.tickets.values()) {
    if (f.plant && ticket.plant_id !== f.plant) continue;
    if (f.outlet && ticket.outlet_id !== f.outlet) continue;
    if (f.urgency && ticket.urgency !== f.urgency) continue;
    if (f.status === "open" && ["resolved", "closed", "cancelled"].includes(ticket.status)) continue;
    if (f.status && f.status !== "open" && ticket.status !== f.status) continue;
    rows.push({ ...ticket, risk: deadlineRisk(now, ticket.reported_at, ticket.arrival_deadline, ticket.status) });
  }
  const key = (t) => (t.arrival_deadline ? Date.parse(t.arrival_deadline) : -Infinity);
  rows.sort((a, b) => key(a) - key(b) || String(a.number).localeCompare(String(b.number)));
  return rows;
}

function render() {
  const t = state.t;
  const rows = visibleTickets();
  state.map.setTickets(
    rows.map((r) => ({ ...r, selected: r.id === state.selected })),
    select,
  );
  const list = $("#ticket-list");
  list.replaceChildren();
  $("#ticket-count").textContent = String(rows.length);
  if (rows.length === 0) list.append(el("li", { class: "empty" }, t("no_tickets")));
  const now = Date.now();
  for (const row of rows) {
    const left = row.arrival_deadline ? formatLeft(Date.parse(row.arrival_deadline) - now) : t("no_deadline");
    list.append(
      el(
        "li",
        {
          class: `ticket risk-${row.risk}${row.id === state.selected ? " selected" : ""}`,
          "data-ticket-id": row.id,
          "data-risk": row.risk,
          onclick: () => select(row.id),
        },
        el("span", { class: "dot", style: `background:${RISK_COLOURS[row.risk]}` }),
        el("span", { class: "number" }, row.number),
        el("span", { class: "state" }, t(`status_${row.status}`)),
        el("span", { class: "urgency" }, t(`urgency_${row.urgency}`)),
        el("span", { class: "left", title: row.arrival_deadline || "" }, left),
      ),
    );
  }
}

async function select(id) {
  state.selected = id;
  render();
  const ticket = state.tickets.get(id);
  if (ticket) state.map.focus(ticket.lon, ticket.lat);
  await showDetail(id);
}

async function showDetail(id) {
  const panel = $("#detail");
  try {
    const ticket = await state.api.get(`/api/v1/tickets/${id}`);
    if (state.selected !== id) return;
    state.tickets.set(id, summary(ticket, state.tickets.get(id)));
    panel.hidden = false;
    renderDetail(panel, ticket, {
      t: state.t,
      locale: state.locale,
      api: state.api,
      technicians: state.technicians,
      close: () => {
        state.selected = null;
        panel.hidden = true;
        render();
      },
      changed: (updated) => {
        state.tickets.set(updated.id, summary(updated, state.tickets.get(updated.id)));
        render();
        showDetail(updated.id);
      },
    });
  } catch (error) {
    panel.hidden = false;
    panel.replaceChildren(el("p", { class: "error" }, error.message));
  }
}

function fillFilters() {
  const t = state.t;
  const options = (select, first, items) => {
    select.replaceChildren(el("option", { value: "" }, first));
    for (const [value, label] of items) select.append(el("option", { value }, label));
  };
  options($("#filter-plant"), t("all_plants"), state.plants.map((p) => [p.id, p.name]));
  options($("#filter-outlet"), t("all_outlets"), state.outlets.map((o) => [o.id, o.name]));
  options($("#filter-urgency"), t("any_urgency"), URGENCIES.map((u) => [u, t(`urgency_${u}`)]));
  options($("#filter-status"), t("any_state"), [["open", t("open_only")], ...STATES.map((s) => [s, t(`status_${s}`)])]);
  for (const [name, id] of [["plant", "#filter-plant"], ["outlet", "#filter-outlet"], ["urgency", "#filter-urgency"], ["status", "#filter-status"]]) {
    const select = $(id);
    select.value = state.filters[name];
    select.onchange = () => {
      state.filters[name] = select.value;
      render();
      if (name === "plant") state.plans.render();
    };
  }
}

async function loadEngineers() {
  const named = new Map(state.technicians.map((tech) => [tech.id, tech.name]));
  await Promise.all(
    state.technicians.slice(0, 200).map(async (tech) => {
      try {
        const fix = await state.api.get(`/api/v1/technicians/${tech.id}/position`);
        state.map.setEngineer({ ...fix, technician_id: tech.id, name: named.get(tech.id) });
      } catch {
        // no fix yet (404), or no positions API in this deployment
      }
    }),
  );
}

function onLive(message) {
  if (message.topic === "tickets") {
    const previous = state.tickets.get(message.data.id);
    state.tickets.set(message.data.id, summary(message.data, previous));
    render();
    if (state.selected === message.data.id) showDetail(message.data.id);
  } else if (message.topic === "positions") {
    const tech = state.technicians.find((x) => x.id === message.data.technician_id);
    state.map.setEngineer({ ...message.data, name: tech ? tech.name : "" });
  } else if (message.topic === "work_orders") {
    if (state.selected === message.data.ticket_id) showDetail(message.data.ticket_id);
  } else if (message.topic === "plans") {
    state.plans.onEvent(message.data);
  }
}

function setLive(status) {
  const badge = $("#live");
  badge.dataset.status = status;
  badge.textContent = state.t(status === "live" ? "live" : status === "denied" ? "offline" : "reconnecting");
}

async function start(token) {
  const api = new Api(token);
  const me = await api.get("/api/v1/console/session");
  if (!OFFICE.has(me.role)) throw new Error(state.t("wrong_role", { role: me.role }));
  state.api = api; // the token lives in this module's memory only: a reload asks for it again
  $("#login").hidden = true;
  $("#app").hidden = false;
  state.map = new ConsoleMap($("#map"), state.config, state.t);
  const [plants, outlets, technicians] = await Promise.all([
    api.all("/api/v1/plants"),
    api.all("/api/v1/outlets"),
    api.all("/api/v1/technicians"),
  ]);
  Object.assign(state, { plants, outlets, technicians });
  state.plans = new PlansPanel({
    api,
    t: state.t,
    locale: state.locale,
    map: state.map,
    plants,
    outlets,
    plantFilter: () => state.filters.plant,
  });
  fillFilters();
  state.plans.start();
  state.map.setOutlets(outlets);
  follow("/api/v1/events", token, onLive, setLive);
  for (const ticket of await api.all("/api/v1/tickets")) state.tickets.set(ticket.id, summary(ticket));
  render();
  state.map.fitOnce([...state.tickets.values(), ...outlets.map((o) => o.location), ...plants.map((p) => p.location)]);
  loadEngineers();
  setInterval(() => {
    render();
    state.map.refreshAges();
  }, 30000);
  document.body.dataset.ready = "true";
}

function translatePage() {
  const t = state.t;
  document.documentElement.lang = state.locale;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.title = `aftersales · ${t("title")}`;
}

async function main() {
  state.config = await (await fetch("/console/config.json")).json();
  state.locale = pickLocale(navigator.languages);
  state.t = translator(state.locale);
  translatePage();
  $("#language").onclick = () => {
    localStorage.setItem("aftersales.locale", state.locale === "en" ? "zh-CN" : "en");
    location.reload();
  };
  $("#sign-out").onclick = () => {
    location.reload(); // forgets the token (it was never stored)
  };
  const form = $("#login-form");
  form.onsubmit = async (event) => {
    event.preventDefault();
    $("#login-error").textContent = "";
    try {
      await start(form.token.value.trim());
    } catch (error) {
      const detail = error.status ? state.t("bad_token", { detail: error.message }) : error.message;
      $("#login-error").textContent = detail;
    }
  };
  $("#login").hidden = false;
  form.token.focus();
}

main();
