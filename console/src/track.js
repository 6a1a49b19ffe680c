// The customer's tracking page: reads /api/v1/track/{token} and follows its SSE stream.
// The server applies the privacy rule; this page only draws what it receives.
import * as L from "/static/vendor/leaflet/leaflet-src.esm.js";
import { latLngFor } from "./datum.js";

const TEXTS = {
  "zh-CN": {
    title: "服务进度", deadline: "承诺到达", eta: "预计到达", engineer: "服务工程师", arrived_at: "到达时间",
    report: "查看服务报告", scheduled: "已安排工程师", en_route: "工程师正在赶来", arrived: "工程师已到达",
    completed: "服务已完成", cancelled: "服务已取消", expired: "链接已失效", none: "—",
  },
  en: {
    title: "Service tracking", deadline: "Promised arrival", eta: "Estimated arrival", engineer: "Engineer",
    arrived_at: "Arrived at", report: "Service report", scheduled: "An engineer is scheduled",
    en_route: "Your engineer is on the way", arrived: "Your engineer has arrived", completed: "Service completed",
    cancelled: "Service cancelled", expired: "This link has expired", none: "—",
  },
};

const locale = (navigator.language || "zh-CN").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
const t = (key) => TEXTS[locale][key] ?? key;
const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const $ = (id) => document.getElementById(id);

// Shows a time in the customer's zone: the server already sends it with that zone's offset.
function localTime(iso, zone) {
  if (!iso) return t("none");
  const options = { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(new Date(iso));
  } catch {
    return iso.slice(5, 16).replace("T", " ");
  }
}

let map = null;
let marker = null;
let datum = "WGS84";

async function setUpMap() {
  const config = await fetch("/console/config.json").then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  datum = config.tile_datum || "WGS84";
  const element = $("map");
  element.hidden = false;
  map = L.map(element, { zoomControl: true, attributionControl: Boolean(config.tile_url) });
  map.setView([34.5, 106.0], 4);
  if (config.tile_url) {
    L.tileLayer(config.tile_url, { maxZoom: 18, attribution: config.tile_attribution || "" }).addTo(map);
  } else {
    element.classList.add("plain-map");
  }
  element.hidden = true;
}

function showPosition(position) {
  const element = $("map");
  if (!position || !map) {
    element.hidden = true;
    if (marker) { marker.remove(); marker = null; }
    return;
  }
  element.hidden = false;
  const at = latLngFor(position.lon, position.lat, datum);
  if (!marker) {
    const dot = document.createElement("div");
    dot.className = "engineer-dot";
    const icon = L.divIcon({ className: "engineer-marker", html: dot, iconSize: [24, 24] });
    marker = L.marker(at, { icon, title: t("engineer") }).addTo(map);
    // the map was hidden (zero size): measure it once laid out, then centre on the engineer
    requestAnimationFrame(() => { map.invalidateSize(); map.setView(marker.getLatLng(), 13); });
  } else {
    marker.setLatLng(at);
    if (!map.getBounds().contains(at)) map.panTo(at);
  }
  element.dataset.lon = String(position.lon);
  element.dataset.lat = String(position.lat);
}

function render(data) {
  document.body.dataset.state = data.state;
  $("state").textContent = t(data.state);
  $("deadline").textContent = localTime(data.arrival_deadline, data.timezone);
  $("eta").textContent = data.eta ? localTime(data.eta, data.timezone) : t("none");
  $("eta").dataset.eta = data.eta || "";
  $("engineer").textContent = data.engineer
    ? [data.engineer.name, data.engineer.company].filter(Boolean).join(" · ")
    : t("none");
  const arrived = Boolean(data.arrived_at);
  $("l-arrived").hidden = !arrived;
  $("arrived").hidden = !arrived;
  $("arrived").textContent = arrived ? localTime(data.arrived_at, data.timezone) : "";
  const report = $("report");
  report.hidden = !data.report_url;
  if (data.report_url) report.href = data.report_url;
  showPosition(data.position);
}

function expired() {
  document.body.dataset.state = "expired";
  $("status-card").textContent = t("expired");
  showPosition(null);
}

function follow() {
  const source = new EventSource(`/api/v1/track/${encodeURIComponent(token)}/events`);
  source.addEventListener("open", () => { $("live").dataset.status = "live"; });
  source.addEventListener("error", () => { $("live").dataset.status = "reconnecting"; });
  source.addEventListener("track", (event) => render(JSON.parse(event.data)));
  source.addEventListener("gone", () => { source.close(); expired(); });
}

async function main() {
  document.documentElement.lang = locale;
  document.title = t("title");
  $("title").textContent = t("title");
  for (const key of ["deadline", "eta", "engineer"]) $(`l-${key}`).textContent = t(key);
  $("l-arrived").textContent = t("arrived_at");
  $("report").textContent = t("report");
  await setUpMap();
  const response = await fetch(`/api/v1/track/${encodeURIComponent(token)}`);
  if (!response.ok) { expired(); return; }
  render(await response.json());
  document.body.dataset.ready = "true";
  follow();
}

main();
