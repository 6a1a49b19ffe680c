// The Leaflet map: tickets coloured by deadline risk, outlets with their coverage, engineers at
// their latest fixes. Every coordinate drawn goes through `latLngFor` (the tiles' datum).
import * as L from "/static/vendor/leaflet/leaflet-src.esm.js";
import { latLngFor } from "./datum.js";
import { RISK_COLOURS } from "./risk.js";

// Names come from users (outlets, engineers): Leaflet renders a string tooltip as HTML, so every
// tooltip is a text node (never markup).
const text = (value) => document.createTextNode(value);

// A data attribute on a layer's element, set again whenever Leaflet re-creates it (hide, show).
function tagged(layer, name, value) {
  const set = () => layer.getElement()?.setAttribute(name, value);
  layer.on("add", set);
  return layer;
}

const CHINA_CENTRE = [34.5, 106.0];

// One colour per engineer of a drawn plan, in route order (distinct on the plain and tiled maps).
export const ROUTE_COLOURS = ["#d81b60", "#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#6d4c41", "#3949ab"];

export function routeColour(index) {
  return ROUTE_COLOURS[index % ROUTE_COLOURS.length];
}

export class ConsoleMap {
  constructor(element, config, t) {
    this.datum = config.tile_datum || "WGS84";
    this.t = t;
    this.map = L.map(element, { zoomControl: true, preferCanvas: false }).setView(CHINA_CENTRE, 4);
    if (config.tile_url) {
      L.tileLayer(config.tile_url, {
        maxZoom: 18,
        subdomains: config.tile_subdomains || "abc",
        attribution: config.tile_attribution || "",
      }).addTo(this.map);
    } else {
      element.classList.add("plain-map");
      const note = L.control({ position: "bottomleft" });
      note.onAdd = () => {
        const div = L.DomUtil.create("div", "map-note");
        div.textContent = t("map_offline");
        return div;
      };
      note.addTo(this.map);
    }
    this.outletLayer = L.layerGroup().addTo(this.map);
    this.ticketLayer = L.layerGroup().addTo(this.map);
    this.engineerLayer = L.layerGroup().addTo(this.map);
    this.routeLayer = L.layerGroup().addTo(this.map);
    this.ticketMarkers = new Map();
    this.engineerMarkers = new Map();
    this.fitted = false;
  }

  ll(lon, lat) {
    return latLngFor(lon, lat, this.datum);
  }

  setOutlets(outlets) {
    this.outletLayer.clearLayers();
    const toLatLng = (c) => L.latLng(...this.ll(c[0], c[1]));
    for (const outlet of outlets) {
      const centre = this.ll(outlet.location.lon, outlet.location.lat);
      const style = { color: "#1565c0", weight: 1, fillOpacity: 0.05, className: "outlet-coverage" };
      if (outlet.service_area) {
        L.geoJSON(outlet.service_area, { coordsToLatLng: toLatLng, style }).addTo(this.outletLayer);
      } else if (outlet.service_radius_km) {
        L.circle(centre, { ...style, radius: outlet.service_radius_km * 1000 }).addTo(this.outletLayer);
      }
      const label = outlet.service_radius_km ? ` · ${this.t("radius", { km: outlet.service_radius_km })}` : "";
      L.circleMarker(centre, { radius: 5, color: "#1565c0", fillColor: "#fff", fillOpacity: 1, weight: 2, className: "outlet-marker" })
        .bindTooltip(text(`${this.t("outlet")}: ${outlet.name}${label}`))
        .addTo(this.outletLayer);
    }
  }

  // tickets: [{id, number, lon, lat, risk, selected}]
  setTickets(tickets, onClick) {
    const keep = new Set();
    for (const ticket of tickets) {
      keep.add(ticket.id);
      const colour = RISK_COLOURS[ticket.risk] || "#555";
      const position = this.ll(ticket.lon, ticket.lat);
      let marker = this.ticketMarkers.get(ticket.id);
      const style = {
        radius: ticket.selected ? 10 : 7,
        color: ticket.selected ? "#000" : "#fff",
        weight: 2,
        fillColor: colour,
        fillOpacity: 0.9,
        className: `ticket-marker risk-${ticket.risk}`,
      };
      if (!marker) {
        marker = L.circleMarker(position, style).addTo(this.ticketLayer);
        marker.on("click", () => onClick(ticket.id));
        this.ticketMarkers.set(ticket.id, marker);
      } else {
        marker.setLatLng(position);
        marker.setStyle(style);
      }
      marker.bindTooltip(text(`${ticket.number} · ${this.t(`risk_${ticket.risk}`)}`));
      const path = marker.getElement && marker.getElement();
      if (path) path.setAttribute("data-ticket-id", ticket.id);
    }
    for (const [id, marker] of this.ticketMarkers) {
      if (!keep.has(id)) {
        this.ticketLayer.removeLayer(marker);
        this.ticketMarkers.delete(id);
      }
    }
  }

  // position: {technician_id, name, lon, lat, heading, fix_time}
  setEngineer(position) {
    const at = this.ll(position.lon, position.lat);
    const heading = Number.isFinite(position.heading) ? position.heading : null;
    const arrow = heading === null ? "●" : "▲";
    const html = document.createElement("div"); // a DOM node, not markup (CSP: no inline style attributes)
    html.className = "engineer-icon";
    html.style.transform = `rotate(${heading || 0}deg)`;
    html.textContent = arrow;
    const icon = L.divIcon({ className: "engineer-marker", html, iconSize: [22, 22] });
    let marker = this.engineerMarkers.get(position.technician_id);
    if (!marker) {
      marker = L.marker(at, { icon, keyboard: false }).addTo(this.engineerLayer);
      this.engineerMarkers.set(position.technician_id, marker);
    } else {
      marker.setLatLng(at);
      marker.setIcon(icon);
    }
    marker.position = position;
    const element = marker.getElement();
    if (element) {
      element.setAttribute("data-technician-id", position.technician_id);
      element.setAttribute("data-lon", String(position.lon));
      element.setAttribute("data-lat", String(position.lat));
    }
    this.labelEngineer(marker);
  }

  labelEngineer(marker) {
    const p = marker.position;
    const ageMin = Math.max(0, Math.round((Date.now() - Date.parse(p.fix_time)) / 60000));
    const age = ageMin < 60 ? `${ageMin} min` : `${Math.floor(ageMin / 60)} h ${ageMin % 60} min`;
    const parts = [`${this.t("engineer")}: ${p.name || ""}`, this.t("fix_age", { age })];
    if (Number.isFinite(p.heading)) parts.push(this.t("heading", { deg: Math.round(p.heading) }));
    marker.bindTooltip(text(parts.join(" · ")));
  }

  refreshAges() {
    for (const marker of this.engineerMarkers.values()) this.labelEngineer(marker);
  }

  // A plan's routes: one coloured line per engineer and numbered stops; replaces the ones drawn.
  // routes: [{technician_id, name, colour, start, geometry, stops: [{ticket_id, label, location}]}]
  setRoutes(routes) {
    this.routeLayer.clearLayers();
    const points = [];
    for (const route of routes) points.push(...this.drawRoute(route));
    if (points.length > 0) this.map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 10, animate: false });
  }

  drawRoute(route) {
    const coordinates = (route.geometry && route.geometry.coordinates) || [];
    const points = coordinates.map(([lon, lat]) => this.ll(lon, lat));
    if (points.length >= 2) {
      const style = { color: route.colour, weight: 4, opacity: 0.85, className: "plan-route" };
      tagged(L.polyline(points, style), "data-technician-id", route.technician_id)
        .bindTooltip(text(`${this.t("engineer")}: ${route.name}`))
        .addTo(this.routeLayer);
    }
    const start = route.start || {};
    if (Number.isFinite(start.lon) && Number.isFinite(start.lat)) this.drawStart(route, start);
    route.stops.forEach((stop, index) => this.drawStop(route, stop, index + 1));
    return points;
  }

  // Where the engineer sets out from (latest fix, home, or the job they are on).
  drawStart(route, start) {
    const style = { radius: 5, color: route.colour, weight: 3, fillColor: "#fff", fillOpacity: 1, className: "plan-start" };
    L.circleMarker(this.ll(start.lon, start.lat), style)
      .bindTooltip(text(`${this.t("route_start", { source: this.t(`start_${start.source}`) })}: ${route.name}`))
      .addTo(this.routeLayer);
  }

  drawStop(route, stop, number) {
    const badge = document.createElement("div"); // a DOM node, not markup (CSP: no inline style attributes)
    badge.className = "plan-stop-number";
    badge.style.background = route.colour;
    badge.textContent = String(number);
    const icon = L.divIcon({ className: "plan-stop", html: badge, iconSize: [20, 20] });
    const marker = L.marker(this.ll(stop.location.lon, stop.location.lat), { icon, keyboard: false });
    tagged(marker, "data-ticket-id", stop.ticket_id)
      .bindTooltip(text(`${number}. ${stop.label} · ${route.name}`))
      .addTo(this.routeLayer);
  }

  showRoutes(visible) {
    if (visible) this.routeLayer.addTo(this.map);
    else this.routeLayer.remove();
  }

  focus(lon, lat) {
    this.map.panTo(this.ll(lon, lat), { animate: false });
  }

  fitOnce(points) {
    if (this.fitted || points.length === 0) return;
    this.fitted = true;
    const bounds = L.latLngBounds(points.map((p) => this.ll(p.lon, p.lat)));
    this.map.fitBounds(bounds.pad(0.2), { maxZoom: 7 });
  }
}
