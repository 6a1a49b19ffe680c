// The route plans panel: plan the filtered plant's routes (or each plant's), follow every plan's
// solve live over the event stream's `plans` topic — a progress bar, the stage, the time spent and
// what the search has placed so far — then show the result, draw its routes on the map and commit
// it. R-DI-9 (keep people informed): the dispatcher watches the planning instead of waiting blind.
import { routeColour } from "./map.js";
import { el, ticketNumber } from "./view.js";

export const TIME_LIMITS_S = [10, 30, 60];
const ENDED = new Set(["done", "failed", "committed", "superseded"]);
const WITH_ROUTES = new Set(["done", "committed", "superseded"]);
const RANK = { queued: 0, running: 1, done: 2, failed: 2, committed: 3, superseded: 4 };
const NEWS = ["status", "stage", "progress", "search", "attempts", "time_limit_s", "scope_type", "plant_id", "outlet_id"];
const QUIET_MS = 5000; // a plan not heard of for this long is read again (the stream may have dropped)
const HEALTH_MS = 15000;

const $ = (selector) => document.querySelector(selector);
const km = (metres) => (metres / 1000).toFixed(1);

// The translation of `key`, or `fallback` when there is none (a stage or reason added later).
function textOr(t, key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

// A GET or commit answer (`PlanOut`) in the shape of the stream's events.
function asNews(detail) {
  const { scope, ...rest } = detail;
  return { ...rest, scope_type: scope.type, plant_id: scope.plant_id, outlet_id: scope.outlet_id };
}

export class PlansPanel {
  // plantFilter(): the plant id the header filters on ("" = all plants).
  constructor({ api, t, locale, map, plants, outlets, plantFilter }) {
    Object.assign(this, { api, t, locale, map, plants, outlets, plantFilter });
    this.plans = new Map();
    this.selected = null;
    this.drawn = null;
    this.noWorker = false;
  }

  start() {
    const limits = TIME_LIMITS_S.map((s) => el("option", { value: String(s) }, this.t("seconds", { s })));
    $("#plan-time-limit").replaceChildren(...limits);
    $("#plan-routes").onclick = () => this.planRoutes();
    $("#plan-routes-visible").onchange = (event) => this.map.showRoutes(event.target.checked);
    this.checkWorkers();
    setInterval(() => this.checkWorkers(), HEALTH_MS);
    setInterval(() => this.refreshQuiet(), QUIET_MS);
    this.render();
  }

  // The plants a click plans: the filtered one, or every plant this dispatcher sees (one plan each).
  scopePlants() {
    const chosen = this.plantFilter();
    return chosen ? this.plants.filter((plant) => plant.id === chosen) : this.plants;
  }

  async planRoutes() {
    const button = $("#plan-routes");
    const limit = Number($("#plan-time-limit").value);
    const problems = [];
    button.disabled = true;
    this.say("");
    for (const plant of this.scopePlants()) {
      try {
        const queued = await this.api.post("/api/v1/plans", { scope: { plant_id: plant.id }, time_limit_s: limit });
        this.merge({ ...queued, scope_type: "plant", plant_id: plant.id, outlet_id: null, time_limit_s: limit }, true);
        this.select(queued.id);
      } catch (error) {
        problems.push(`${plant.name}: ${error.message}`);
      }
    }
    button.disabled = false;
    this.say(problems.join("\n"));
    this.checkWorkers();
  }

  // A plan's news (an event's data, a POST's or a GET's answer) into what the panel knows. The
  // stream may replay older news after a reconnect: a status never goes back.
  merge(news, mine = false) {
    const known = this.plans.get(news.id);
    const plan = known || { id: news.id, mine, detail: null, message: "", loading: false };
    plan.mine = plan.mine || mine;
    plan.heard = Date.now();
    if (!known || (RANK[news.status] ?? 0) >= (RANK[plan.status] ?? 0)) {
      for (const key of NEWS) if (news[key] !== undefined) plan[key] = news[key];
    }
    this.plans.set(plan.id, plan);
    return plan;
  }

  // An event of topic `plans`: {id, scope_type, plant_id, outlet_id, status, stage, progress, search, …}.
  onEvent(data) {
    const plan = this.merge(data);
    if (plan.status === "done" && this.selected === null) this.selected = plan.id;
    if (this.needsDetail(plan)) this.loadDetail(plan.id);
    this.render();
  }

  // An ended plan is read once per status: the events carry progress, not routes or errors.
  needsDetail(plan) {
    return ENDED.has(plan.status) && (!plan.detail || plan.detail.status !== plan.status);
  }

  async loadDetail(id) {
    const plan = this.plans.get(id);
    if (!plan || plan.loading) return;
    plan.loading = true;
    try {
      this.take(plan, await this.api.get(`/api/v1/plans/${id}`));
    } catch (error) {
      plan.message = error.message;
    } finally {
      plan.loading = false;
      this.render();
    }
  }

  take(plan, detail) {
    this.merge(asNews(detail));
    if (ENDED.has(detail.status)) plan.detail = detail;
    if (this.selected === plan.id && this.drawn !== plan.id && this.hasRoutes(plan)) this.draw(plan);
  }

  hasRoutes(plan) {
    return Boolean(plan && plan.detail && WITH_ROUTES.has(plan.detail.status));
  }

  // Plans that went quiet (no event for a while, or a result not read yet) are read again.
  refreshQuiet() {
    const now = Date.now();
    for (const plan of this.plans.values()) {
      const quiet = !ENDED.has(plan.status) && now - plan.heard > QUIET_MS;
      if (quiet || this.needsDetail(plan)) this.loadDetail(plan.id);
    }
  }

  // The selected plan's routes replace those on the map (none while it is still solving).
  select(id) {
    this.selected = id;
    const plan = this.plans.get(id);
    if (this.drawn !== id) {
      if (this.hasRoutes(plan)) this.draw(plan);
      else this.clearRoutes();
    }
    this.render();
  }

  draw(plan) {
    this.drawn = plan.id;
    const routes = this.routesOf(plan.detail).map((route) => ({
      ...route,
      stops: route.stops.map((stop) => ({
        ticket_id: stop.ticket_id,
        location: stop.location,
        label: `${ticketNumber(stop.ticket_number)} · ${this.when(stop.arrival)}`,
      })),
    }));
    this.map.setRoutes(routes);
  }

  clearRoutes() {
    this.drawn = null;
    this.map.setRoutes([]);
  }

  // The routes that go somewhere, each with its engineer's colour (the same on the map and in the list).
  routesOf(detail) {
    if (!detail || !WITH_ROUTES.has(detail.status)) return [];
    return detail.routes.filter((route) => route.stops.length > 0).map((route, i) => ({ ...route, colour: routeColour(i) }));
  }

  async commit(id) {
    const plan = this.plans.get(id);
    plan.message = "";
    try {
      this.take(plan, await this.api.post(`/api/v1/plans/${id}/commit`));
      plan.message = this.t("plan_committed");
    } catch (error) {
      plan.message = error.body && error.body.error === "plan_stale" ? this.t("plan_stale") : error.message;
    }
    this.render();
  }

  // GET /health: with no live job worker, plans wait in the queue (`aftersales worker` starts one).
  async checkWorkers() {
    let noWorker = this.noWorker;
    try {
      const body = await (await fetch("/health", { cache: "no-store" })).json(); // 503 has the same body
      noWorker = Boolean(body.jobs) && body.jobs.workers === 0;
    } catch {
      // unreachable: the live badge already says so
    }
    if (noWorker !== this.noWorker) {
      this.noWorker = noWorker;
      this.render();
    }
  }

  say(message) {
    $("#plan-message").textContent = message;
  }

  when(iso) {
    return new Date(iso).toLocaleString(this.locale, { weekday: "short", hour: "2-digit", minute: "2-digit" });
  }

  scopeName(plan) {
    if (plan.scope_type === "outlet") {
      const outlet = this.outlets.find((o) => o.id === plan.outlet_id);
      return `${this.t("outlet")}: ${outlet ? outlet.name : plan.outlet_id}`;
    }
    const plant = this.plants.find((p) => p.id === plan.plant_id);
    return plant ? plant.name : plan.plant_id;
  }

  render() {
    const t = this.t;
    const plants = this.scopePlants();
    $("#plans-no-worker").hidden = !this.noWorker;
    $("#plan-routes").disabled = plants.length === 0;
    $("#plan-scope").textContent =
      plants.length === 1 ? t("plan_for", { name: plants[0].name }) : t("plan_for_all", { count: plants.length });
    const shown = this.visible();
    const list = $("#plan-list");
    list.replaceChildren(...shown.map((plan) => this.row(plan)));
    if (shown.length === 0) list.append(el("li", { class: "empty" }, t("no_plans")));
  }

  // Newest first, of the filtered plant only.
  visible() {
    const plant = this.plantFilter();
    return [...this.plans.values()].filter((plan) => !plant || plan.plant_id === plant).reverse();
  }

  row(plan) {
    const selected = plan.id === this.selected;
    return el(
      "li",
      {
        class: `plan${selected ? " selected" : ""}${plan.mine ? " mine" : ""}`,
        "data-plan-id": plan.id,
        "data-status": plan.status,
        onclick: () => this.select(plan.id),
      },
      el(
        "div",
        { class: "plan-head" },
        el("span", { class: "plan-scope" }, this.scopeName(plan)),
        el("span", { class: "plan-status" }, textOr(this.t, `plan_status_${plan.status}`, plan.status)),
      ),
      this.bar(plan),
      this.progressLine(plan),
      ...this.outcome(plan),
      plan.message ? el("p", { class: "plan-message" }, plan.message) : null,
    );
  }

  bar(plan) {
    const value = Math.max(0, Math.min(1, Number(plan.progress) || 0));
    return el(
      "div",
      { class: "plan-bar" },
      el("progress", { class: "plan-progress", max: "1", value: String(value), "aria-label": this.t("plan_progress") }),
      el("span", { class: "plan-percent" }, `${Math.round(value * 100)} %`),
    );
  }

  // The stage, and while the search runs: time spent of the limit, what the teams solved so far placed.
  progressLine(plan) {
    const t = this.t;
    const parts = [textOr(t, `plan_stage_${plan.stage}`, plan.stage || "")];
    const search = plan.search;
    if (plan.status === "running" && search) {
      parts.push(t("plan_elapsed", { elapsed: Math.round(search.elapsed_s), limit: Math.round(plan.time_limit_s) }));
      parts.push(t("plan_teams", { done: search.teams_done, teams: search.teams }));
      parts.push(t("plan_placed", { stops: search.stops, unassigned: search.unassigned }));
    }
    if (plan.status === "queued" && this.noWorker) parts.push(t("plan_waits_for_worker"));
    if (plan.attempts > 1) parts.push(t("plan_attempt", { attempt: plan.attempts }));
    return el("p", { class: "plan-stage" }, parts.filter(Boolean).join(" · "));
  }

  outcome(plan) {
    const detail = plan.detail;
    if (plan.status === "failed") return [el("p", { class: "error plan-error" }, this.failure(detail))];
    if (!detail || !WITH_ROUTES.has(plan.status) || !detail.totals) return [];
    const t = this.t;
    const totals = detail.totals;
    const parts = [
      el(
        "p",
        { class: "plan-summary" },
        t("plan_summary", { stops: totals.stops, km: km(totals.distance_m), engineers: totals.engineers_used }),
      ),
      el("p", { class: "plan-deadlines" }, t("plan_deadlines", { met: totals.deadlines_met, missed: totals.deadlines_missed })),
      this.legend(detail),
      this.unassigned(detail),
    ];
    if (plan.status === "done") {
      const commit = (event) => {
        event.stopPropagation();
        this.commit(plan.id);
      };
      parts.push(el("button", { type: "button", class: "plan-commit primary", onclick: commit }, t("commit")));
    }
    return parts;
  }

  failure(detail) {
    const error = (detail && detail.error) || {};
    const reason = textOr(this.t, `plan_error_${error.reason}`, error.reason || "");
    return this.t("plan_failed", { reason, detail: error.detail || "" });
  }

  // One line per engineer with stops: their colour on the map, stops and distance.
  legend(detail) {
    return el(
      "ul",
      { class: "plan-legend" },
      ...this.routesOf(detail).map((route) =>
        el(
          "li",
          { "data-technician-id": route.technician_id },
          el("span", { class: "swatch", style: `background:${route.colour}` }),
          this.t("plan_route", { name: route.name, stops: route.stops.length, km: km(route.distance_m) }),
        ),
      ),
    );
  }

  unassigned(detail) {
    const t = this.t;
    const rows = detail.unassigned.map((u) =>
      el(
        "li",
        { "data-ticket-id": u.ticket_id, "data-reason": u.reason },
        `${ticketNumber(u.ticket_number)}: ${textOr(t, `unassigned_${u.reason}`, u.reason)}`,
        u.detail ? el("span", { class: "detail" }, ` (${u.detail})`) : null,
      ),
    );
    return el(
      "div",
      { class: "plan-unassigned" },
      el("h4", {}, t("plan_unassigned", { count: rows.length })),
      rows.length ? el("ul", {}, ...rows) : null,
    );
  }
}
