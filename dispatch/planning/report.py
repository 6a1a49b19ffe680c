"""A solved plan as the JSON the API returns and the plan row keeps (times in the plant's zone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dispatch.planning.build import BuiltProblem
from dispatch.planning.routing import Solution, Violation
from geo.geojson import line_string

REASON_TEXT = {
    "no_skill": "no engineer of the deciding team (R-DI-1) has the skills",
    "unreachable": "no engineer can drive there",
    "deadline_unreachable": "no engineer can arrive in time or within the customer's windows, even alone",
    "capacity": "feasible alone, but the engineers' working time in the horizon is taken by more urgent visits",
    "no_engineer": "no engineer of the deciding team is available in the horizon",
}


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _detail(built: BuiltProblem, ticket_id: str, reason: str) -> str:
    if reason not in ("no_skill", "no_engineer"):
        return REASON_TEXT.get(reason, reason)
    job = built.jobs[[j.ticket_id for j in built.jobs].index(ticket_id)]
    team = [e for e in built.engineers if e.team == job.team]
    if not team or reason == "no_engineer":
        return f"no engineer of the deciding team {job.team} is available (R-DI-1)"
    visit = built.problem.visits[[v.id for v in built.problem.visits].index(ticket_id)]
    needed = sorted(visit.skills - {job.team})
    return f"no engineer of {job.team} has all of {needed} (R-DI-6)"


def report(built: BuiltProblem, solution: Solution, violations: Sequence[Violation] = ()) -> dict[str, Any]:
    """Routes with stops (arrival, deadline, slack), GeoJSON lines, totals, unassigned, reasons."""
    tz = built.epoch.tzinfo
    jobs = {j.ticket_id: j for j in built.jobs}
    locations = {v.id: v.location for v in built.problem.visits}
    bound = {v.id: v.deadline_s for v in built.problem.visits}
    routes: list[dict[str, Any]] = []
    met = missed = 0
    for engineer, vehicle in zip(built.engineers, built.problem.vehicles, strict=True):
        route = solution.route_of(vehicle.id)
        stops: list[dict[str, Any]] = []
        line = [built.points[vehicle.start]]
        for stop in route.stops if route else ():
            job = jobs[stop.visit_id]
            arrival = built.at(stop.arrival_s)
            slack = None
            late = stop.visit_id in built.late
            if job.deadline is not None:
                slack = int((job.deadline - arrival).total_seconds())
                # the bound the plan kept: the promise, or a customer window opening after it
                kept = bound[stop.visit_id]
                late = late or (stop.arrival_s > kept if kept is not None else slack < 0)
                met, missed = (met, missed + 1) if late else (met + 1, missed)
            stops.append(
                {
                    "ticket_id": job.ticket_id,
                    "ticket_number": job.number,
                    "work_order_id": job.work_order_id,
                    "urgency": job.urgency,
                    "arrival": _iso(arrival),
                    "service_start": _iso(built.at(stop.start_s)),
                    "service_end": _iso(built.at(stop.end_s)),
                    "deadline": _iso(job.deadline.astimezone(tz)) if job.deadline else None,
                    "slack_s": slack,
                    "late": late,
                    "pinned": job.pinned,
                    "location": {"lon": job.lon, "lat": job.lat},
                }
            )
            line.append(built.points[locations[stop.visit_id]])
        routes.append(
            {
                "technician_id": engineer.id,
                "name": engineer.name,
                "team": engineer.team,
                "start": {"lon": engineer.lon, "lat": engineer.lat, "source": engineer.start_source},
                "depart": _iso(built.at(route.depart_s)) if route and route.stops else None,
                "end": _iso(built.at(route.end_s)) if route and route.stops else None,
                "stops": stops,
                "breaks": [
                    {"start": _iso(built.at(b.start_s)), "end": _iso(built.at(b.end_s))}
                    for b in (route.breaks if route else ())
                ],
                "distance_m": route.distance if route else 0,
                "drive_s": route.travel_s if route else 0,
                "overtime_s": route.overtime_s if route else 0,
                "geometry": line_string(line) if len(line) >= 2 else None,
            }
        )
    no_vehicle = not built.problem.vehicles
    unassigned = []
    for item in solution.unassigned:
        job = jobs[item.visit_id]
        reason = "no_engineer" if no_vehicle else item.reason
        unassigned.append(
            {
                "ticket_id": job.ticket_id,
                "ticket_number": job.number,
                "work_order_id": job.work_order_id,
                "urgency": job.urgency,
                "deadline": _iso(job.deadline.astimezone(tz)) if job.deadline else None,
                "reason": reason,
                "detail": _detail(built, job.ticket_id, reason),
            }
        )
    return {
        "epoch": _iso(built.epoch),
        "routes": routes,
        "totals": {
            "stops": sum(len(r["stops"]) for r in routes),
            "distance_m": solution.distance,
            "drive_s": solution.travel_s,
            "overtime_s": solution.overtime_s,
            "deadlines_met": met,
            "deadlines_missed": missed,
            "unassigned": len(unassigned),
            "engineers_used": sum(1 for r in routes if r["stops"]),
        },
        "unassigned": unassigned,
        "excluded_engineers": [{"technician_id": x.engineer_id, "reason": x.reason} for x in built.excluded],
        "violations": [f"{v.code}: {v.detail}" for v in violations],
    }


def sequences_of(result: dict[str, Any]) -> dict[str, list[str]]:
    """Ticket ids per technician id, in route order, from a stored result."""
    return {r["technician_id"]: [s["ticket_id"] for s in r["stops"]] for r in result.get("routes", [])}
