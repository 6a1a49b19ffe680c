"""Whether a ticket may be dispatched now, and if not, every reason why (``blocked_by``).

Each rule family adds its own reason code here, so the ticket view, work-order assignment (409)
and the console all ask one function:

- ``needs_deadline`` — the policy left the distance open (R-DI-3 gap): a dispatcher sets one first.
- ``quote_unconfirmed`` — the current entitlement is paid and the latest quote is neither
  confirmed by the customer nor overridden by an executive (R-WA-7).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.tickets.intake import TicketStatus
from storage.models import Ticket
from storage.repositories.warranty import WarrantyRepository

CLOSED_STATES = {TicketStatus.CLOSED.value, TicketStatus.CANCELLED.value, TicketStatus.RESOLVED.value}


async def blocked_by(session: AsyncSession, ticket: Ticket) -> list[str]:
    """Reason codes that stop dispatch, in a stable order; empty when the ticket may go."""
    reasons: list[str] = []
    if ticket.status in CLOSED_STATES:
        reasons.append(f"ticket_{ticket.status}")
    if ticket.status == TicketStatus.NEEDS_DEADLINE.value or ticket.arrival_deadline is None:
        reasons.append("needs_deadline")
    if await WarrantyRepository(session).quote_unconfirmed(ticket.id):
        reasons.append("quote_unconfirmed")
    return reasons
