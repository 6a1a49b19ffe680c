"""Safety checklist templates and the checklist_done event (R-OS-1, R-OS-2)."""

from __future__ import annotations

import pytest

from dispatch.field_work import (
    ChecklistCode,
    EventType,
    RejectionCode,
    WorkOrderState,
    check_items,
    template_for,
)
from tests.unit.field_work.lifecycle_helpers import BASE_CHECKLIST, JobFactory, drive_to

C = ChecklistCode
BASE = (C.WARNING_SIGN, C.KEY_REMOVED, C.WHEELS_CHOCKED)


@pytest.mark.parametrize(
    ("fault_type", "welding", "extra"),
    [
        ("mechanical", False, ()),
        ("tyre", False, ()),
        (None, False, ()),
        ("hydraulic", False, (C.BODY_PROPPED, C.HELMET, C.OIL_CONTAINER)),
        ("Body", False, (C.BODY_PROPPED, C.HELMET, C.OIL_CONTAINER)),
        ("electrical", False, (C.ANTI_STATIC_GLOVES,)),
        ("control", False, (C.ANTI_STATIC_GLOVES,)),
        ("mechanical", True, (C.WELDING_PPE,)),
        ("electrical", True, (C.ANTI_STATIC_GLOVES, C.WELDING_PPE)),
    ],
)
def test_templates_per_fault_type_r_os_1_r_os_2(
    fault_type: str | None, welding: bool, extra: tuple[ChecklistCode, ...]
) -> None:
    assert template_for(fault_type, welding=welding).required == BASE + extra


def test_every_code_has_a_description_citing_its_rule() -> None:
    descriptions = template_for(None).descriptions
    assert set(descriptions) == set(ChecklistCode)
    assert all("R-OS-" in text for text in descriptions.values())


def test_check_items_names_missing_and_unknown_codes() -> None:
    hydraulic = template_for("hydraulic")
    problem = check_items(BASE_CHECKLIST, hydraulic)
    assert problem is not None
    assert problem.missing == (C.BODY_PROPPED, C.HELMET, C.OIL_CONTAINER)
    unknown = check_items([*BASE_CHECKLIST, "lucky_charm"], template_for(None))
    assert unknown is not None
    assert unknown.unknown == ("lucky_charm",)
    assert check_items([*BASE_CHECKLIST, "helmet"], template_for(None)) is None  # extras ok


def test_checklist_missing_codes_are_rejected_naming_them_r_os_1(job: JobFactory) -> None:
    j = drive_to(job(fault_type="hydraulic"), WorkOrderState.ON_SITE)
    r = j.refused(EventType.CHECKLIST_DONE, items=[*BASE_CHECKLIST, "helmet"])
    assert r.code is RejectionCode.CHECKLIST_INCOMPLETE
    assert r.details == ("body_propped", "oil_container")
    assert "body_propped" in r.message
    assert j.wo.checklist is None


def test_checklist_unknown_code_is_rejected_naming_it_r_os_1(job: JobFactory) -> None:
    j = drive_to(job(), WorkOrderState.ON_SITE)
    r = j.refused(EventType.CHECKLIST_DONE, items=[*BASE_CHECKLIST, "hard_hat"])
    assert r.code is RejectionCode.UNKNOWN_CHECKLIST_CODE
    assert r.details == ("hard_hat",)


@pytest.mark.parametrize("items", [None, "warning_sign", [1, 2], {"a": 1}])
def test_checklist_items_must_be_a_list_of_codes(job: JobFactory, items: object) -> None:
    j = drive_to(job(), WorkOrderState.ON_SITE)
    r = j.refused(EventType.CHECKLIST_DONE, items=items)
    assert r.code is RejectionCode.INVALID_DATA
    assert r.details == ("data.items",)


def test_welding_job_needs_welding_ppe_r_os_1(job: JobFactory) -> None:
    j = drive_to(job(requires_welding=True), WorkOrderState.ON_SITE)
    assert j.refused(EventType.CHECKLIST_DONE, items=BASE_CHECKLIST).details == ("welding_ppe",)
    j.ok(EventType.CHECKLIST_DONE, items=[*BASE_CHECKLIST, "welding_ppe"])
    assert j.wo.checklist == frozenset({*BASE, C.WELDING_PPE})
    assert j.ok(EventType.START_WORK).state is WorkOrderState.WORKING


def test_hydraulic_job_complete_checklist_lets_work_start_r_os_2(job: JobFactory) -> None:
    j = drive_to(job(fault_type="hydraulic"), WorkOrderState.ON_SITE)
    j.ok(EventType.CHECKLIST_DONE, items=[*BASE_CHECKLIST, "body_propped", "helmet", "oil_container"])
    assert j.ok(EventType.START_WORK).state is WorkOrderState.WORKING
