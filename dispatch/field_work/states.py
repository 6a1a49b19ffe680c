"""The vocabulary of the work-order lifecycle: states, event types and the roles that act.

Every status a work order can have and every event the mobile app, QA or the dispatcher can
send is a member of one of these enums; no other module spells a status as a bare string.
The values are the wire names used by ``POST /api/v1/sync`` and stored in the database.
"""

from __future__ import annotations

from enum import StrEnum


class WorkOrderState(StrEnum):
    """Where a work order stands (R-OS-1…5, R-FU-3)."""

    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    DECLINED = "declined"  # back to the dispatcher, with a reason
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"  # the safety checklist (R-OS-1/2) is recorded without leaving it
    WORKING = "working"
    AWAITING_SIGNOFF = "awaiting_signoff"  # test run (R-OS-3) and product check (R-OS-4) done
    AWAITING_RETURN_APPROVAL = "awaiting_return_approval"  # customer signed (R-OS-3)
    RETURN_APPROVED = "return_approved"  # QA approved the return (R-OS-3)
    IN_FACTORY = "in_factory"  # return-to-factory repair (R-OS-5)
    AWAITING_INSPECTION = "awaiting_inspection"  # engineer self-check done (R-OS-5)
    INSPECTED = "inspected"  # QA inspection record passed (R-OS-5)
    PAUSED = "paused"  # waiting for parts; ``resume`` returns to the state before
    COMPLETED = "completed"
    REPORTED = "reported"  # written report filed (R-FU-3)
    CANCELLED = "cancelled"
    HANDED_TO_OUTLET = "handed_to_outlet"  # a service outlet takes the job (R-DI-1)


TERMINAL_STATES: frozenset[WorkOrderState] = frozenset(
    {WorkOrderState.REPORTED, WorkOrderState.CANCELLED, WorkOrderState.HANDED_TO_OUTLET}
)
"""States no event leaves."""

CLOSED_BY_DISPATCHER: frozenset[WorkOrderState] = frozenset(
    {WorkOrderState.CANCELLED, WorkOrderState.HANDED_TO_OUTLET}
)
"""States the dispatcher may put a job in while its engineer is offline (a sync conflict)."""


class EventType(StrEnum):
    """What happened to a work order; each applied event is one transition (or a record)."""

    ACCEPT = "accept"
    DECLINE = "decline"
    DEPART = "depart"
    ARRIVE = "arrive"
    CHECKLIST_DONE = "checklist_done"
    START_WORK = "start_work"
    PARTS_REPORTED = "parts_reported"  # R-NW-2: parts reported before they are used
    TEST_RUN_DONE = "test_run_done"
    PRODUCT_CHECK_DONE = "product_check_done"
    CUSTOMER_SIGNED = "customer_signed"
    APPROVE_RETURN = "approve_return"
    COMPLETE = "complete"
    REPORT_FILED = "report_filed"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    REASSIGN = "reassign"
    RETURN_TO_FACTORY = "return_to_factory"
    SELF_CHECK_DONE = "self_check_done"
    QA_INSPECTED = "qa_inspected"
    HAND_TO_OUTLET = "hand_to_outlet"


class ActorRole(StrEnum):
    """Who sends an event. ``system`` is the server itself (geofence arrival)."""

    ENGINEER = "engineer"
    DISPATCHER = "dispatcher"
    QA = "qa"
    SYSTEM = "system"
