"""The access table: who may do what to which resource, and how far they reach (docs/security.md).

One table, as data: ``(resource, action) → {role: reach}``. A role missing from a row may not do
that action at all (403); a role whose reach is "own outlet", "own job", "self" or "own link"
reaches only the rows tied to its token's claim, and any other row does not exist for it (404:
an outlet must not learn that another outlet's ticket id is real). Unknown resources, actions or
roles are denied: the table fails closed.

Services call :func:`scope` (reads and writes of keyed rows; the answer goes into the
repository's query) or :func:`require` (actions that are not keyed to a row) at the top of each
method; controllers never decide access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

from dispatch.access.principal import Principal, Role
from dispatch.errors import NotPermitted
from dispatch.field_work.states import TERMINAL_STATES
from storage.scope import ALL, RowScope


class Resource(StrEnum):
    PLANT = "plant"
    WORKING_HOURS = "working hours"
    CALENDAR = "working calendar"
    OUTLET = "outlet"
    TECHNICIAN = "technician"
    CUSTOMER = "customer"
    ASSET = "asset"
    ASSET_WARRANTY = "asset warranty"
    DOWNTIME = "downtime"
    POLICY = "dispatch policy"
    DISPATCH_PREVIEW = "dispatch preview"
    TICKET = "ticket"
    ENTITLEMENT = "entitlement"
    EXCLUSION = "exclusion"
    SUPPLIER_CLAIM = "supplier claim"
    COST = "cost"
    QUOTE = "quote"
    RECALL = "recall"
    EVIDENCE = "evidence"
    EVIDENCE_SIGN_OFF = "evidence sign-off"
    REPORT = "service report"
    WORK_ORDER = "work order"
    JOBS = "engineer's jobs"
    PLAN = "plan"
    ABSENCE = "absence"
    DEVICE = "device"
    POSITION = "position"
    LIVE_EVENT = "live event"
    TRACKING_LINK = "tracking link"
    TRACKING_VIEW = "tracking view"
    SESSION = "session"
    WEBHOOK = "webhook"
    TICKET_END = "ticket end"


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DECIDE = "decide"
    """Approve, accept, confirm, refuse or withdraw: a judgement on someone else's record."""
    OVERRIDE = "override"


class Reach(StrEnum):
    ANY = "any"
    OWN_OUTLET = "own outlet"
    OWN_JOB = "own job"
    SELF = "self"
    OWN_LINK = "own link"


R = Role
A = Action
ANY, OUTLET, JOB, SELF, LINK = Reach.ANY, Reach.OWN_OUTLET, Reach.OWN_JOB, Reach.SELF, Reach.OWN_LINK

_OFFICE = {R.ADMIN: ANY, R.DISPATCHER: ANY}
_READ_ALL = {R.ADMIN: ANY, R.DISPATCHER: ANY, R.QA: ANY, R.EXECUTIVE: ANY}
_QUALITY = {R.ADMIN: ANY, R.DISPATCHER: ANY, R.QA: ANY}
_TICKET_READ = {**_READ_ALL, R.OUTLET: OUTLET, R.ENGINEER: JOB}

Row = Mapping[Role, Reach]

TABLE: Mapping[tuple[Resource, Action], Row] = MappingProxyType(
    {
        # the service network (R-DI-1, R-NW-1): reference data, written by the office
        (Resource.PLANT, A.READ): {**_READ_ALL, R.OUTLET: ANY, R.ENGINEER: ANY},
        (Resource.PLANT, A.LIST): {**_READ_ALL, R.OUTLET: ANY, R.ENGINEER: ANY},
        (Resource.PLANT, A.CREATE): _OFFICE,
        # the working calendar (R-IN-4, R-IN-5, R-FU-3): public facts; hours and notices set by admins
        (Resource.WORKING_HOURS, A.READ): {**_READ_ALL, R.OUTLET: ANY, R.ENGINEER: ANY},
        (Resource.WORKING_HOURS, A.UPDATE): {R.ADMIN: ANY},
        (Resource.CALENDAR, A.READ): {**_READ_ALL, R.OUTLET: ANY, R.ENGINEER: ANY},
        (Resource.CALENDAR, A.CREATE): {R.ADMIN: ANY},
        (Resource.OUTLET, A.READ): {**_READ_ALL, R.OUTLET: OUTLET, R.ENGINEER: ANY},
        (Resource.OUTLET, A.LIST): {**_READ_ALL, R.OUTLET: OUTLET, R.ENGINEER: ANY},
        (Resource.OUTLET, A.CREATE): _OFFICE,
        (Resource.OUTLET, A.UPDATE): _OFFICE,
        (Resource.TECHNICIAN, A.READ): {**_READ_ALL, R.OUTLET: OUTLET, R.ENGINEER: SELF},
        (Resource.TECHNICIAN, A.LIST): {**_READ_ALL, R.OUTLET: OUTLET, R.ENGINEER: SELF},
        (Resource.TECHNICIAN, A.CREATE): _OFFICE,
        (Resource.CUSTOMER, A.READ): _READ_ALL,
        (Resource.CUSTOMER, A.LIST): _READ_ALL,
        (Resource.POLICY, A.LIST): {**_READ_ALL, R.OUTLET: ANY, R.ENGINEER: ANY},
        # assets and their warranty (R-WA-1/2/3): an outlet or engineer reaches the assets of its tickets
        (Resource.ASSET, A.READ): _TICKET_READ,
        (Resource.ASSET, A.LIST): _TICKET_READ,
        (Resource.ASSET, A.CREATE): _OFFICE,
        (Resource.ASSET_WARRANTY, A.READ): _TICKET_READ,
        (Resource.DOWNTIME, A.READ): _TICKET_READ,
        (Resource.DOWNTIME, A.CREATE): {**_QUALITY, R.ENGINEER: JOB},
        # tickets (R-DI-*): intake by the office and the outlets' hotlines
        (Resource.DISPATCH_PREVIEW, A.READ): {**_OFFICE, R.OUTLET: ANY},
        (Resource.TICKET, A.CREATE): {**_OFFICE, R.OUTLET: ANY},
        (Resource.TICKET, A.READ): _TICKET_READ,
        (Resource.TICKET, A.LIST): _TICKET_READ,
        (Resource.TICKET, A.UPDATE): _OFFICE,
        # how a ticket ends (R-IN-6): solved by phone/remotely (the outlet's hotline too),
        # cancelled by the office, closed by the office or QA
        (Resource.TICKET_END, A.CREATE): {**_OFFICE, R.OUTLET: OUTLET},
        (Resource.TICKET_END, A.DELETE): _OFFICE,
        (Resource.TICKET_END, A.DECIDE): _QUALITY,
        # who pays (R-WA-4/6/9)
        (Resource.ENTITLEMENT, A.READ): {**_READ_ALL, R.OUTLET: OUTLET},
        (Resource.ENTITLEMENT, A.CREATE): {**_QUALITY, R.OUTLET: OUTLET},
        (Resource.EXCLUSION, A.READ): {**_READ_ALL, R.OUTLET: OUTLET},
        (Resource.EXCLUSION, A.CREATE): _QUALITY,
        (Resource.EXCLUSION, A.DECIDE): _QUALITY,
        (Resource.SUPPLIER_CLAIM, A.READ): _READ_ALL,
        (Resource.SUPPLIER_CLAIM, A.CREATE): _QUALITY,
        (Resource.COST, A.READ): _READ_ALL,
        (Resource.COST, A.CREATE): {**_QUALITY, R.ENGINEER: JOB},
        (Resource.QUOTE, A.READ): {**_READ_ALL, R.OUTLET: OUTLET},
        (Resource.QUOTE, A.CREATE): _OFFICE,
        (Resource.QUOTE, A.DECIDE): _OFFICE,
        (Resource.QUOTE, A.OVERRIDE): {R.EXECUTIVE: ANY},  # the one executive write: releasing a visit
        (Resource.RECALL, A.READ): _READ_ALL,
        (Resource.RECALL, A.CREATE): _QUALITY,
        # evidence and the service report (R-OS-3/4)
        (Resource.EVIDENCE, A.READ): _TICKET_READ,
        (Resource.EVIDENCE, A.LIST): _TICKET_READ,
        (Resource.EVIDENCE, A.CREATE): {**_OFFICE, R.OUTLET: OUTLET, R.ENGINEER: JOB},
        (Resource.EVIDENCE, A.UPDATE): {**_OFFICE, R.OUTLET: OUTLET, R.ENGINEER: JOB},  # complete an upload
        (Resource.EVIDENCE_SIGN_OFF, A.CREATE): {**_QUALITY, R.OUTLET: OUTLET, R.ENGINEER: JOB},
        (Resource.EVIDENCE, A.DECIDE): {R.ADMIN: ANY, R.QA: ANY},
        (Resource.EVIDENCE, A.DELETE): _QUALITY,
        (Resource.REPORT, A.READ): {**_TICKET_READ, R.CUSTOMER: LINK},
        # field work (R-OS-1…5): the machine decides which events each role may send
        (Resource.WORK_ORDER, A.CREATE): _OFFICE,
        (Resource.WORK_ORDER, A.READ): {**_READ_ALL, R.ENGINEER: JOB},
        (Resource.WORK_ORDER, A.UPDATE): {**_QUALITY, R.ENGINEER: JOB},
        (Resource.WORK_ORDER, A.DECIDE): {R.ADMIN: ANY, R.QA: ANY},
        (Resource.JOBS, A.LIST): {R.ENGINEER: SELF},
        (Resource.PLAN, A.CREATE): _OFFICE,
        (Resource.PLAN, A.READ): _READ_ALL,
        (Resource.PLAN, A.UPDATE): _OFFICE,
        (Resource.ABSENCE, A.CREATE): _OFFICE,
        # positions (R-TR-*): an engineer's own device and track
        (Resource.DEVICE, A.CREATE): {**_OFFICE, R.ENGINEER: SELF},
        (Resource.POSITION, A.CREATE): {R.ADMIN: ANY, R.ENGINEER: SELF},
        (Resource.POSITION, A.READ): {**_READ_ALL, R.ENGINEER: SELF},
        (Resource.LIVE_EVENT, A.LIST): {**_READ_ALL, R.OUTLET: OUTLET},
        # the customer's tracking link (R-TR-*): a principal of its own
        (Resource.TRACKING_LINK, A.CREATE): _OFFICE,
        (Resource.TRACKING_LINK, A.DELETE): _OFFICE,
        (Resource.TRACKING_VIEW, A.READ): {R.CUSTOMER: LINK},
        (Resource.SESSION, A.READ): {role: ANY for role in Role if role is not Role.CUSTOMER},
        # notifications: webhooks carry every ticket's data out of the system, so only an admin
        # subscribes them
        (Resource.WEBHOOK, A.CREATE): {R.ADMIN: ANY},
        (Resource.WEBHOOK, A.LIST): {R.ADMIN: ANY},
        (Resource.WEBHOOK, A.READ): {R.ADMIN: ANY},
        (Resource.WEBHOOK, A.DELETE): {R.ADMIN: ANY},
    }
)


def reach(principal: Principal, resource: Resource, action: Action) -> Reach:
    """How far ``principal`` reaches for ``action`` on ``resource``; 403 if the table says nothing."""
    found = TABLE.get((resource, action), {}).get(principal.role)
    if found is None:
        raise NotPermitted(
            f"role {principal.role.value!r} may not {action.value} {resource.value} (docs/security.md)"
        )
    return found


def scope(principal: Principal, resource: Resource, action: Action) -> RowScope:
    """The rows ``principal`` may touch: repositories apply it in SQL (out of scope → 404)."""
    granted = reach(principal, resource, action)
    if granted is Reach.ANY:
        return ALL
    claim = {
        Reach.OWN_OUTLET: ("outlet", principal.outlet_id),
        Reach.OWN_JOB: ("technician", principal.technician_id),
        Reach.SELF: ("technician", principal.technician_id),
        Reach.OWN_LINK: ("ticket", principal.ticket_id),
    }[granted]
    if claim[1] is None:  # the door refuses such tokens; never read a missing claim as "no limit"
        raise NotPermitted(f"a {principal.role.value} token needs its {claim[0]} claim")
    if granted is Reach.OWN_OUTLET:
        return RowScope(outlet_id=principal.outlet_id)
    if granted is Reach.OWN_LINK:
        return RowScope(ticket_id=principal.ticket_id)
    closed = tuple(sorted(state.value for state in TERMINAL_STATES))
    return RowScope(technician_id=principal.technician_id, closed_states=closed)


def require(principal: Principal, resource: Resource, action: Action) -> None:
    """For actions not keyed to a row the caller could own: only a reach of "any" allows them."""
    if reach(principal, resource, action) is not Reach.ANY:
        raise NotPermitted(
            f"role {principal.role.value!r} may not {action.value} {resource.value} (docs/security.md)"
        )


def require_self(principal: Principal, resource: Resource, action: Action, technician_id: object) -> None:
    """Technician-keyed actions (positions, devices): "self" reaches only the token's technician."""
    granted = reach(principal, resource, action)
    if granted is Reach.ANY:
        return
    if (
        granted is not Reach.SELF
        or principal.technician_id is None
        or principal.technician_id != technician_id
    ):
        raise NotPermitted(
            f"a {principal.role.value} token reaches only its own technician's {resource.value}"
        )


def allowed_roles(resource: Resource, action: Action) -> dict[Role, Reach]:
    return dict(TABLE.get((resource, action), {}))


def reaches_job(
    principal: Principal,
    resource: Resource,
    action: Action,
    assigned: object,
    former: Iterable[object] = (),
) -> bool:
    """A work-order-keyed check on loaded facts: "own job" is the current or a former assignee
    (a reassigned engineer still learns, through sync, that the job moved on)."""
    granted = reach(principal, resource, action)
    if granted is Reach.ANY:
        return True
    me = principal.technician_id
    return granted is Reach.OWN_JOB and me is not None and (assigned == me or me in set(former))
