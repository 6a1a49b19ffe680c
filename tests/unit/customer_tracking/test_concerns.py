"""Which live change concerns a customer's tracking page (R-TR-2, R-TR-5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from dispatch.customer_tracking.links import ResolvedLink
from dispatch.customer_tracking.live import concerns
from dispatch.live.service import LiveMessage

TICKET, OTHER, ENGINEER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@dataclass
class _View:
    technician_id: uuid.UUID | None


def page(technician: uuid.UUID | None) -> ResolvedLink:
    return ResolvedLink(uuid.uuid4(), TICKET, cast(Any, _View(technician)))


def event(topic: str, subject: uuid.UUID | None, **data: str) -> LiveMessage:
    return LiveMessage(1, topic, f"{topic}.updated", subject, "2030-01-01T00:00:00+00:00", dict(data))


def test_its_ticket_and_not_another() -> None:
    assert concerns(event("tickets", TICKET), page(None))
    assert not concerns(event("tickets", OTHER), page(None))


def test_work_orders_of_its_ticket_or_of_its_engineer() -> None:
    assert concerns(event("work_orders", uuid.uuid4(), ticket_id=str(TICKET)), page(None))
    other_job = event("work_orders", uuid.uuid4(), ticket_id=str(OTHER), technician_id=str(ENGINEER))
    assert concerns(other_job, page(ENGINEER))  # the engineer's earlier job moves the ETA
    assert not concerns(other_job, page(None))


def test_positions_only_of_its_engineer() -> None:
    assert concerns(event("positions", ENGINEER), page(ENGINEER))
    assert not concerns(event("positions", OTHER), page(ENGINEER))
    assert not concerns(event("positions", ENGINEER), page(None))
