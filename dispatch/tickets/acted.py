"""When the office first acted on a ticket: what keeps its response and forwarding clocks.

R-IN-3: an urgent call is answered (planned) within 0.5 h; R-IN-4: whoever receives it passes it
on to the department that does the work within 4 working hours. The first office action on a
ticket (a deadline set, a work order assigned, by hand or by a committed plan) is its response;
the first assignment to an engineer is its forwarding. Later actions change neither instant.
"""

from __future__ import annotations

from datetime import datetime

from storage.models import Ticket


def note_acted(ticket: Ticket, at: datetime, *, forwarded: bool = False) -> None:
    """Stamp the first response (and, for a hand-over, the first forwarding) of ``ticket``."""
    if ticket.responded_at is None:
        ticket.responded_at = at
    if forwarded and ticket.forwarded_at is None:
        ticket.forwarded_at = at
