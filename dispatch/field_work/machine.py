"""The work-order state machine as data, and ``apply``, the one pure function that runs it.

The main path (R-OS-1…5): assigned –accept→ accepted –depart→ en_route –arrive→ on_site
–checklist_done→ on_site (checked) –start_work→ working –test_run_done, product_check_done→
awaiting_signoff –customer_signed→ awaiting_return_approval –approve_return (QA)→
return_approved –complete→ completed –report_filed→ reported. Side paths: decline, pause /
resume, cancel, reassign, hand_to_outlet, and the factory repair of R-OS-5 (return_to_factory
→ in_factory –self_check_done→ awaiting_inspection –qa_inspected (QA)→ inspected –complete→).
"""

from __future__ import annotations

from datetime import datetime

from dispatch.field_work.clock import sla_time
from dispatch.field_work.handlers import HANDLERS, Refusal
from dispatch.field_work.model import (
    Actor,
    Event,
    Rejection,
    RejectionCode,
    Transition,
    WorkOrderSnapshot,
)
from dispatch.field_work.states import ActorRole
from dispatch.field_work.states import EventType as E
from dispatch.field_work.states import WorkOrderState as S

_OPEN_BEFORE_SITE = frozenset({S.ASSIGNED, S.ACCEPTED, S.DECLINED, S.EN_ROUTE, S.PAUSED})
_ON_SITE_CHAIN = frozenset({S.ON_SITE, S.WORKING, S.AWAITING_SIGNOFF, S.AWAITING_RETURN_APPROVAL})
_FACTORY_CHAIN = frozenset({S.IN_FACTORY, S.AWAITING_INSPECTION})

SOURCES: dict[E, frozenset[S]] = {
    E.ACCEPT: frozenset({S.ASSIGNED}),
    E.DECLINE: frozenset({S.ASSIGNED, S.ACCEPTED}),
    E.DEPART: frozenset({S.ACCEPTED}),
    E.ARRIVE: frozenset({S.EN_ROUTE}),
    E.CHECKLIST_DONE: frozenset({S.ON_SITE}),
    E.START_WORK: frozenset({S.ON_SITE}),
    E.PARTS_REPORTED: frozenset({S.ON_SITE, S.WORKING, S.IN_FACTORY}),
    E.TEST_RUN_DONE: frozenset({S.WORKING}),
    E.PRODUCT_CHECK_DONE: frozenset({S.WORKING}),
    E.CUSTOMER_SIGNED: frozenset({S.AWAITING_SIGNOFF}),
    E.APPROVE_RETURN: frozenset({S.AWAITING_RETURN_APPROVAL}),
    E.COMPLETE: frozenset({S.RETURN_APPROVED, S.INSPECTED}),
    E.REPORT_FILED: frozenset({S.COMPLETED}),
    E.PAUSE: frozenset({S.EN_ROUTE, S.ON_SITE, S.WORKING, S.IN_FACTORY}),
    E.RESUME: frozenset({S.PAUSED}),
    E.CANCEL: _OPEN_BEFORE_SITE | _ON_SITE_CHAIN | _FACTORY_CHAIN,
    E.REASSIGN: _OPEN_BEFORE_SITE | {S.ON_SITE, S.WORKING},
    E.RETURN_TO_FACTORY: frozenset({S.ACCEPTED, S.ON_SITE, S.WORKING}),
    E.SELF_CHECK_DONE: frozenset({S.IN_FACTORY}),
    E.QA_INSPECTED: frozenset({S.AWAITING_INSPECTION}),
    E.HAND_TO_OUTLET: _OPEN_BEFORE_SITE,
}
"""For each event type, the states it may be applied in."""

_ENGINEER = frozenset({ActorRole.ENGINEER})
ROLES: dict[E, frozenset[ActorRole]] = {
    **{e: _ENGINEER for e in E},
    E.ARRIVE: frozenset({ActorRole.ENGINEER, ActorRole.SYSTEM}),  # SYSTEM: geofence arrival
    E.APPROVE_RETURN: frozenset({ActorRole.QA}),  # R-OS-3
    E.QA_INSPECTED: frozenset({ActorRole.QA}),  # R-OS-5
    E.CANCEL: frozenset({ActorRole.DISPATCHER}),
    E.REASSIGN: frozenset({ActorRole.DISPATCHER}),
    E.HAND_TO_OUTLET: frozenset({ActorRole.DISPATCHER}),
    E.RESUME: frozenset({ActorRole.ENGINEER, ActorRole.DISPATCHER}),
    E.RETURN_TO_FACTORY: frozenset({ActorRole.ENGINEER, ActorRole.DISPATCHER}),
}
"""Who may send each event. Engineers may act only on the job assigned to them."""

PREMATURE: dict[E, tuple[tuple[frozenset[S], RejectionCode, str], ...]] = {
    E.CUSTOMER_SIGNED: (
        (frozenset({S.ON_SITE, S.WORKING}), RejectionCode.SIGNOFF_PREREQUISITES, "R-OS-3/4"),
    ),
    E.APPROVE_RETURN: (
        (
            frozenset({S.ON_SITE, S.WORKING, S.AWAITING_SIGNOFF}),
            RejectionCode.CUSTOMER_SIGNOFF_REQUIRED,
            "R-OS-3",
        ),
    ),
    E.COMPLETE: (
        (_ON_SITE_CHAIN, RejectionCode.RETURN_APPROVAL_REQUIRED, "R-OS-3"),
        (_FACTORY_CHAIN, RejectionCode.QA_INSPECTION_REQUIRED, "R-OS-5"),
    ),
}
"""States where an event is on the path but too early: refused with the rule, not just 409."""


def allowed_events(state: S) -> tuple[E, ...]:
    """The event types that may follow ``state`` (guards aside), in lifecycle order."""
    return tuple(e for e in E if state in SOURCES[e])


def apply(work_order: WorkOrderSnapshot, event: Event, actor: Actor, now: datetime) -> Transition | Rejection:
    """Decide one event: the transition it causes, or why it is refused.

    ``now`` is the server time the event is received at; the SLA time of the transition is
    ``clock.sla_time(event.device_time, now, work_order.created_at)`` (R-DI-2). Checks, in
    order: the actor's role, the engineer's ownership of the job, the source state (with a
    rule-specific code when the event is merely premature), then the event's own guard.
    """
    state = work_order.state

    def reject(code: RejectionCode, message: str, details: tuple[str, ...] = ()) -> Rejection:
        return Rejection(code, state, allowed_events(state), message, details)

    if actor.role not in ROLES[event.type]:
        return reject(RejectionCode.FORBIDDEN, f"a {actor.role} may not send {event.type}")
    if actor.role is ActorRole.ENGINEER and actor.id != work_order.technician_id:
        return reject(RejectionCode.NOT_OWN_JOB, "this work order is not assigned to you")
    if event.work_order_id != work_order.id:
        return reject(RejectionCode.INVALID_DATA, "the event names another work order")
    if state not in SOURCES[event.type]:
        premature = _premature(work_order, event.type)
        if premature is not None:
            return reject(premature.code, premature.message, premature.details)
        return reject(RejectionCode.NOT_ALLOWED, f"{event.type} is not allowed in state {state}")
    at, source = sla_time(event.device_time, now, work_order.created_at)
    outcome = HANDLERS[event.type](work_order, event, at)
    if isinstance(outcome, Refusal):
        return reject(outcome.code, outcome.message, outcome.details)
    reason = event.data.get("reason")
    return Transition(
        event=event,
        actor=actor,
        previous=state,
        state=outcome.state,
        work_order=outcome,
        at=at,
        time_source=source,
        server_time=now,
        reason=reason if isinstance(reason, str) else None,
    )


def _premature(wo: WorkOrderSnapshot, event_type: E) -> Refusal | None:
    """The rule an early event breaks (e.g. ``complete`` before QA's approval), if any."""
    for states, code, rule in PREMATURE.get(event_type, ()):
        if wo.state not in states:
            continue
        if code is RejectionCode.SIGNOFF_PREREQUISITES:
            missing = tuple(
                name
                for name, done in (
                    ("test_run", wo.test_run_done),
                    ("product_check", wo.product_check_done),
                )
                if not done
            )
            return Refusal(code, f"{rule}: customer sign-off needs {', '.join(missing)}", missing)
        return Refusal(code, f"{rule}: {event_type} is too early in state {wo.state}")
    return None
