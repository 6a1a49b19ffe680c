"""The values the state machine reads and returns: no database rows, no HTTP.

``apply(work_order, event, actor, now)`` takes a ``WorkOrderSnapshot`` (the facts the service
loaded), an ``Event`` (parsed from the app or from QA / the dispatcher) and an ``Actor``, and
returns either a ``Transition`` (with the new snapshot to save) or a ``Rejection``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeAlias
from uuid import UUID

from dispatch.field_work.checklists import ChecklistCode
from dispatch.field_work.clock import TimeSource
from dispatch.field_work.states import ActorRole, EventType, WorkOrderState
from geo.coordinates import LonLat

JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
"""A value as decoded from the event's JSON ``data``."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends an event: an engineer, QA, a dispatcher, or the server (``id`` ``None``)."""

    id: UUID | None
    role: ActorRole


@dataclass(frozen=True, slots=True)
class Event:
    """One event as the client sent it (``POST /api/v1/sync``).

    ``id`` is the client-generated idempotency key; ``device_time`` the phone's clock
    (``at`` on the wire); ``position`` where it happened, already validated to WGS-84 by
    ``geo.coordinates.parse_lonlat``; ``data`` the event-specific payload (reason, checklist
    items, signature, …).
    """

    id: UUID
    work_order_id: UUID
    type: EventType
    device_time: datetime | None = None
    device_id: str | None = None
    position: LonLat | None = None
    data: Mapping[str, JSONValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DepartureReadiness:
    """R-DI-6: what must be confirmed before the engineer leaves (facts the service loads)."""

    plan_confirmed: bool = False
    skills_matched: bool = False
    documents_listed: bool = False
    tools_listed: bool = False
    parts_listed: bool = False

    def missing(self) -> tuple[str, ...]:
        """Names of the checks not yet satisfied, in the order R-DI-6 lists them."""
        checks = (
            ("plan_confirmed", self.plan_confirmed),
            ("skills_matched", self.skills_matched),
            ("documents_listed", self.documents_listed),
            ("tools_listed", self.tools_listed),
            ("parts_listed", self.parts_listed),
        )
        return tuple(name for name, ok in checks if not ok)


@dataclass(frozen=True, slots=True)
class Signoff:
    """R-OS-3: the customer's signature (an object-store reference) and rating 1..5."""

    signature_ref: str
    rating: int


@dataclass(frozen=True, slots=True)
class PartUse:
    """R-NW-2: a part reported (before use) with its quantity."""

    code: str
    qty: int


@dataclass(frozen=True, slots=True)
class WorkOrderSnapshot:
    """The facts about one work order that the state machine decides on."""

    id: UUID
    state: WorkOrderState
    technician_id: UUID | None
    created_at: datetime
    fault_type: str | None = None  # R-IN-3 name; selects the checklist template
    requires_welding: bool = False
    readiness: DepartureReadiness = DepartureReadiness()
    former_technician_ids: frozenset[UUID] = frozenset()  # declined or reassigned away
    checklist: frozenset[ChecklistCode] | None = None  # None until checklist_done
    parts_reported: tuple[PartUse, ...] = ()
    test_run_done: bool = False
    product_check_done: bool = False
    signoff: Signoff | None = None
    paused_from: WorkOrderState | None = None
    arrived_at: datetime | None = None  # SLA arrival (R-DI-2): first arrival only
    completed_at: datetime | None = None  # start of the R-FU-3 report deadline
    reported_at: datetime | None = None
    last_reason: str | None = None  # why of the last decline / pause / cancel


@dataclass(frozen=True, slots=True)
class Transition:
    """An applied event: the state before and after, the new snapshot, and when it counts.

    ``at`` is the SLA time (device time when plausible, see ``clock.sla_time``) and
    ``time_source`` says which clock it came from; ``server_time`` is when it was received.
    """

    event: Event
    actor: Actor
    previous: WorkOrderState
    state: WorkOrderState
    work_order: WorkOrderSnapshot
    at: datetime
    time_source: TimeSource
    server_time: datetime
    reason: str | None = None


class RejectionCode(StrEnum):
    """Why an event was refused. ``NOT_ALLOWED`` answers 409 with ``state`` and ``allowed``."""

    NOT_ALLOWED = "not_allowed"  # no such transition from the current state
    FORBIDDEN = "forbidden"  # this role may not send this event
    NOT_OWN_JOB = "not_own_job"  # an engineer acting on someone else's job (API: 404)
    DEPARTURE_NOT_READY = "departure_not_ready"  # R-DI-6
    CHECKLIST_REQUIRED = "checklist_required"  # R-OS-1: start_work before the checklist
    CHECKLIST_INCOMPLETE = "checklist_incomplete"  # R-OS-1/2: required codes missing
    UNKNOWN_CHECKLIST_CODE = "unknown_checklist_code"
    SIGNOFF_PREREQUISITES = "signoff_prerequisites"  # R-OS-3/4: test run, product check
    SIGNOFF_INVALID = "signoff_invalid"  # R-OS-3: signature ref and rating 1..5
    CUSTOMER_SIGNOFF_REQUIRED = "customer_signoff_required"  # R-OS-3
    RETURN_APPROVAL_REQUIRED = "return_approval_required"  # R-OS-3
    QA_INSPECTION_REQUIRED = "qa_inspection_required"  # R-OS-5
    INVALID_DATA = "invalid_data"  # a required field of ``data`` missing or malformed


GUARD_CODES: frozenset[RejectionCode] = frozenset(
    set(RejectionCode) - {RejectionCode.NOT_ALLOWED, RejectionCode.FORBIDDEN, RejectionCode.NOT_OWN_JOB}
)
"""Refusals of an event that is on the lifecycle's path but whose preconditions fail."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A refused event: the current state, what may come next, and why.

    ``details`` names the parts at fault (missing checklist codes, unknown codes, missing
    R-DI-6 checks, the ``data`` field that is wrong).
    """

    code: RejectionCode
    state: WorkOrderState
    allowed: tuple[EventType, ...]
    message: str
    details: tuple[str, ...] = ()
