"""Between stored rows and the pure lifecycle values: snapshot in, snapshot out, event rows.

The state machine decides on a ``WorkOrderSnapshot``; the service loads it from a
``WorkOrder`` row with ``snapshot_of`` and writes the decided snapshot back with ``write_back``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from dispatch.field_work.checklists import ChecklistCode
from dispatch.field_work.model import (
    Actor,
    DepartureReadiness,
    Event,
    PartUse,
    Signoff,
    WorkOrderSnapshot,
)
from dispatch.field_work.states import WorkOrderState
from dispatch.field_work.sync import StoredEvent, SyncResult, SyncStatus
from geo.wkt import point_ewkt
from storage.models import WorkOrder, WorkOrderEvent

READINESS_FIELDS = ("plan_confirmed", "skills_matched", "documents_listed", "tools_listed", "parts_listed")


def snapshot_of(row: WorkOrder) -> WorkOrderSnapshot:
    readiness = DepartureReadiness(**{name: bool(row.readiness.get(name)) for name in READINESS_FIELDS})
    signoff = None
    if row.signature_ref is not None and row.rating is not None:
        signoff = Signoff(row.signature_ref, row.rating)
    return WorkOrderSnapshot(
        id=row.id,
        state=WorkOrderState(row.state),
        technician_id=row.technician_id,
        created_at=row.created_at,
        fault_type=row.fault_type,
        requires_welding=row.requires_welding,
        readiness=readiness,
        former_technician_ids=frozenset(row.former_technician_ids or ()),
        checklist=frozenset(ChecklistCode(c) for c in row.checklist) if row.checklist is not None else None,
        parts_reported=tuple(PartUse(str(p["code"]), int(p["qty"])) for p in row.parts_reported),
        test_run_done=row.test_run_done,
        product_check_done=row.product_check_done,
        signoff=signoff,
        paused_from=WorkOrderState(row.paused_from) if row.paused_from else None,
        arrived_at=row.arrived_at,
        completed_at=row.completed_at,
        reported_at=row.reported_at,
        last_reason=row.last_reason,
    )


def completes(row: WorkOrder, wo: WorkOrderSnapshot) -> datetime | None:
    """The completion instant when this snapshot completes the job for the first time."""
    return wo.completed_at if row.completed_at is None else None


def write_back(
    row: WorkOrder, wo: WorkOrderSnapshot, time_source: str | None, report_due: date | None = None
) -> None:
    """Copy a decided snapshot onto its row (the revision is bumped by the caller).

    ``report_due`` is the R-FU-3 deadline the caller reckoned for a job this snapshot completes."""
    if row.arrived_at is None and wo.arrived_at is not None:
        row.arrival_source = time_source
    if completes(row, wo) is not None:
        row.report_due = report_due
    row.state = wo.state.value
    row.technician_id = wo.technician_id
    row.former_technician_ids = sorted(wo.former_technician_ids)
    row.checklist = sorted(c.value for c in wo.checklist) if wo.checklist is not None else None
    row.parts_reported = [{"code": p.code, "qty": p.qty} for p in wo.parts_reported]
    row.test_run_done = wo.test_run_done
    row.product_check_done = wo.product_check_done
    row.signature_ref = wo.signoff.signature_ref if wo.signoff else None
    row.rating = wo.signoff.rating if wo.signoff else None
    row.paused_from = wo.paused_from.value if wo.paused_from else None
    row.arrived_at = wo.arrived_at
    row.completed_at = wo.completed_at
    row.reported_at = wo.reported_at
    row.last_reason = wo.last_reason


def stored_of(row: WorkOrderEvent) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        content_hash=row.content_hash,
        status=SyncStatus(row.status),
        state=WorkOrderState(row.state),
        reason=row.code,
    )


def event_row(
    event: Event,
    result: SyncResult,
    *,
    previous: WorkOrderState,
    actor: Actor,
    actor_label: str,
    now: datetime,
) -> WorkOrderEvent:
    """The log row of an event that was applied, rejected or in conflict."""
    transition, rejection = result.transition, result.rejection
    state = result.state or previous
    reason = event.data.get("reason")
    return WorkOrderEvent(
        id=event.id,
        work_order_id=event.work_order_id,
        type=event.type.value,
        status=result.status.value,
        content_hash=result.content_hash,
        device_id=event.device_id,
        device_time=event.device_time,
        server_time=now,
        sla_time=transition.at if transition else None,
        time_source=transition.time_source.value if transition else None,
        position=point_ewkt(event.position) if event.position else None,
        previous_state=previous.value,
        state=state.value,
        actor_role=actor.role.value,
        actor_id=actor.id,
        actor_label=actor_label,
        reason=reason if isinstance(reason, str) else None,
        code=result.reason if result.status is not SyncStatus.APPLIED else None,
        allowed=[e.value for e in rejection.allowed] if rejection else [],
        details=list(rejection.details) if rejection else [],
        data=dict(event.data),
    )


def geofence_event_id(work_order_id: uuid.UUID, fix_time: datetime) -> uuid.UUID:
    """A stable id for the server's own arrival event, so a replayed fix cannot arrive twice."""
    return uuid.uuid5(work_order_id, f"geofence-arrival:{fix_time.isoformat()}")
