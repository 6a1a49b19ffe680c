"""Whether a ticket may be dispatched now, and if not, every reason why (``blocked_by``).

Each rule family adds its own reason code here, so the ticket view, work-order assignment (409),
the route planner (``dispatch/planning/load.py``) and the console all ask one rule:

- ``needs_deadline`` — the policy left the distance open (R-DI-3 gap): a dispatcher sets one first.
- ``quote_unconfirmed`` — the current entitlement is paid and the latest quote is neither
  confirmed by the customer nor overridden by an executive (R-WA-7).
"""

from __future__ import annotations

from datetime import datetime

from dispatch.tickets.intake import TicketStatus
from storage.models import Ticket
from storage.repositories.warranty import WarrantyRepository

CLOSED_STATES = {TicketStatus.CLOSED.value, TicketStatus.CANCELLED.value, TicketStatus.RESOLVED.value}


def dispatch_blockers(status: str, arrival_deadline: datetime | None, quote_unconfirmed: bool) -> list[str]:
    """The one rule: reason codes that stop dispatch, in a stable order; empty when the ticket may go."""
    reasons: list[str] = []
    if status in CLOSED_STATES:
        reasons.append(f"ticket_{status}")
    if status == TicketStatus.NEEDS_DEADLINE.value or arrival_deadline is None:
        reasons.append("needs_deadline")
    if quote_unconfirmed:
        reasons.append("quote_unconfirmed")
    return reasons


async def blocked_by(warranties: WarrantyRepository, ticket: Ticket) -> list[str]:
    """``dispatch_blockers`` for one ticket row (the quote check is one lookup)."""
    unconfirmed = await warranties.quote_unconfirmed(ticket.id)
    return dispatch_blockers(ticket.status, ticket.arrival_deadline, unconfirmed)
