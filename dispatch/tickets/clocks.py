"""The promises a ticket runs against, as clocks (R-IN-3, R-IN-4, R-DI-1…5, R-FU-3).

Regulations promise time in two currencies. Wall-clock promises count every hour (respond within
0.5 h, R-IN-3; on site within 24/48/72 h, R-DI-1…5); working-time promises count only the plant's
working hours on working days (forward within 4 working hours, R-IN-4; report within 3 working
days, R-FU-3). Each clock has a start, a due instant, the event that keeps it, and who is
responsible; ``judge`` turns that into a state at an instant given by the caller's (injected)
clock, never the machine's:

- ``met`` — kept at or before the due instant; ``breached`` — kept late, or not kept and due passed;
- ``paused`` — not kept and standing still for a reason outside the responsible's hands (no
  deadline set yet, R-DI-3; a paid quote awaiting the customer, R-WA-7; the ticket closed);
  this first version shows the reason and does not move the due instant;
- ``at_risk`` — running with less than the policy's ``at_risk_share`` of its window left (the
  window and what is left measured in the clock's own currency); else ``running``.

Pure: ``ticket_promises`` takes the facts and the calendar, ``judge`` a promise and an instant.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from dispatch.calendar.arithmetic import add_working_time
from dispatch.calendar.days import DayCalendar, add_working_days, days_between
from dispatch.calendar.errors import CalendarNotCovered
from dispatch.calendar.hours import WorkingHours
from dispatch.tickets.dispatchability import CLOSED_STATES

FORWARDING_WORKING_HOURS = 4
"""R-IN-4: service information is passed on within 4 working hours."""
REPORT_WORKING_DAYS = 3
"""R-FU-3: the engineer's written report within 3 working days of the return."""


class Currency(StrEnum):
    WALL = "wall"
    WORKING = "working"


class ClockState(StrEnum):
    RUNNING = "running"
    AT_RISK = "at_risk"
    MET = "met"
    BREACHED = "breached"
    PAUSED = "paused"


Measure = Callable[[datetime, datetime], timedelta]
"""Time from the first instant to the second in a clock's currency."""


@dataclass(frozen=True, slots=True)
class Promise:
    name: str
    rule: str
    currency: Currency
    started_at: datetime
    due_at: datetime | None
    kept_at: datetime | None
    responsible: str
    estimated: bool = False
    """A working-time due counted through a year without a published notice."""
    paused_by: str | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    """What a work order tells the clocks."""

    technician_id: uuid.UUID | None
    arrived_at: datetime | None
    completed_at: datetime | None
    reported_at: datetime | None
    ended: bool = False
    """Declined, cancelled or handed to an outlet: no longer the one responsible."""


@dataclass(frozen=True, slots=True)
class TicketFacts:
    plant_id: uuid.UUID
    status: str
    reported_at: datetime
    response_deadline: datetime | None
    arrival_deadline: datetime | None
    responded_at: datetime | None
    forwarded_at: datetime | None
    outlet_id: uuid.UUID | None
    created_by: str
    blocked_by: tuple[str, ...] = ()
    visits: tuple[Visit, ...] = ()
    arrival_rule: str = "R-DI-2"
    """The arrival rule of the ticket's policy preset (R-DI-2 … R-DI-5)."""


def judge(promise: Promise, now: datetime, at_risk_share: float, measure: Measure) -> ClockState:
    """The clock's state at ``now`` (see the module docstring)."""
    due = promise.due_at
    if promise.kept_at is not None:
        return ClockState.MET if due is None or promise.kept_at <= due else ClockState.BREACHED
    if promise.paused_by is not None or due is None:
        return ClockState.PAUSED
    if now > due:
        return ClockState.BREACHED
    window = measure(promise.started_at, due)
    left = measure(max(now, promise.started_at), due)
    if window > timedelta(0) and left < window * at_risk_share:
        return ClockState.AT_RISK
    return ClockState.RUNNING


def ticket_promises(facts: TicketFacts, calendar: DayCalendar, hours: WorkingHours) -> list[Promise]:
    """The ticket's clocks, with instants in the plant's zone."""
    tz = hours.tz
    closed = f"ticket_{facts.status}" if facts.status in CLOSED_STATES else None
    promises: list[Promise] = []
    if facts.response_deadline is not None:
        promises.append(
            Promise(
                "response",
                "R-IN-3",
                Currency.WALL,
                facts.reported_at.astimezone(tz),
                facts.response_deadline.astimezone(tz),
                _local(facts.responded_at, hours),
                "dispatcher",
                paused_by=closed,
            )
        )
    promises.append(_forwarding(facts, calendar, hours, closed))
    promises.append(_arrival(facts, hours, closed))
    report = _report(facts.visits, calendar, hours)
    if report is not None:
        promises.append(report)
    return promises


def _forwarding(
    facts: TicketFacts, calendar: DayCalendar, hours: WorkingHours, closed: str | None
) -> Promise:
    try:
        due = add_working_time(facts.reported_at, timedelta(hours=FORWARDING_WORKING_HOURS), calendar, hours)
        due_at, estimated, paused = due.at, due.estimated, closed
    except CalendarNotCovered:
        due_at, estimated, paused = None, True, "calendar_not_covered"
    return Promise(
        "forwarding",
        "R-IN-4",
        Currency.WORKING,
        facts.reported_at.astimezone(hours.tz),
        due_at,
        _local(facts.forwarded_at, hours),
        facts.created_by,
        estimated=estimated,
        paused_by=paused,
    )


def _arrival(facts: TicketFacts, hours: WorkingHours, closed: str | None) -> Promise:
    arrivals = [v.arrived_at for v in facts.visits if v.arrived_at is not None]
    paused = closed
    if facts.arrival_deadline is None:
        paused = paused or "needs_deadline"
    elif "quote_unconfirmed" in facts.blocked_by:
        paused = paused or "quote_unconfirmed"
    current = [v for v in facts.visits if not v.ended and v.technician_id is not None]
    if current:
        responsible = f"technician:{current[-1].technician_id}"
    elif facts.outlet_id is not None:
        responsible = f"outlet:{facts.outlet_id}"
    else:
        responsible = f"plant:{facts.plant_id}"
    return Promise(
        "arrival",
        facts.arrival_rule,
        Currency.WALL,
        facts.reported_at.astimezone(hours.tz),
        facts.arrival_deadline.astimezone(hours.tz) if facts.arrival_deadline else None,
        _local(min(arrivals), hours) if arrivals else None,
        responsible,
        paused_by=paused,
    )


def _report(visits: Sequence[Visit], calendar: DayCalendar, hours: WorkingHours) -> Promise | None:
    """R-FU-3 from the first completion: due by the end of the 3rd working day after its day."""
    done = [(v.completed_at, index, v) for index, v in enumerate(visits) if v.completed_at is not None]
    if not done:
        return None
    first, _, visit = min(done, key=lambda item: (item[0], item[1]))
    completed = first.astimezone(hours.tz)
    try:
        last_day = add_working_days(completed.date(), REPORT_WORKING_DAYS, calendar)
        due_at: datetime | None = _midnight_after(last_day, hours)
        estimated, paused = _any_estimated(calendar, completed.date(), last_day), None
    except CalendarNotCovered:
        due_at, estimated, paused = None, True, "calendar_not_covered"
    return Promise(
        "report",
        "R-FU-3",
        Currency.WORKING,
        completed,
        due_at,
        _local(visit.reported_at, hours),
        f"technician:{visit.technician_id}",
        estimated=estimated,
        paused_by=paused,
    )


def _midnight_after(day: date, hours: WorkingHours) -> datetime:
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=hours.tz)


def _any_estimated(calendar: DayCalendar, first: date, last: date) -> bool:
    return any(calendar.estimated(year) for year in {d.year for d in days_between(first, last)})


def _local(value: datetime | None, hours: WorkingHours) -> datetime | None:
    return value.astimezone(hours.tz) if value is not None else None
