"""Row scopes: which rows a caller may reach, as SQL conditions (the access table's list filters).

A :class:`RowScope` is built only by ``dispatch.access.policy.scope`` from the caller's token and
the access table; repositories apply it inside their queries, so a list is filtered in SQL by the
same rule that guards a single read (docs/security.md). An empty scope matches no row: it fails
closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, true

from storage.models import Asset, Outlet, Technician, Ticket, WorkOrder


@dataclass(frozen=True, slots=True)
class RowScope:
    """``everything``, or the rows tied to one outlet / one engineer's jobs / one ticket."""

    everything: bool = False
    outlet_id: uuid.UUID | None = None
    technician_id: uuid.UUID | None = None
    ticket_id: uuid.UUID | None = None
    closed_states: tuple[str, ...] = ()
    """Work-order states in which a former assignee no longer reaches the ticket."""


ALL = RowScope(everything=True)
"""Internal callers (lifecycle hooks, workers) after their own authorization."""


def engineer_tickets(scope: RowScope) -> ColumnElement[bool]:
    """Tickets with a work order assigned to the engineer, or formerly while it is still open."""
    me = scope.technician_id
    orders = select(WorkOrder.ticket_id).where(
        or_(
            WorkOrder.technician_id == me,
            WorkOrder.former_technician_ids.contains([me]) & WorkOrder.state.not_in(scope.closed_states),
        )
    )
    return Ticket.id.in_(orders)


def ticket_condition(scope: RowScope) -> ColumnElement[bool]:
    """The SQL condition on ``tickets`` for ``scope``."""
    if scope.everything:
        return true()
    if scope.ticket_id is not None:
        return Ticket.id == scope.ticket_id
    if scope.outlet_id is not None:
        return Ticket.outlet_id == scope.outlet_id
    if scope.technician_id is not None:
        return engineer_tickets(scope)
    return false()


def asset_condition(scope: RowScope) -> ColumnElement[bool]:
    """Assets reached through a ticket in ``scope`` (an outlet's or an engineer's)."""
    if scope.everything:
        return true()
    return Asset.id.in_(select(Ticket.asset_id).where(ticket_condition(scope), Ticket.asset_id.is_not(None)))


def technician_condition(scope: RowScope) -> ColumnElement[bool]:
    """An outlet's own engineers; an engineer's own record."""
    if scope.everything:
        return true()
    if scope.technician_id is not None:
        return Technician.id == scope.technician_id
    if scope.outlet_id is not None:
        return Technician.outlet_id == scope.outlet_id
    return false()


def outlet_condition(scope: RowScope) -> ColumnElement[bool]:
    """An outlet token reaches its own outlet's record only."""
    if scope.everything:
        return true()
    if scope.outlet_id is not None:
        return Outlet.id == scope.outlet_id
    return false()
