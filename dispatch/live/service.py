"""Live events for the console and the tracking page: their shape, who may see them, deadline risk.

Database triggers (migrations ``0005_live``, ``0011_job_queue``) journal every ticket, work-order,
latest-position and plan-progress change in ``live_events`` and announce it with ``pg_notify`` on :data:`CHANNEL`; each API process
listens on that channel and streams the events its callers may see (R-DI-9: keep people informed).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from dispatch.access.policy import Action, Resource, allowed_roles, scope
from dispatch.access.principal import Principal
from dispatch.errors import NotPermitted
from storage.models.live import LiveEvent

CHANNEL = "aftersales_live"
"""The PostgreSQL NOTIFY channel the triggers publish on (same string in ``0005_live``)."""
TOPICS = ("tickets", "work_orders", "positions", "plans", "clocks")
RESUME_LIMIT = 1000
"""At most this many journalled events are replayed after ``Last-Event-ID``."""


@dataclass(frozen=True, slots=True)
class LiveMessage:
    """One change, as streamed: ``id`` is the journal id (the SSE ``id:`` field)."""

    id: int
    topic: str
    kind: str
    subject: uuid.UUID | None
    at: str
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "topic": self.topic,
                "kind": self.kind,
                "subject": str(self.subject) if self.subject else None,
                "at": self.at,
                "data": self.data,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def parse_notification(payload: bytes | str) -> LiveMessage:
    """A ``pg_notify`` payload written by ``live_publish`` → :class:`LiveMessage`."""
    raw = json.loads(payload)
    subject = raw.get("subject")
    return LiveMessage(
        id=int(raw["id"]),
        topic=str(raw["topic"]),
        kind=str(raw["kind"]),
        subject=uuid.UUID(subject) if subject else None,
        at=str(raw["at"]),
        data=dict(raw.get("data") or {}),
    )


def from_row(row: LiveEvent) -> LiveMessage:
    return LiveMessage(row.id, row.topic, row.kind, row.subject, row.at.isoformat(), dict(row.data))


def can_subscribe(principal: Principal) -> bool:
    """Whoever the access table lets list live events (engineers have ``/api/v1/me/jobs``)."""
    return principal.role in allowed_roles(Resource.LIVE_EVENT, Action.LIST)


def visible_to(message: LiveMessage, principal: Principal) -> bool:
    """By the access table: "any" sees everything; an outlet only its own outlet's tickets."""
    try:
        rows = scope(principal, Resource.LIVE_EVENT, Action.LIST)
    except NotPermitted:
        return False
    if rows.everything:
        return True
    return (
        rows.outlet_id is not None
        and message.topic in ("tickets", "clocks")
        and message.data.get("outlet_id") == str(rows.outlet_id)
    )


def parse_topics(text: str | None) -> frozenset[str] | None:
    """``tickets,positions`` → the set; ``None`` (all). Unknown names are a ``ValueError``."""
    if text is None or not text.strip():
        return None
    names = frozenset(name.strip() for name in text.split(",") if name.strip())
    unknown = names - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown topic(s) {', '.join(sorted(unknown))}; known: {', '.join(TOPICS)}")
    return names


def wanted(message: LiveMessage, principal: Principal, topics: frozenset[str] | None) -> bool:
    return (topics is None or message.topic in topics) and visible_to(message, principal)


class DeadlineRisk(StrEnum):
    """How a ticket stands against its promised arrival (R-DI-2), as the console colours it."""

    OK = "ok"
    AT_RISK = "at_risk"
    LATE = "late"
    NO_DEADLINE = "no_deadline"
    DONE = "done"


AT_RISK_SHARE = 0.25
"""At risk when less than this share of the promised window is left …"""
AT_RISK_FLOOR = timedelta(hours=2)
"""… or less than this much time, whichever comes first (the larger threshold)."""
DONE_STATES = frozenset({"resolved", "closed", "cancelled"})


def deadline_risk(
    now: datetime, reported_at: datetime, deadline: datetime | None, status: str
) -> DeadlineRisk:
    """The console's colour rule; ``console/src/risk.js`` implements the same (tested alike)."""
    if status in DONE_STATES:
        return DeadlineRisk.DONE
    if deadline is None:
        return DeadlineRisk.NO_DEADLINE
    left = deadline - now
    if left <= timedelta(0):
        return DeadlineRisk.LATE
    window = max(deadline - reported_at, timedelta(0))
    if left < max(window * AT_RISK_SHARE, AT_RISK_FLOOR):
        return DeadlineRisk.AT_RISK
    return DeadlineRisk.OK
