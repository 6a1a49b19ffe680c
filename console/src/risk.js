// The console's colour rule for a ticket against its promised arrival (R-DI-2); dispatch/live.py
// `deadline_risk` is the same rule (both are tested on the same cases).
//   late        the deadline has passed
//   at_risk     less than 25 % of the promised window (reported → deadline) is left, or under 2 h
//   ok          otherwise;  no_deadline: needs a deadline by hand;  done: resolved/closed/cancelled

export const AT_RISK_SHARE = 0.25;
export const AT_RISK_FLOOR_MS = 2 * 3600 * 1000;
export const DONE_STATES = new Set(["resolved", "closed", "cancelled"]);

export function deadlineRisk(nowMs, reportedAt, deadline, status) {
  if (DONE_STATES.has(status)) return "done";
  if (!deadline) return "no_deadline";
  const deadlineMs = Date.parse(deadline);
  const left = deadlineMs - nowMs;
  if (left <= 0) return "late";
  const window = Math.max(deadlineMs - Date.parse(reportedAt), 0);
  if (left < Math.max(window * AT_RISK_SHARE, AT_RISK_FLOOR_MS)) return "at_risk";
  return "ok";
}

export const RISK_COLOURS = {
  ok: "#2e7d32",
  at_risk: "#ef8f00",
  late: "#c62828",
  no_deadline: "#6a1b9a",
  done: "#78909c",
};

// "3 h 20 min" / "−1 h 05 min" style time left.
export function formatLeft(ms) {
  const sign = ms < 0 ? "−" : "";
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const h = Math.floor(minutes / 60);
  const m = String(minutes % 60).padStart(2, "0");
  return h > 0 ? `${sign}${h} h ${m} min` : `${sign}${minutes % 60} min`;
}
