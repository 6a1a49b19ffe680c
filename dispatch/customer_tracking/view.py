"""What a tracking link shows, computed from :class:`TrackingFacts` (pure: no I/O).

Privacy (R-TR-2): the engineer's position is shown only while *this* ticket's work order is
``en_route``, from fixes taken after its departure, and never while the engineer has another
job in progress. ETA (R-TR-3): the travel-time model from the latest plausible fix, through the
committed plan's unfinished stops before this one (their planned service time included), or the
direct leg once the engineer has left for this customer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispatch.field_work.states import WorkOrderState
from geo.coordinates import LonLat
from geo.traveltime import TravelModel
from storage.repositories.customer_tracking import TrackingFacts

W = WorkOrderState
INACTIVE = frozenset({W.DECLINED.value, W.CANCELLED.value, W.HANDED_TO_OUTLET.value})
"""Work orders a page ignores when another one exists for the ticket."""
DONE = frozenset({W.COMPLETED.value, W.REPORTED.value})
BUSY = (W.EN_ROUTE.value, W.ON_SITE.value, W.WORKING.value, W.AWAITING_SIGNOFF.value, W.PAUSED.value)
"""An engineer in one of these states for another ticket is serving someone else."""
FINISHED = INACTIVE | DONE
BEFORE_DEPARTURE = frozenset({W.ASSIGNED.value, W.ACCEPTED.value})


@dataclass(frozen=True, slots=True)
class PositionView:
    lon: float
    lat: float
    fix_time: datetime


@dataclass(frozen=True, slots=True)
class TrackingView:
    """The page's data (the JSON of ``GET /api/v1/track/{token}``), times in the customer's zone."""

    state: str
    arrival_deadline: datetime | None
    eta: datetime | None
    engineer_name: str | None
    company: str | None
    position: PositionView | None
    arrived_at: datetime | None
    completed: bool
    timezone: str
    technician_id: uuid.UUID | None
    """Internal: whose position changes concern this page (never sent to the customer)."""


def public_state(ticket_status: str, work_order_state: str | None) -> str:
    """The few states a customer sees: scheduled, en_route, arrived, completed, cancelled."""
    if work_order_state in DONE or (work_order_state is None and ticket_status in ("resolved", "closed")):
        return "completed"
    if ticket_status == "cancelled" or (work_order_state in INACTIVE and ticket_status == "cancelled"):
        return "cancelled"
    if work_order_state == W.EN_ROUTE.value:
        return "en_route"
    if work_order_state is not None and work_order_state not in BEFORE_DEPARTURE | INACTIVE:
        return "arrived"  # on site, working, paused, in the factory … : the engineer has been here
    return "scheduled"


def first_name(full: str) -> str:
    """Latin names: the first word (``Wang Lei`` → ``Wang``); Chinese names: surname + 师傅."""
    name = full.strip()
    if not name:
        return ""
    if any("\u4e00" <= ch <= "\u9fff" for ch in name[:1]):
        return f"{name[0]}师傅"
    return name.split()[0]


def may_show_position(facts: TrackingFacts) -> bool:
    """R-TR-2: en route to this customer, a fix taken after departure, no other job in progress."""
    order, latest = facts.work_order, facts.latest
    if order is None or latest is None or order.state != W.EN_ROUTE.value or facts.busy_elsewhere:
        return False
    return facts.departed_at is not None and latest.fix_time >= facts.departed_at


def _legs_s(model: TravelModel, points: list[LonLat]) -> int:
    if len(points) < 2:
        return 0
    matrix = model.matrix(points[:-1], points[1:])
    return int(sum(int(matrix.seconds[i, i]) for i in range(len(points) - 1)))


def _service_s(stop: dict[str, Any]) -> int:
    try:
        start = datetime.fromisoformat(str(stop["service_start"]))
        end = datetime.fromisoformat(str(stop["service_end"]))
    except (KeyError, ValueError):
        return 0
    return max(int((end - start).total_seconds()), 0)


def estimate(facts: TrackingFacts, model: TravelModel, now: datetime, en_route: bool) -> datetime | None:
    """R-TR-3: the ETA at this customer, or None when nothing sound can be said."""
    latest, ticket = facts.latest, facts.ticket
    if latest is None:
        return None
    origin = LonLat(latest.lon, latest.lat)
    site = LonLat(ticket.site_lon, ticket.site_lat)
    if en_route:
        points, service = [origin, site], 0
    else:
        before: list[dict[str, Any]] = []
        for stop in facts.route_stops:
            if str(stop.get("ticket_id")) == str(ticket.id):
                break
            ticket_id = uuid.UUID(str(stop["ticket_id"]))
            if facts.stop_states.get(ticket_id) not in FINISHED:
                before.append(stop)
        else:
            return None  # this ticket is on no committed route of the engineer
        points = [origin, *(LonLat(s["location"]["lon"], s["location"]["lat"]) for s in before), site]
        service = sum(_service_s(s) for s in before)
    seconds = _legs_s(model, points) + service
    return max(latest.fix_time + timedelta(seconds=seconds), now)


def build_view(facts: TrackingFacts, model: TravelModel, now: datetime) -> TrackingView:
    ticket, order = facts.ticket, facts.work_order
    zone = ZoneInfo(ticket.timezone or "Asia/Shanghai")
    state = public_state(ticket.status, order.state if order else None)
    shown = may_show_position(facts)
    position = None
    if shown and facts.latest is not None:
        latest = facts.latest
        position = PositionView(latest.lon, latest.lat, latest.fix_time.astimezone(zone))
    eta = None
    if state == "en_route" and shown:
        eta = estimate(facts, model, now, en_route=True)
    elif state == "scheduled" and order is not None and order.technician_id is not None:
        eta = estimate(facts, model, now, en_route=False)
    # a cancelled ticket or a cancelled/declined/handed-over job names nobody (R-TR-2)
    assigned = order is not None and order.state not in INACTIVE
    engineer = facts.engineer if state != "cancelled" and assigned else None

    def local(value: datetime | None) -> datetime | None:
        return value.astimezone(zone) if value is not None else None

    return TrackingView(
        state=state,
        arrival_deadline=local(ticket.arrival_deadline),
        eta=local(eta),
        engineer_name=first_name(engineer.name) if engineer else None,
        company=engineer.company if engineer else None,
        position=position,
        arrived_at=local(order.arrived_at) if order and state in ("arrived", "completed") else None,
        completed=state == "completed",
        timezone=zone.key,
        technician_id=order.technician_id if order else None,
    )
