"""Which live change concerns a customer's tracking page (R-TR-2, R-TR-5): a pure rule.

The page shows one ticket, its work order and, while the engineer is on the way, the engineer's
position. A change matters to the page when it touches that ticket, a work order of it or of its
engineer (the engineer's other jobs move the ETA), or that engineer's position; the stream
(``api.live_stream``) recomputes the page only for such changes.
"""

from __future__ import annotations

from dispatch.customer_tracking.links import ResolvedLink
from dispatch.live.service import LiveMessage


def concerns(event: LiveMessage, page: ResolvedLink) -> bool:
    """Does this change touch the page: its ticket, its work orders, its engineer's position/jobs."""
    ticket, technician = str(page.ticket_id), page.view.technician_id
    if event.topic == "tickets":
        return str(event.subject) == ticket
    if event.topic == "work_orders":
        return event.data.get("ticket_id") == ticket or (
            technician is not None and event.data.get("technician_id") == str(technician)
        )
    return event.topic == "positions" and technician is not None and event.subject == technician
