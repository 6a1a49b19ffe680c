"""The clock sweep: a periodic job that watches every open ticket's clocks, records each one that
turns ``at_risk`` or ``breached``, and climbs the policy's escalation ladder (R-IN-3, R-IN-4,
R-DI-1…5, R-FU-3).

It runs on the job queue (``maintenance.clock_sweep`` every minute, ``api/worker.py``), never in
an API process; the job's scheduled time is its "now", so a late run judges the instant it was
due. Each change is told once: the sweep remembers the state it last saw and the escalation
steps it took (``ticket_clock_states``), writes a line on the ticket's audit trail naming who was
responsible (R-IN-4: a delay counts against the one who caused it), and publishes ``clock.*`` on
the live channel — the console hears it, and so does every webhook, e-mail or WeChat Work
subscription to those kinds (``dispatch/notifications``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.tickets.clock_service import Clock, TicketClockService
from dispatch.tickets.clocks import ClockState
from dispatch.tickets.dispatchability import CLOSED_STATES
from dispatch.tickets.policy import EscalationStep
from storage.models import Ticket, TicketClockState
from storage.repositories.tickets import ClockStateRepository, TicketRepository
from storage.unit_of_work import unit_of_work

SWEEP_TASK = "maintenance.clock_sweep"
ACTOR = "system:clock-sweep"
PAGE = 500
"""Tickets judged per transaction."""
TOLD = frozenset({ClockState.AT_RISK, ClockState.BREACHED})


@dataclass
class SweepReport:
    tickets: int = 0
    changes: int = 0
    escalations: int = 0


def due_steps(steps: Sequence[EscalationStep], clock: Clock, now: datetime) -> int:
    """How many of the ladder's steps this clock has reached (steps are in order)."""
    state, due_at = clock.state, clock.promise.due_at
    reached = 0
    for step in steps:
        if step.when == "at_risk" and state in TOLD:
            reached += 1
        elif step.when == "breached" and state is ClockState.BREACHED and due_at is not None:
            if now - due_at >= timedelta(hours=step.after_hours):
                reached += 1
            else:
                break
        else:
            break
    return reached


def _facts(ticket: Ticket, clock: Clock) -> dict[str, Any]:
    promise = clock.promise
    return {
        "ticket_id": str(ticket.id),
        "number": ticket.number,
        "plant_id": str(ticket.plant_id),
        "outlet_id": str(ticket.outlet_id) if ticket.outlet_id else None,
        "clock": promise.name,
        "rule": promise.rule,
        "state": clock.state.value,
        "due_at": promise.due_at.isoformat() if promise.due_at else None,
        "responsible": promise.responsible,
    }


class ClockSweep:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clocks: Callable[[AsyncSession], TicketClockService],
    ) -> None:
        self.sessions = sessions
        self.clocks = clocks

    async def run(self, now: datetime) -> SweepReport:
        report = SweepReport()
        after: uuid.UUID | None = None
        while True:
            async with unit_of_work(self.sessions) as session:
                states = ClockStateRepository(session)
                tickets = await states.open_tickets(sorted(CLOSED_STATES), after, PAGE)
                if not tickets:
                    return report
                await self._page(session, states, tickets, now, report)
            after = tickets[-1].id

    async def _page(
        self,
        session: AsyncSession,
        states: ClockStateRepository,
        tickets: list[Ticket],
        now: datetime,
        report: SweepReport,
    ) -> None:
        service = self.clocks(session)
        trail = TicketRepository(session)
        seen = await states.of([t.id for t in tickets])
        for ticket in tickets:
            report.tickets += 1
            policy = await service.policy_of(ticket)
            ladder = policy.escalation if policy is not None else ()
            for clock in (await service.judged(ticket, now)).clocks:
                row = seen.get((ticket.id, clock.promise.name))
                await self._see(states, trail, ticket, clock, row, ladder, now, report)

    async def _see(
        self,
        states: ClockStateRepository,
        trail: TicketRepository,
        ticket: Ticket,
        clock: Clock,
        row: TicketClockState | None,
        ladder: Sequence[EscalationStep],
        now: datetime,
        report: SweepReport,
    ) -> None:
        state = clock.state
        if row is None:
            row = TicketClockState(
                ticket_id=ticket.id,
                name=clock.promise.name,
                state=state.value,
                since=now,
                escalated=0,
                responsible=clock.promise.responsible,
            )
            states.add(row)
            changed = state in TOLD
        else:
            changed = row.state != state.value and state in TOLD
            if row.state != state.value:
                row.state, row.since = state.value, now
            row.responsible = clock.promise.responsible
        facts = _facts(ticket, clock)
        if changed:
            report.changes += 1
            await trail.record(ticket.id, ACTOR, f"clock_{state.value}", facts)
            await states.publish(f"clock.{state.value}", ticket.id, facts)
        reached = due_steps(ladder, clock, now)
        for level in range(row.escalated or 0, reached):
            step = ladder[level]
            escalation = {**facts, "level": level + 1, "to": step.to, "after_hours": step.after_hours}
            await trail.record(ticket.id, ACTOR, "clock_escalated", escalation)
            await states.publish("clock.escalated", ticket.id, escalation)
            report.escalations += 1
        row.escalated = max(row.escalated or 0, reached)
