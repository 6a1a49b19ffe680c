"""Shared lifecycle test helpers: a work order that events are sent to, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from dispatch.field_work import (
    Actor,
    ActorRole,
    DepartureReadiness,
    Event,
    EventType,
    Rejection,
    Transition,
    WorkOrderSnapshot,
    WorkOrderState,
    apply,
)

CREATED = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ENGINEER_ID = UUID("00000000-0000-4000-8000-0000000000e1")
OTHER_ENGINEER_ID = UUID("00000000-0000-4000-8000-0000000000e2")
ENGINEER = Actor(ENGINEER_ID, ActorRole.ENGINEER)
OTHER_ENGINEER = Actor(OTHER_ENGINEER_ID, ActorRole.ENGINEER)
QA = Actor(UUID("00000000-0000-4000-8000-0000000000a1"), ActorRole.QA)
DISPATCHER = Actor(UUID("00000000-0000-4000-8000-0000000000d1"), ActorRole.DISPATCHER)
SYSTEM = Actor(None, ActorRole.SYSTEM)
READY = DepartureReadiness(True, True, True, True, True)
BASE_CHECKLIST = ["warning_sign", "key_removed", "wheels_chocked"]


def make_event(wo: WorkOrderSnapshot, type_: EventType, at: datetime | None, **data: Any) -> Event:
    return Event(uuid4(), wo.id, type_, device_time=at, device_id="phone-1", data=data)


@dataclass
class Job:
    """A work order and a server clock; ``ok`` applies an event and keeps the new snapshot."""

    wo: WorkOrderSnapshot
    now: datetime = CREATED + timedelta(hours=1)
    history: list[Transition] = field(default_factory=list)

    def send(self, type_: EventType, actor: Actor = ENGINEER, **data: Any) -> Transition | Rejection:
        self.now += timedelta(minutes=10)
        event = make_event(self.wo, type_, self.now - timedelta(minutes=1), **data)
        return apply(self.wo, event, actor, self.now)

    def ok(self, type_: EventType, actor: Actor = ENGINEER, **data: Any) -> Transition:
        outcome = self.send(type_, actor, **data)
        assert isinstance(outcome, Transition), outcome
        self.wo = outcome.work_order
        self.history.append(outcome)
        return outcome

    def refused(self, type_: EventType, actor: Actor = ENGINEER, **data: Any) -> Rejection:
        outcome = self.send(type_, actor, **data)
        assert isinstance(outcome, Rejection), outcome
        return outcome


JobFactory = Callable[..., Job]


@pytest.fixture
def job() -> JobFactory:
    """``job(state=..., **snapshot_fields)`` → a ``Job`` assigned to ``ENGINEER``."""

    def make(state: WorkOrderState = WorkOrderState.ASSIGNED, **fields: Any) -> Job:
        wo = WorkOrderSnapshot(
            id=uuid4(),
            state=state,
            technician_id=ENGINEER_ID,
            created_at=CREATED,
            fault_type="mechanical",
            readiness=READY,
        )
        return Job(replace(wo, **fields))

    return make


def drive_to(j: Job, target: WorkOrderState) -> Job:
    """Walk the main path from ``assigned`` until ``target`` is reached."""
    steps: list[tuple[EventType, Actor, dict[str, Any]]] = [
        (EventType.ACCEPT, ENGINEER, {}),
        (EventType.DEPART, ENGINEER, {}),
        (EventType.ARRIVE, ENGINEER, {}),
        (EventType.CHECKLIST_DONE, ENGINEER, {"items": BASE_CHECKLIST}),
        (EventType.START_WORK, ENGINEER, {}),
        (EventType.TEST_RUN_DONE, ENGINEER, {}),
        (EventType.PRODUCT_CHECK_DONE, ENGINEER, {}),
        (EventType.CUSTOMER_SIGNED, ENGINEER, {"signature_ref": "sig/1.png", "rating": 5}),
        (EventType.APPROVE_RETURN, QA, {}),
        (EventType.COMPLETE, ENGINEER, {}),
        (EventType.REPORT_FILED, ENGINEER, {"expenses": [], "returned_material": []}),
    ]
    for type_, actor, data in steps:
        if j.wo.state is target:
            return j
        j.ok(type_, actor, **data)
    assert j.wo.state is target
    return j
