// The selected ticket: its decision with the explanation, warnings, what blocks dispatch, the
// entitlement when known, the audit timeline, and the actions the API offers.
import { el } from "./view.js";

function when(iso, locale) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

function list(items, cls) {
  return el("ul", { class: cls }, ...items.map((item) => el("li", {}, item)));
}

// `datetime-local` value → ISO 8601 with the browser's offset.
function localIso(value) {
  const date = new Date(value);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${value.length === 16 ? `${value}:00` : value}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

function deadlineForm(ticket, ctx) {
  const { t } = ctx;
  const message = el("p", { class: "message" });
  const form = el(
    "form",
    { class: "action", id: "deadline-form" },
    el("h4", {}, t("set_deadline")),
    el("input", { type: "datetime-local", name: "deadline", required: "" }),
    el("input", { type: "text", name: "reason", placeholder: t("reason"), required: "", maxlength: "1000" }),
    el("button", { type: "submit" }, t("save")),
    message,
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      const updated = await ctx.api.post(`/api/v1/tickets/${ticket.id}/deadline`, {
        arrival_deadline: localIso(form.deadline.value),
        reason: form.reason.value,
      });
      message.textContent = t("saved");
      ctx.changed(updated);
    } catch (error) {
      message.textContent = error.message;
    }
  };
  return form;
}

function assignForm(ticket, ctx) {
  const { t } = ctx;
  const engineers = ctx.technicians.filter((tech) =>
    ticket.mode === "outlet" ? tech.outlet_id === ticket.outlet_id : tech.plant_id === ticket.plant_id,
  );
  const message = el("p", { class: "message" });
  if (engineers.length === 0) return el("div", { class: "action" }, el("h4", {}, t("assign")), el("p", {}, t("no_engineers")));
  const select = el("select", { name: "technician" }, ...engineers.map((e) => el("option", { value: e.id }, e.name)));
  const form = el(
    "form",
    { class: "action", id: "assign-form" },
    el("h4", {}, t("assign")),
    select,
    el("button", { type: "submit" }, t("assign_button")),
    message,
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      await ctx.api.post("/api/v1/work-orders", { ticket_id: ticket.id, technician_id: select.value });
      message.textContent = t("saved");
      ctx.changed(await ctx.api.get(`/api/v1/tickets/${ticket.id}`));
    } catch (error) {
      message.textContent = error.message;
    }
  };
  return form;
}

async function entitlement(ticket, ctx, holder) {
  try {
    const found = await ctx.api.get(`/api/v1/tickets/${ticket.id}/entitlement`);
    const lines = Object.entries(found)
      .filter(([, v]) => v !== null && typeof v !== "object")
      .map(([k, v]) => `${k}: ${v}`);
    holder.replaceChildren(el("h4", {}, "Entitlement / 保修"), list(lines, "entitlement"));
  } catch {
    holder.replaceChildren();
  }
}

export function renderDetail(panel, ticket, ctx) {
  const { t, locale } = ctx;
  const d = ticket.decision;
  const parts = [
    el(
      "header",
      {},
      el("h3", {}, `${ticket.number} · ${t(`status_${ticket.status}`)}`),
      el("button", { class: "close", type: "button", onclick: ctx.close }, "×"),
    ),
    el("p", { class: "fault" }, ticket.fault.description),
    el(
      "dl",
      {},
      el("dt", {}, t("deadline")),
      el("dd", { id: "detail-deadline" }, when(ticket.arrival_deadline, locale)),
      el("dt", {}, t("response_deadline")),
      el("dd", {}, when(ticket.response_deadline, locale)),
    ),
  ];
  if (d) {
    const who = d.mode === "outlet" && d.outlet ? `${t("mode_outlet")}: ${d.outlet.name}` : t(`mode_${d.mode}`);
    parts.push(
      el("h4", {}, t("decision")),
      el("p", { class: "decision" }, `${who} · ${t("distance")} ${d.distance_km} km · ${t("policy")} ${d.policy.name} v${d.policy.version}`),
      el("h4", {}, t("explanation")),
      list(d.explanation, "explanation"),
    );
    if (d.warnings.length) parts.push(el("h4", {}, t("warnings")), list(d.warnings, "warnings"));
  }
  if (ticket.blocked_by && ticket.blocked_by.length) parts.push(el("h4", {}, t("blocked_by")), list(ticket.blocked_by, "blocked"));
  const entitlementHolder = el("div", { class: "entitlement" });
  parts.push(entitlementHolder);
  if (ticket.status === "needs_deadline") parts.push(deadlineForm(ticket, ctx));
  if (["new", "dispatched"].includes(ticket.status) && ticket.dispatchable) parts.push(assignForm(ticket, ctx));
  parts.push(
    el("h4", {}, t("timeline")),
    el(
      "ol",
      { class: "timeline" },
      ...(ticket.events || []).map((e) =>
        el("li", {}, el("time", {}, when(e.at, locale)), ` ${e.kind} · ${e.actor}`),
      ),
    ),
  );
  panel.replaceChildren(...parts);
  panel.dataset.ticketId = ticket.id;
  entitlement(ticket, ctx, entitlementHolder);
}
