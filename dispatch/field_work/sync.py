"""Offline sync, the pure part: what to answer for one event of a ``POST /api/v1/sync`` batch.

The app queues events offline, each with a client-generated UUID, and replays them later,
possibly more than once. ``classify`` decides per event:

- the id was seen with the same content → ``duplicate``, answering the original result;
- the id was seen with different content → ``mismatch`` (the API answers 422);
- the job was reassigned away from, or closed over, the sending engineer while offline →
  ``conflict``: recorded and shown to both sides, never silently dropped;
- otherwise the state machine decides: ``applied`` or ``rejected`` (with the reason).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from dispatch.field_work.machine import apply
from dispatch.field_work.model import (
    Actor,
    Event,
    JSONValue,
    Rejection,
    Transition,
    WorkOrderSnapshot,
)
from dispatch.field_work.states import CLOSED_BY_DISPATCHER, ActorRole, WorkOrderState


class SyncStatus(StrEnum):
    """The per-event answer of ``POST /api/v1/sync``; ``mismatch`` becomes a 422."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    MISMATCH = "mismatch"


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """What the server kept of an event it already answered: enough to answer it again."""

    id: UUID
    content_hash: str
    status: SyncStatus
    state: WorkOrderState | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SyncResult:
    """The answer for one event, and what to store (``transition`` when applied)."""

    id: UUID
    status: SyncStatus
    content_hash: str
    state: WorkOrderState | None = None
    reason: str | None = None
    transition: Transition | None = None
    rejection: Rejection | None = None

    def stored(self) -> StoredEvent:
        """The record to keep so that a replay of this event gets the same answer."""
        return StoredEvent(self.id, self.content_hash, self.status, self.state, self.reason)


def content_hash(event: Event) -> str:
    """SHA-256 of the event's canonical content: everything but its id.

    Canonical form: JSON with sorted keys and no whitespace; the device time in UTC ISO-8601
    with microseconds; integral floats written as integers (``1.0`` and ``1`` are the same
    content whatever JSON library decoded them).
    """
    device_time = event.device_time
    position: JSONValue = [event.position.lon, event.position.lat] if event.position else None
    content: dict[str, JSONValue] = {
        "work_order_id": str(event.work_order_id),
        "type": event.type.value,
        "device_time": _utc_iso(device_time) if device_time is not None else None,
        "device_id": event.device_id,
        "position": position,
        "data": dict(event.data),
    }
    text = json.dumps(
        _normalise(content),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def classify(
    existing: StoredEvent | None,
    incoming: Event,
    *,
    work_order: WorkOrderSnapshot,
    actor: Actor,
    now: datetime,
) -> SyncResult:
    """The sync answer for ``incoming``, given what is stored under its id (if anything).

    ``work_order`` is the job's current snapshot (after the events before this one in the
    batch were applied); ``actor`` the authenticated sender; ``now`` the server time.
    """
    digest = content_hash(incoming)
    if existing is not None:
        if existing.content_hash == digest:
            return SyncResult(incoming.id, SyncStatus.DUPLICATE, digest, existing.state, existing.reason)
        return SyncResult(incoming.id, SyncStatus.MISMATCH, digest, reason="same id, different content")
    conflict = _conflict(work_order, actor)
    if conflict is not None:
        return SyncResult(incoming.id, SyncStatus.CONFLICT, digest, work_order.state, reason=conflict)
    outcome = apply(work_order, incoming, actor, now)
    if isinstance(outcome, Rejection):
        return SyncResult(
            incoming.id,
            SyncStatus.REJECTED,
            digest,
            outcome.state,
            reason=outcome.code.value,
            rejection=outcome,
        )
    return SyncResult(incoming.id, SyncStatus.APPLIED, digest, outcome.state, transition=outcome)


def _conflict(wo: WorkOrderSnapshot, actor: Actor) -> str | None:
    """Why an engineer's offline event collides with what the dispatcher did meanwhile."""
    if actor.role is not ActorRole.ENGINEER or actor.id is None:
        return None
    if wo.technician_id != actor.id and actor.id in wo.former_technician_ids:
        return "reassigned"
    if wo.technician_id == actor.id and wo.state in CLOSED_BY_DISPATCHER:
        return wo.state.value
    return None


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is None:
        return value.isoformat(timespec="microseconds")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _normalise(value: JSONValue) -> JSONValue:
    """Make equal content serialise equally (integral floats → ints, recursively)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value
