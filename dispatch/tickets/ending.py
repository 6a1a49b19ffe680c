"""How a ticket ends (R-IN-6): solved by phone or remotely without a visit, cancelled with a
reason, or closed once its work is done and its evidence complete.

Each end is an audited transition with its role rule (the access table's ``ticket end`` rows):

- **resolve remotely** (office, or the outlet that holds the ticket): the fault was solved by
  phone guidance or remote support (R-IN-6: try that first). Work orders that have not started
  (assigned, accepted, declined) are cancelled with it; one already on its way or on site must
  be cancelled or finished first (409).
- **cancel** (office): the customer withdrew, a duplicate call … Every open work order is
  cancelled through the work-order machine, which refuses what it must (409 names the state).
- **close** (office, QA): only a resolved ticket; if an engineer was on site, the evidence must
  be complete (the same verdict as the evidence sign-off, R-OS-3/4).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dispatch.access.policy import Action, Resource, scope
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, StateConflict
from dispatch.evidence.service import EvidenceService
from dispatch.field_work.service import EventInput, WorkOrderService
from dispatch.field_work.states import TERMINAL_STATES, WorkOrderState
from dispatch.tickets.intake import TicketStatus
from storage.models import Ticket
from storage.repositories.field_work import WorkOrderRepository
from storage.repositories.tickets import TicketRepository

MAX_TEXT = 2000
NOT_STARTED = frozenset({WorkOrderState.ASSIGNED, WorkOrderState.ACCEPTED, WorkOrderState.DECLINED})
"""Work orders a remote resolution may cancel on its own: nobody has set out yet."""
VISITED = frozenset(
    {
        WorkOrderState.ON_SITE,
        WorkOrderState.WORKING,
        WorkOrderState.AWAITING_SIGNOFF,
        WorkOrderState.AWAITING_RETURN_APPROVAL,
        WorkOrderState.RETURN_APPROVED,
        WorkOrderState.IN_FACTORY,
        WorkOrderState.AWAITING_INSPECTION,
        WorkOrderState.INSPECTED,
        WorkOrderState.COMPLETED,
        WorkOrderState.REPORTED,
    }
)
OPEN_TICKET = frozenset(
    {TicketStatus.NEW, TicketStatus.NEEDS_DEADLINE, TicketStatus.DISPATCHED, TicketStatus.IN_PROGRESS}
)


class RemoteMethod(StrEnum):
    PHONE = "phone"
    REMOTE = "remote"


@dataclass(frozen=True, slots=True)
class RemoteResolution:
    method: str
    advice: str
    """What the customer was told to do (kept for the next call about this asset)."""
    customer_confirmed: bool
    confirmed_by: str | None = None
    """Who at the customer confirmed the fault is gone."""


def _text(name: str, value: str | None, *, required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise InvalidInput(name, f"{name} is required")
        return None
    if len(value) > MAX_TEXT:
        raise InvalidInput(name, f"at most {MAX_TEXT} characters")
    return value.strip()


class TicketEnding:
    def __init__(
        self,
        tickets: TicketRepository,
        work_orders: WorkOrderRepository,
        work_order_service: WorkOrderService,
        evidence: EvidenceService,
        clock: Callable[[], datetime],
    ) -> None:
        self.tickets = tickets
        self.work_orders = work_orders
        self.work_order_service = work_order_service
        self.evidence = evidence
        self.clock = clock

    async def _ticket(self, caller: Principal, ticket_id: uuid.UUID, action: Action) -> Ticket:
        return await self.tickets.get(ticket_id, scope(caller, Resource.TICKET_END, action))

    async def _open_orders(self, ticket: Ticket) -> list[tuple[uuid.UUID, WorkOrderState]]:
        rows = await self.work_orders.for_ticket(ticket.id)
        return [
            (r.id, WorkOrderState(r.state)) for r in rows if WorkOrderState(r.state) not in TERMINAL_STATES
        ]

    async def _cancel_orders(self, caller: Principal, ticket: Ticket, reason: str) -> list[str]:
        cancelled = []
        for work_order_id, _ in await self._open_orders(ticket):
            await self.work_order_service.send(
                caller,
                EventInput(uuid.uuid4(), work_order_id, "cancel", data={"reason": reason}),
            )
            cancelled.append(str(work_order_id))
        return cancelled

    async def resolve_remotely(
        self, caller: Principal, ticket_id: uuid.UUID, data: RemoteResolution
    ) -> Ticket:
        ticket = await self._ticket(caller, ticket_id, Action.CREATE)
        if data.method not in {m.value for m in RemoteMethod}:
            raise InvalidInput("method", "phone or remote")
        advice = _text("advice", data.advice, required=True)
        confirmed_by = _text("confirmed_by", data.confirmed_by, required=data.customer_confirmed)
        if TicketStatus(ticket.status) not in OPEN_TICKET:
            raise StateConflict(f"ticket {ticket.number} is {ticket.status}: only an open ticket is resolved")
        started = [(w, s) for w, s in await self._open_orders(ticket) if s not in NOT_STARTED]
        if started:
            work_order, state = started[0]
            raise StateConflict(
                f"work order {work_order} is {state.value}: cancel it or let it finish before "
                "resolving the ticket remotely"
            )
        cancelled = await self._cancel_orders(caller, ticket, f"resolved by {data.method}")
        ticket.status = TicketStatus.RESOLVED.value
        await self.tickets.record(
            ticket.id,
            caller.label,
            "resolved_remotely",
            {
                "method": data.method,
                "advice": advice,
                "customer_confirmed": data.customer_confirmed,
                "confirmed_by": confirmed_by,
                "work_orders_cancelled": cancelled,
                "at": self.clock().isoformat(),
            },
        )
        await self.tickets.refresh(ticket)
        return ticket

    async def cancel(self, caller: Principal, ticket_id: uuid.UUID, reason: str) -> Ticket:
        ticket = await self._ticket(caller, ticket_id, Action.DELETE)
        why = _text("reason", reason, required=True)
        assert why is not None
        if TicketStatus(ticket.status) not in OPEN_TICKET:
            raise StateConflict(
                f"ticket {ticket.number} is {ticket.status}: only an open ticket is cancelled"
            )
        cancelled = await self._cancel_orders(caller, ticket, why)
        ticket.status = TicketStatus.CANCELLED.value
        await self.tickets.record(
            ticket.id,
            caller.label,
            "cancelled",
            {"reason": why, "work_orders_cancelled": cancelled, "at": self.clock().isoformat()},
        )
        await self.tickets.refresh(ticket)
        return ticket

    async def close(self, caller: Principal, ticket_id: uuid.UUID, note: str | None) -> Ticket:
        ticket = await self._ticket(caller, ticket_id, Action.DECIDE)
        text = _text("note", note, required=False)
        if ticket.status != TicketStatus.RESOLVED.value:
            raise StateConflict(
                f"ticket {ticket.number} is {ticket.status}: only a resolved ticket is closed"
            )
        rows = await self.work_orders.for_ticket(ticket.id)
        visited = any(WorkOrderState(r.state) in VISITED for r in rows)
        evidence = None
        if visited:
            verdict = await self.evidence.completeness(caller, ticket.id)
            if not verdict.complete:
                missing = ", ".join(verdict.missing + verdict.below_threshold)
                raise StateConflict(
                    f"ticket {ticket.number}: the visit's evidence is not complete ({missing})"
                )
            evidence = verdict.as_dict()
        ticket.status = TicketStatus.CLOSED.value
        await self.tickets.record(
            ticket.id,
            caller.label,
            "closed",
            {"note": text, "evidence": evidence, "at": self.clock().isoformat()},
        )
        await self.tickets.refresh(ticket)
        return ticket
