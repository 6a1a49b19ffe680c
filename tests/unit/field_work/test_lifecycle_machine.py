"""The work-order state machine: main path, guards, side paths, permissions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from dispatch.field_work import (
    DepartureReadiness,
    EventType,
    Rejection,
    RejectionCode,
    TimeSource,
    WorkOrderState,
    allowed_events,
    apply,
)
from dispatch.field_work.machine import SOURCES
from tests.unit.field_work.lifecycle_helpers import (
    BASE_CHECKLIST,
    DISPATCHER,
    ENGINEER,
    ENGINEER_ID,
    OTHER_ENGINEER,
    OTHER_ENGINEER_ID,
    QA,
    SYSTEM,
    JobFactory,
    drive_to,
    make_event,
)

E = EventType
S = WorkOrderState
SIGNED: dict[str, Any] = {"signature_ref": "sig/1.png", "rating": 4}


def test_main_path_r_os_1_to_r_fu_3_reaches_reported(job: JobFactory) -> None:
    """R-OS-1…4, R-OS-3 QA return approval, R-FU-3 report: every state of the main path."""
    j = drive_to(job(), S.REPORTED)
    assert [t.state for t in j.history] == [
        S.ACCEPTED,
        S.EN_ROUTE,
        S.ON_SITE,
        S.ON_SITE,  # checklist recorded, state unchanged
        S.WORKING,
        S.WORKING,  # test run alone is not enough
        S.AWAITING_SIGNOFF,
        S.AWAITING_RETURN_APPROVAL,
        S.RETURN_APPROVED,
        S.COMPLETED,
        S.REPORTED,
    ]
    assert j.wo.signoff is not None
    assert j.wo.signoff.rating == 5
    assert j.wo.completed_at is not None
    assert j.wo.reported_at is not None
    assert allowed_events(S.REPORTED) == ()


def test_transition_records_previous_state_sla_time_and_source(job: JobFactory) -> None:
    """Every transition says who, when (device and server time) — R-DI-2."""
    j = job()
    t = j.ok(E.ACCEPT)
    assert (t.previous, t.state, t.actor) == (S.ASSIGNED, S.ACCEPTED, ENGINEER)
    assert t.time_source is TimeSource.DEVICE
    assert t.at == t.event.device_time
    assert t.server_time == j.now


def test_product_check_then_test_run_also_reaches_signoff_r_os_3_r_os_4(job: JobFactory) -> None:
    j = drive_to(job(), S.WORKING)
    assert j.ok(E.PRODUCT_CHECK_DONE).state is S.WORKING
    assert j.ok(E.TEST_RUN_DONE).state is S.AWAITING_SIGNOFF


def test_not_allowed_carries_state_and_allowed_events(job: JobFactory) -> None:
    """A transition not allowed answers 409 with the state and the allowed ones."""
    r = job().refused(E.ARRIVE)
    assert r.code is RejectionCode.NOT_ALLOWED
    assert r.state is S.ASSIGNED
    assert r.allowed == (E.ACCEPT, E.DECLINE, E.CANCEL, E.REASSIGN, E.HAND_TO_OUTLET)


@pytest.mark.parametrize("state", list(S))
def test_allowed_events_match_the_sources_table(state: S) -> None:
    assert set(allowed_events(state)) == {e for e, states in SOURCES.items() if state in states}


def test_start_work_before_checklist_is_rejected_r_os_1(job: JobFactory) -> None:
    j = drive_to(job(), S.ON_SITE)
    r = j.refused(E.START_WORK)
    assert r.code is RejectionCode.CHECKLIST_REQUIRED
    assert "R-OS-1" in r.message
    assert r.state is S.ON_SITE


@pytest.mark.parametrize(
    ("done", "missing"),
    [
        ((), ("test_run", "product_check")),
        ((E.TEST_RUN_DONE,), ("product_check",)),
        ((E.PRODUCT_CHECK_DONE,), ("test_run",)),
    ],
)
def test_customer_signed_before_test_run_and_product_check_r_os_3_r_os_4(
    job: JobFactory, done: tuple[EventType, ...], missing: tuple[str, ...]
) -> None:
    j = drive_to(job(), S.WORKING)
    for e in done:
        j.ok(e)
    r = j.refused(E.CUSTOMER_SIGNED, **SIGNED)
    assert r.code is RejectionCode.SIGNOFF_PREREQUISITES
    assert r.details == missing


@pytest.mark.parametrize(
    "data",
    [
        {"rating": 5},
        {"signature_ref": "", "rating": 5},
        {"signature_ref": "sig", "rating": 0},
        {"signature_ref": "sig", "rating": 6},
        {"signature_ref": "sig", "rating": 4.5},
        {"signature_ref": "sig", "rating": True},
        {"signature_ref": "sig"},
    ],
)
def test_customer_signed_needs_signature_and_rating_1_to_5_r_os_3(
    job: JobFactory, data: dict[str, Any]
) -> None:
    j = drive_to(job(), S.AWAITING_SIGNOFF)
    r = j.refused(E.CUSTOMER_SIGNED, **data)
    assert r.code is RejectionCode.SIGNOFF_INVALID
    assert r.state is S.AWAITING_SIGNOFF


@pytest.mark.parametrize("state", [S.ON_SITE, S.WORKING, S.AWAITING_SIGNOFF, S.AWAITING_RETURN_APPROVAL])
def test_complete_before_qa_return_approval_is_rejected_r_os_3(job: JobFactory, state: S) -> None:
    j = drive_to(job(), state)
    r = j.refused(E.COMPLETE)
    assert r.code is RejectionCode.RETURN_APPROVAL_REQUIRED
    assert r.state is state


def test_approve_return_before_customer_signoff_is_rejected_r_os_3(job: JobFactory) -> None:
    r = drive_to(job(), S.AWAITING_SIGNOFF).refused(E.APPROVE_RETURN, QA)
    assert r.code is RejectionCode.CUSTOMER_SIGNOFF_REQUIRED


@pytest.mark.parametrize(
    "missing",
    ["plan_confirmed", "skills_matched", "documents_listed", "tools_listed", "parts_listed"],
)
def test_depart_before_pre_departure_checks_is_rejected_r_di_6(job: JobFactory, missing: str) -> None:
    ready = {name: True for name in DepartureReadiness.__dataclass_fields__}
    j = job(S.ACCEPTED, readiness=DepartureReadiness(**{**ready, missing: False}))
    r = j.refused(E.DEPART)
    assert r.code is RejectionCode.DEPARTURE_NOT_READY
    assert r.details == (missing,)
    assert "R-DI-6" in r.message


def test_depart_lists_every_missing_check_r_di_6(job: JobFactory) -> None:
    r = job(S.ACCEPTED, readiness=DepartureReadiness()).refused(E.DEPART)
    assert len(r.details) == 5


def test_decline_needs_a_reason_and_returns_the_job_to_the_dispatcher(job: JobFactory) -> None:
    j = job()
    assert j.refused(E.DECLINE).code is RejectionCode.INVALID_DATA
    t = j.ok(E.DECLINE, reason="no skills for hydraulics")
    assert t.state is S.DECLINED
    assert t.reason == "no skills for hydraulics"
    assert j.wo.technician_id is None
    assert ENGINEER_ID in j.wo.former_technician_ids
    assert j.refused(E.ACCEPT).code is RejectionCode.NOT_OWN_JOB
    assert set(allowed_events(S.DECLINED)) == {E.CANCEL, E.REASSIGN, E.HAND_TO_OUTLET}


@pytest.mark.parametrize("state", [S.EN_ROUTE, S.ON_SITE, S.WORKING])
def test_pause_waiting_for_parts_and_resume_to_the_state_before(job: JobFactory, state: S) -> None:
    j = drive_to(job(), state)
    assert j.refused(E.PAUSE).code is RejectionCode.INVALID_DATA  # a reason is required
    t = j.ok(E.PAUSE, reason="waiting for hydraulic pump")
    assert t.state is S.PAUSED
    assert j.wo.paused_from is state
    assert j.wo.last_reason == "waiting for hydraulic pump"
    assert j.ok(E.RESUME).state is state
    assert j.wo.paused_from is None


def test_dispatcher_may_resume_a_paused_job(job: JobFactory) -> None:
    j = drive_to(job(), S.WORKING)
    j.ok(E.PAUSE, reason="parts")
    assert j.ok(E.RESUME, DISPATCHER).state is S.WORKING


def test_cancel_is_for_the_dispatcher_with_a_reason(job: JobFactory) -> None:
    j = drive_to(job(), S.EN_ROUTE)
    assert j.refused(E.CANCEL, reason="x").code is RejectionCode.FORBIDDEN
    assert j.refused(E.CANCEL, DISPATCHER).code is RejectionCode.INVALID_DATA
    assert j.ok(E.CANCEL, DISPATCHER, reason="customer fixed it").state is S.CANCELLED
    assert allowed_events(S.CANCELLED) == ()


def test_reassign_starts_the_visit_afresh_for_the_new_engineer(job: JobFactory) -> None:
    j = drive_to(job(), S.ON_SITE)
    j.ok(E.CHECKLIST_DONE, items=BASE_CHECKLIST)
    arrived = j.wo.arrived_at
    t = j.ok(E.REASSIGN, DISPATCHER, technician_id=str(OTHER_ENGINEER_ID))
    assert t.state is S.ASSIGNED
    assert j.wo.technician_id == OTHER_ENGINEER_ID
    assert ENGINEER_ID in j.wo.former_technician_ids
    assert j.wo.checklist is None
    assert j.wo.arrived_at == arrived
    assert j.refused(E.ACCEPT, ENGINEER).code is RejectionCode.NOT_OWN_JOB
    assert j.ok(E.ACCEPT, OTHER_ENGINEER).state is S.ACCEPTED


@pytest.mark.parametrize("technician_id", [None, "not-a-uuid", str(ENGINEER_ID)])
def test_reassign_needs_another_engineer(job: JobFactory, technician_id: str | None) -> None:
    data = {} if technician_id is None else {"technician_id": technician_id}
    r = job().refused(E.REASSIGN, DISPATCHER, **data)
    assert r.code is RejectionCode.INVALID_DATA
    assert r.details == ("data.technician_id",)


def test_hand_to_outlet_r_di_1(job: JobFactory) -> None:
    j = job()
    assert j.refused(E.HAND_TO_OUTLET, DISPATCHER).code is RejectionCode.INVALID_DATA
    assert j.ok(E.HAND_TO_OUTLET, DISPATCHER, outlet_id="outlet-7").state is S.HANDED_TO_OUTLET


def test_return_to_factory_self_check_then_qa_inspection_r_os_5(job: JobFactory) -> None:
    j = drive_to(job(), S.WORKING)
    assert j.ok(E.RETURN_TO_FACTORY).state is S.IN_FACTORY
    assert j.refused(E.COMPLETE).code is RejectionCode.QA_INSPECTION_REQUIRED
    assert j.ok(E.SELF_CHECK_DONE).state is S.AWAITING_INSPECTION
    assert j.refused(E.COMPLETE).code is RejectionCode.QA_INSPECTION_REQUIRED
    assert j.refused(E.QA_INSPECTED, ENGINEER, passed=True).code is RejectionCode.FORBIDDEN
    assert j.refused(E.QA_INSPECTED, QA).code is RejectionCode.INVALID_DATA
    assert j.ok(E.QA_INSPECTED, QA, passed=False).state is S.IN_FACTORY  # back to repair
    j.ok(E.SELF_CHECK_DONE)
    assert j.ok(E.QA_INSPECTED, QA, passed=True).state is S.INSPECTED
    assert j.ok(E.COMPLETE).state is S.COMPLETED


def test_parts_reported_before_use_r_nw_2(job: JobFactory) -> None:
    j = drive_to(job(), S.WORKING)
    t = j.ok(E.PARTS_REPORTED, parts=[{"code": "HP-200", "qty": 1}, {"code": "SEAL", "qty": 4}])
    assert t.state is S.WORKING
    assert [(p.code, p.qty) for p in j.wo.parts_reported] == [("HP-200", 1), ("SEAL", 4)]
    bad = j.refused(E.PARTS_REPORTED, parts=[{"code": "X", "qty": 0}])
    assert bad.details == ("data.parts[0].qty",)
    assert j.refused(E.PARTS_REPORTED, parts=[]).code is RejectionCode.INVALID_DATA


def test_report_filed_states_expenses_and_returned_material_r_fu_3(job: JobFactory) -> None:
    j = drive_to(job(), S.COMPLETED)
    r = j.refused(E.REPORT_FILED, expenses=[{"kind": "fuel", "amount": 120}])
    assert r.details == ("data.returned_material",)
    t = j.ok(E.REPORT_FILED, expenses=[], returned_material=[{"part": "HP-100"}])
    assert t.state is S.REPORTED


@pytest.mark.parametrize(
    ("event", "actor"),
    [
        (E.APPROVE_RETURN, ENGINEER),
        (E.APPROVE_RETURN, DISPATCHER),
        (E.ACCEPT, QA),
        (E.ACCEPT, DISPATCHER),
        (E.REASSIGN, ENGINEER),
        (E.CHECKLIST_DONE, SYSTEM),
    ],
)
def test_roles_who_may_do_what(job: JobFactory, event: EventType, actor: object) -> None:
    r = job().send(event, actor)  # type: ignore[arg-type]
    assert isinstance(r, Rejection)
    assert r.code is RejectionCode.FORBIDDEN


def test_an_engineer_acts_only_on_their_own_job(job: JobFactory) -> None:
    r = job().refused(E.ACCEPT, OTHER_ENGINEER)
    assert r.code is RejectionCode.NOT_OWN_JOB


def test_geofence_arrival_by_the_system_sets_the_sla_arrival_once(job: JobFactory) -> None:
    """R-DI-2: the first arrival is the SLA arrival; the system actor may send it."""
    j = drive_to(job(), S.EN_ROUTE)
    t = j.ok(E.ARRIVE, SYSTEM, source="geofence")
    assert t.state is S.ON_SITE
    assert j.wo.arrived_at == t.at
    first = j.wo.arrived_at
    j.ok(E.PAUSE, reason="parts")
    j.ok(E.REASSIGN, DISPATCHER, technician_id=str(OTHER_ENGINEER_ID))
    assert j.wo.arrived_at == first


def test_implausible_device_time_falls_back_to_server_time_r_di_2(job: JobFactory) -> None:
    j = job()
    event = make_event(j.wo, E.ACCEPT, j.now + timedelta(days=2))
    t = apply(j.wo, event, ENGINEER, j.now)
    assert not isinstance(t, Rejection)
    assert (t.at, t.time_source) == (j.now, TimeSource.SERVER)


def test_event_for_another_work_order_is_refused(job: JobFactory) -> None:
    j, other = job(), job()
    event = make_event(other.wo, E.ACCEPT, None)
    r = apply(j.wo, event, ENGINEER, j.now)
    assert isinstance(r, Rejection)
    assert r.code is RejectionCode.INVALID_DATA


def test_resume_without_a_recorded_state_is_refused_not_guessed(job: JobFactory) -> None:
    r = job(S.PAUSED, paused_from=None).refused(E.RESUME)
    assert r.code is RejectionCode.NOT_ALLOWED
