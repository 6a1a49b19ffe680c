"""What each event does to a work order once its source state and actor are accepted.

One small function per event type: validate the event's ``data``, check the rule guarding
it, and return the new snapshot (state included) or a ``Refusal``. ``machine.apply`` decides
whether the event may be considered at all; these functions never see a wrong state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from dispatch.field_work.checklists import ChecklistCode, check_items, template_for
from dispatch.field_work.model import (
    Event,
    JSONValue,
    PartUse,
    RejectionCode,
    Signoff,
    WorkOrderSnapshot,
)
from dispatch.field_work.states import EventType
from dispatch.field_work.states import WorkOrderState as S


@dataclass(frozen=True, slots=True)
class Refusal:
    """A guard or data failure; ``machine.apply`` adds the state and allowed events."""

    code: RejectionCode
    message: str
    details: tuple[str, ...] = ()


Outcome = WorkOrderSnapshot | Refusal
Handler = Callable[[WorkOrderSnapshot, Event, datetime], Outcome]


def _invalid(field: str, message: str) -> Refusal:
    return Refusal(RejectionCode.INVALID_DATA, f"data.{field} {message}", (f"data.{field}",))


def _text(event: Event, key: str) -> str | Refusal:
    value: JSONValue = event.data.get(key)
    if not isinstance(value, str) or not value.strip():
        return _invalid(key, "is required and must be a non-empty string")
    return value.strip()


def _accept(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    return replace(wo, state=S.ACCEPTED)


def _decline(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """Back to the dispatcher with a reason; the engineer no longer holds the job."""
    reason = _text(event, "reason")
    if isinstance(reason, Refusal):
        return reason
    former = wo.former_technician_ids | ({wo.technician_id} if wo.technician_id else set())
    return replace(
        wo,
        state=S.DECLINED,
        technician_id=None,
        former_technician_ids=former,
        last_reason=reason,
    )


def _depart(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """R-DI-6: plan confirmed, skills matched, documents/tools/parts listed before leaving."""
    missing = wo.readiness.missing()
    if missing:
        return Refusal(
            RejectionCode.DEPARTURE_NOT_READY,
            f"R-DI-6: cannot depart before {', '.join(missing)}",
            missing,
        )
    return replace(wo, state=S.EN_ROUTE)


def _arrive(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """The first arrival sets the SLA arrival time (R-DI-2)."""
    return replace(wo, state=S.ON_SITE, arrived_at=wo.arrived_at or at)


def _checklist_done(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """R-OS-1/R-OS-2: every code known, every code the fault type requires present."""
    items = event.data.get("items")
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return _invalid("items", "must be a list of checklist codes")
    codes = [i for i in items if isinstance(i, str)]
    problem = check_items(codes, template_for(wo.fault_type, welding=wo.requires_welding))
    if problem is not None and problem.unknown:
        return Refusal(
            RejectionCode.UNKNOWN_CHECKLIST_CODE,
            f"unknown checklist codes: {', '.join(problem.unknown)}",
            problem.unknown,
        )
    if problem is not None:
        missing = tuple(c.value for c in problem.missing)
        return Refusal(
            RejectionCode.CHECKLIST_INCOMPLETE,
            f"R-OS-1/R-OS-2: checklist lacks {', '.join(missing)}",
            missing,
        )
    return replace(wo, state=S.ON_SITE, checklist=frozenset(ChecklistCode(c) for c in codes))


def _start_work(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    if wo.checklist is None:
        return Refusal(RejectionCode.CHECKLIST_REQUIRED, "R-OS-1: the safety checklist comes before work")
    return replace(wo, state=S.WORKING)


def _parts_reported(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """R-NW-2: parts are reported before use; recorded without changing the state."""
    raw = event.data.get("parts")
    if not isinstance(raw, list) or not raw:
        return _invalid("parts", "must be a non-empty list of {code, qty}")
    parts: list[PartUse] = []
    for i, item in enumerate(raw):
        code = item.get("code") if isinstance(item, dict) else None
        qty = item.get("qty") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code.strip():
            return _invalid(f"parts[{i}].code", "must be a non-empty string")
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
            return _invalid(f"parts[{i}].qty", "must be a positive integer")
        parts.append(PartUse(code.strip(), qty))
    return replace(wo, parts_reported=wo.parts_reported + tuple(parts))


def _after_check(wo: WorkOrderSnapshot) -> WorkOrderSnapshot:
    """R-OS-3 test run and R-OS-4 product check, in either order, both before sign-off."""
    done = wo.test_run_done and wo.product_check_done
    return replace(wo, state=S.AWAITING_SIGNOFF if done else S.WORKING)


def _test_run_done(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    return _after_check(replace(wo, test_run_done=True))


def _product_check_done(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    return _after_check(replace(wo, product_check_done=True))


def _customer_signed(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """R-OS-3: the customer signs (signature reference) and rates the service 1..5."""
    ref = event.data.get("signature_ref")
    rating = event.data.get("rating")
    if not isinstance(ref, str) or not ref.strip():
        return Refusal(
            RejectionCode.SIGNOFF_INVALID,
            "R-OS-3: data.signature_ref is required",
            ("data.signature_ref",),
        )
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        return Refusal(
            RejectionCode.SIGNOFF_INVALID,
            "R-OS-3: data.rating must be an integer from 1 to 5",
            ("data.rating",),
        )
    return replace(wo, state=S.AWAITING_RETURN_APPROVAL, signoff=Signoff(ref.strip(), rating))


def _approve_return(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    return replace(wo, state=S.RETURN_APPROVED)


def _complete(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    return replace(wo, state=S.COMPLETED, completed_at=at)


def _report_filed(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """R-FU-3: the report states expenses and returned material (lists, possibly empty)."""
    for key in ("expenses", "returned_material"):
        if not isinstance(event.data.get(key), list):
            return _invalid(key, "must be a list (R-FU-3), empty if there is none")
    return replace(wo, state=S.REPORTED, reported_at=at)


def _pause(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    reason = _text(event, "reason")
    if isinstance(reason, Refusal):
        return reason
    return replace(wo, state=S.PAUSED, paused_from=wo.state, last_reason=reason)


def _resume(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """Back to the state the job was paused in."""
    if wo.paused_from is None:  # a paused job always records where it was; never guess
        return Refusal(RejectionCode.NOT_ALLOWED, "the paused job has no state to resume")
    return replace(wo, state=wo.paused_from, paused_from=None)


def _cancel(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    reason = _text(event, "reason")
    if isinstance(reason, Refusal):
        return reason
    return replace(wo, state=S.CANCELLED, paused_from=None, last_reason=reason)


def _reassign(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """A new engineer starts the visit afresh; the SLA arrival, if any, stands."""
    raw = _text(event, "technician_id")
    if isinstance(raw, Refusal):
        return raw
    try:
        new = UUID(raw)
    except ValueError:
        return _invalid("technician_id", "must be a UUID")
    if new == wo.technician_id:
        return _invalid("technician_id", "is already assigned to this job")
    former = wo.former_technician_ids | ({wo.technician_id} if wo.technician_id else set())
    return replace(
        wo,
        state=S.ASSIGNED,
        technician_id=new,
        former_technician_ids=former - {new},
        checklist=None,
        test_run_done=False,
        product_check_done=False,
        signoff=None,
        paused_from=None,
    )


def _return_to_factory(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """R-OS-5: the repair moves to the factory; on-site checks no longer apply."""
    return replace(wo, state=S.IN_FACTORY, test_run_done=False, product_check_done=False)


def _self_check_done(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    return replace(wo, state=S.AWAITING_INSPECTION)


def _qa_inspected(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    """R-OS-5: QA's inspection record; a failed inspection sends the job back to repair."""
    passed = event.data.get("passed")
    if not isinstance(passed, bool):
        return _invalid("passed", "must be true or false")
    return replace(wo, state=S.INSPECTED if passed else S.IN_FACTORY)


def _hand_to_outlet(wo: WorkOrderSnapshot, event: Event, at: datetime) -> Outcome:
    outlet = _text(event, "outlet_id")
    if isinstance(outlet, Refusal):
        return outlet
    return replace(wo, state=S.HANDED_TO_OUTLET, paused_from=None)


HANDLERS: dict[EventType, Handler] = {
    EventType.ACCEPT: _accept,
    EventType.DECLINE: _decline,
    EventType.DEPART: _depart,
    EventType.ARRIVE: _arrive,
    EventType.CHECKLIST_DONE: _checklist_done,
    EventType.START_WORK: _start_work,
    EventType.PARTS_REPORTED: _parts_reported,
    EventType.TEST_RUN_DONE: _test_run_done,
    EventType.PRODUCT_CHECK_DONE: _product_check_done,
    EventType.CUSTOMER_SIGNED: _customer_signed,
    EventType.APPROVE_RETURN: _approve_return,
    EventType.COMPLETE: _complete,
    EventType.REPORT_FILED: _report_filed,
    EventType.PAUSE: _pause,
    EventType.RESUME: _resume,
    EventType.CANCEL: _cancel,
    EventType.REASSIGN: _reassign,
    EventType.RETURN_TO_FACTORY: _return_to_factory,
    EventType.SELF_CHECK_DONE: _self_check_done,
    EventType.QA_INSPECTED: _qa_inspected,
    EventType.HAND_TO_OUTLET: _hand_to_outlet,
}
