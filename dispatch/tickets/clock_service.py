"""A ticket's clocks, judged now (``GET /api/v1/tickets/{id}/clocks``; docs/calendar.md).

Loads the facts (ticket, work orders, the quote blocker, the plant's hours, the calendar in
force, the policy's ``at_risk_share``), lets the pure ``clocks`` module build and judge them at
the injected clock's instant, and answers. Reads only; the same access as reading the ticket.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.access.policy import Action, Resource, scope
from dispatch.access.principal import Principal
from dispatch.calendar.arithmetic import working_time_between
from dispatch.calendar.days import DayCalendar
from dispatch.calendar.errors import CalendarNotCovered
from dispatch.calendar.hours import WorkingHours
from dispatch.calendar.service import CalendarService
from dispatch.errors import UnknownPolicy
from dispatch.field_work.states import WorkOrderState
from dispatch.tickets.clocks import (
    ClockState,
    Currency,
    Measure,
    Promise,
    TicketFacts,
    Visit,
    judge,
    ticket_promises,
)
from dispatch.tickets.dispatchability import blocked_by
from dispatch.tickets.policy import DEFAULT_AT_RISK_SHARE, DispatchPolicy, DispatchPolicyRegistry
from storage.models import Ticket
from storage.repositories.field_work import WorkOrderRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.warranty import WarrantyRepository

ENDED = frozenset({WorkOrderState.DECLINED, WorkOrderState.CANCELLED, WorkOrderState.HANDED_TO_OUTLET})
ARRIVAL_RULES = ("R-DI-2", "R-DI-3", "R-DI-4", "R-DI-5")


@dataclass(frozen=True, slots=True)
class Clock:
    promise: Promise
    state: ClockState


@dataclass(frozen=True, slots=True)
class Clocks:
    ticket_id: uuid.UUID
    now: datetime
    clocks: list[Clock]


class TicketClockService:
    def __init__(
        self,
        tickets: TicketRepository,
        work_orders: WorkOrderRepository,
        warranties: WarrantyRepository,
        calendar: CalendarService,
        policies: DispatchPolicyRegistry,
        clock: Callable[[], datetime],
    ) -> None:
        self.tickets = tickets
        self.work_orders = work_orders
        self.warranties = warranties
        self.calendar = calendar
        self.policies = policies
        self.clock = clock

    async def clocks(self, caller: Principal, ticket_id: uuid.UUID) -> Clocks:
        ticket = await self.tickets.get(ticket_id, scope(caller, Resource.TICKET, Action.READ))
        return await self.judged(ticket, self.clock())

    async def judged(self, ticket: Ticket, now: datetime) -> Clocks:
        """Every clock of ``ticket`` judged at ``now`` (the clock sweep calls this for each ticket)."""
        hours = (await self.calendar.hours_of(ticket.plant_id)).hours
        calendar = await self.calendar.calendar()
        policy = await self._policy(ticket)
        facts = await self._facts(ticket, policy)
        share = policy.at_risk_share if policy is not None else DEFAULT_AT_RISK_SHARE
        judged = [
            Clock(promise, judge(promise, now, share, _measure(promise.currency, calendar, hours)))
            for promise in ticket_promises(facts, calendar, hours)
        ]
        return Clocks(ticket.id, now.astimezone(hours.tz), judged)

    async def policy_of(self, ticket: Ticket) -> DispatchPolicy | None:
        return await self._policy(ticket)

    async def _facts(self, ticket: Ticket, policy: DispatchPolicy | None) -> TicketFacts:
        orders = await self.work_orders.for_ticket(ticket.id)
        events = await self.tickets.events(ticket.id)
        created_by = next((e.actor for e in events if e.kind == "created"), "unknown")
        rules = policy.rules if policy is not None else ()
        return TicketFacts(
            plant_id=ticket.plant_id,
            status=ticket.status,
            reported_at=ticket.reported_at,
            response_deadline=ticket.response_deadline,
            arrival_deadline=ticket.arrival_deadline,
            responded_at=ticket.responded_at,
            forwarded_at=ticket.forwarded_at,
            outlet_id=ticket.outlet_id,
            created_by=created_by,
            blocked_by=tuple(await blocked_by(self.warranties, ticket)),
            visits=tuple(
                Visit(
                    technician_id=order.technician_id,
                    arrived_at=order.arrived_at,
                    completed_at=order.completed_at,
                    reported_at=order.reported_at,
                    ended=WorkOrderState(order.state) in ENDED,
                )
                for order in sorted(orders, key=lambda o: o.created_at)
            ),
            arrival_rule=next((rule for rule in rules if rule in ARRIVAL_RULES), "R-DI-2"),
        )

    async def _policy(self, ticket: Ticket) -> DispatchPolicy | None:
        """The preset the ticket was decided under (its ``at_risk_share`` and arrival rule)."""
        if ticket.decision_id is None:
            return None
        decision = await self.tickets.decision(ticket.decision_id)
        try:
            return self.policies.get(decision.policy_name, decision.policy_version)
        except UnknownPolicy:
            return None


def _measure(currency: Currency, calendar: DayCalendar, hours: WorkingHours) -> Measure:
    if currency is Currency.WALL:
        return lambda start, end: end - start

    def working(start: datetime, end: datetime) -> timedelta:
        try:
            return working_time_between(start, end, calendar, hours).working
        except CalendarNotCovered:
            return end - start

    return working
