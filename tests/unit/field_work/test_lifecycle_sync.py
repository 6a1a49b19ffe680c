"""Offline sync classification: applied, duplicate, mismatch, conflict, rejected."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from dispatch.field_work import (
    Event,
    EventType,
    StoredEvent,
    SyncStatus,
    WorkOrderSnapshot,
    WorkOrderState,
    classify,
    content_hash,
)
from geo.coordinates import LonLat
from tests.unit.field_work.lifecycle_helpers import (
    BASE_CHECKLIST,
    DISPATCHER,
    ENGINEER,
    OTHER_ENGINEER,
    OTHER_ENGINEER_ID,
    JobFactory,
    drive_to,
    make_event,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _replay(
    events: list[Event], wo: WorkOrderSnapshot, store: dict[object, StoredEvent]
) -> tuple[WorkOrderSnapshot, list[SyncStatus]]:
    """What the sync service does: classify each event in order, keep state and store."""
    statuses = []
    for event in events:
        result = classify(store.get(event.id), event, work_order=wo, actor=ENGINEER, now=NOW)
        statuses.append(result.status)
        if result.transition is not None:
            wo = result.transition.work_order
        if result.status is not SyncStatus.MISMATCH:
            store.setdefault(event.id, result.stored())
    return wo, statuses


def _day(wo: WorkOrderSnapshot) -> list[Event]:
    t = NOW - timedelta(hours=3)
    steps = [
        (EventType.ACCEPT, {}),
        (EventType.DEPART, {}),
        (EventType.ARRIVE, {}),
        (EventType.CHECKLIST_DONE, {"items": BASE_CHECKLIST}),
        (EventType.START_WORK, {}),
    ]
    return [make_event(wo, e, t + timedelta(minutes=10 * i), **d) for i, (e, d) in enumerate(steps)]


def test_offline_queue_replayed_twice_applies_once_then_duplicates(job: JobFactory) -> None:
    wo = job().wo
    events = _day(wo)
    store: dict[object, StoredEvent] = {}
    wo, first = _replay(events, wo, store)
    assert first == [SyncStatus.APPLIED] * 5
    assert wo.state is WorkOrderState.WORKING
    wo, second = _replay(events, wo, store)
    assert second == [SyncStatus.DUPLICATE] * 5
    assert wo.state is WorkOrderState.WORKING


def test_offline_device_times_become_the_sla_times_r_di_2(job: JobFactory) -> None:
    wo = job().wo
    events = _day(wo)
    result = classify(None, events[0], work_order=wo, actor=ENGINEER, now=NOW)
    assert result.transition is not None
    assert result.transition.at == events[0].device_time


def test_duplicate_answers_the_original_result(job: JobFactory) -> None:
    j = job()
    event = make_event(j.wo, EventType.START_WORK, None)
    first = classify(None, event, work_order=j.wo, actor=ENGINEER, now=NOW)
    assert first.status is SyncStatus.REJECTED
    assert first.reason == "not_allowed"
    again = classify(first.stored(), event, work_order=j.wo, actor=ENGINEER, now=NOW)
    assert again.status is SyncStatus.DUPLICATE
    assert (again.state, again.reason) == (WorkOrderState.ASSIGNED, "not_allowed")


def test_same_id_different_content_is_a_mismatch(job: JobFactory) -> None:
    j = drive_to(job(), WorkOrderState.ON_SITE)
    event = make_event(j.wo, EventType.CHECKLIST_DONE, NOW, items=BASE_CHECKLIST)
    stored = classify(None, event, work_order=j.wo, actor=ENGINEER, now=NOW).stored()
    changed = replace(event, data={"items": [*BASE_CHECKLIST, "helmet"]})
    result = classify(stored, changed, work_order=j.wo, actor=ENGINEER, now=NOW)
    assert result.status is SyncStatus.MISMATCH
    assert result.transition is None


def test_event_for_a_job_reassigned_while_offline_is_a_conflict(job: JobFactory) -> None:
    j = drive_to(job(), WorkOrderState.EN_ROUTE)
    offline_arrival = make_event(j.wo, EventType.ARRIVE, NOW - timedelta(minutes=5))
    j.ok(EventType.REASSIGN, DISPATCHER, technician_id=str(OTHER_ENGINEER_ID))
    result = classify(None, offline_arrival, work_order=j.wo, actor=ENGINEER, now=NOW)
    assert result.status is SyncStatus.CONFLICT
    assert result.reason == "reassigned"
    assert result.state is WorkOrderState.ASSIGNED
    assert result.stored().status is SyncStatus.CONFLICT  # recorded, not dropped


def test_event_for_a_job_cancelled_while_offline_is_a_conflict(job: JobFactory) -> None:
    j = drive_to(job(), WorkOrderState.EN_ROUTE)
    offline_arrival = make_event(j.wo, EventType.ARRIVE, NOW - timedelta(minutes=5))
    j.ok(EventType.CANCEL, DISPATCHER, reason="customer cancelled")
    result = classify(None, offline_arrival, work_order=j.wo, actor=ENGINEER, now=NOW)
    assert (result.status, result.reason) == (SyncStatus.CONFLICT, "cancelled")


def test_stranger_gets_rejected_not_conflict(job: JobFactory) -> None:
    j = job()
    event = make_event(j.wo, EventType.ACCEPT, None)
    result = classify(None, event, work_order=j.wo, actor=OTHER_ENGINEER, now=NOW)
    assert (result.status, result.reason) == (SyncStatus.REJECTED, "not_own_job")


def test_guard_rejection_carries_the_reason(job: JobFactory) -> None:
    j = drive_to(job(), WorkOrderState.ON_SITE)
    event = make_event(j.wo, EventType.START_WORK, None)
    result = classify(None, event, work_order=j.wo, actor=ENGINEER, now=NOW)
    assert (result.status, result.reason) == (SyncStatus.REJECTED, "checklist_required")
    assert result.rejection is not None
    assert "R-OS-1" in result.rejection.message


def test_content_hash_ignores_the_id_and_json_spelling() -> None:
    wo_id = uuid4()
    a = Event(
        uuid4(),
        wo_id,
        EventType.CUSTOMER_SIGNED,
        device_time=datetime(2026, 11, 23, 20, 0, tzinfo=UTC),
        device_id="p1",
        position=LonLat(114.0, 30.5),
        data={"rating": 5.0, "signature_ref": "s", "extra": {"b": 1, "a": [1.0]}},
    )
    b = replace(
        a,
        id=uuid4(),
        device_time=a.device_time.astimezone(),  # type: ignore[union-attr]
        data={"extra": {"a": [1], "b": 1.0}, "signature_ref": "s", "rating": 5},
    )
    assert content_hash(a) == content_hash(b)
    assert len(content_hash(a)) == 64


def test_content_hash_differs_for_every_field() -> None:
    base = Event(uuid4(), uuid4(), EventType.PAUSE, data={"reason": "parts"})
    variants = [
        replace(base, work_order_id=uuid4()),
        replace(base, type=EventType.DECLINE),
        replace(base, device_time=NOW),
        replace(base, device_id="other"),
        replace(base, position=LonLat(1.0, 2.0)),
        replace(base, data={"reason": "lunch"}),
    ]
    hashes = {content_hash(v) for v in variants}
    assert content_hash(base) not in hashes
    assert len(hashes) == len(variants)
