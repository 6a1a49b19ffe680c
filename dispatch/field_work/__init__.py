"""The work-order lifecycle as pure data and functions (R-DI-6, R-OS-1…6, R-NW-2, R-FU-3).

No database and no HTTP here: the service loads a ``WorkOrderSnapshot``, calls ``apply`` (or
``classify`` for offline sync) and saves what comes back; the API maps a ``Rejection`` to a
status code (``NOT_ALLOWED`` → 409 with ``state`` and ``allowed``).
"""

from dispatch.field_work.calendar import report_due
from dispatch.field_work.checklists import (
    ChecklistCode,
    ChecklistProblem,
    ChecklistTemplate,
    check_items,
    template_for,
)
from dispatch.field_work.clock import TimeSource, sla_time
from dispatch.field_work.errors import ChecklistConfigError, LifecycleError
from dispatch.field_work.machine import allowed_events, apply
from dispatch.field_work.model import (
    GUARD_CODES,
    Actor,
    DepartureReadiness,
    Event,
    JSONValue,
    PartUse,
    Rejection,
    RejectionCode,
    Signoff,
    Transition,
    WorkOrderSnapshot,
)
from dispatch.field_work.states import ActorRole, EventType, WorkOrderState
from dispatch.field_work.sync import StoredEvent, SyncResult, SyncStatus, classify, content_hash

__all__ = [
    "GUARD_CODES",
    "Actor",
    "ActorRole",
    "ChecklistCode",
    "ChecklistConfigError",
    "ChecklistProblem",
    "ChecklistTemplate",
    "DepartureReadiness",
    "Event",
    "EventType",
    "JSONValue",
    "LifecycleError",
    "PartUse",
    "Rejection",
    "RejectionCode",
    "Signoff",
    "StoredEvent",
    "SyncResult",
    "SyncStatus",
    "TimeSource",
    "Transition",
    "WorkOrderSnapshot",
    "WorkOrderState",
    "allowed_events",
    "apply",
    "check_items",
    "classify",
    "content_hash",
    "report_due",
    "sla_time",
    "template_for",
]
