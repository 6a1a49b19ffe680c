"""Request and response shapes for repair calls and dispatch decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec

from api.schemas.common import LocationIn, LocationOut, Name, Phone, location_out
from dispatch.tickets.clock_service import Clock, Clocks
from dispatch.tickets.decision import Decision
from dispatch.tickets.intake import Urgency, parse_choice
from dispatch.tickets.service import PreviewRequest
from storage.models import DispatchDecision, Ticket, TicketEvent


class PreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    plant_id: uuid.UUID
    site: LocationIn
    reported_at: datetime | None = None
    urgency: str = "normal"

    def to_request(self) -> PreviewRequest:
        """The service's request; ``InvalidInput`` names a bad ``site`` or ``urgency``."""
        return PreviewRequest(
            plant_id=self.plant_id,
            site=self.site.to_wgs84("site"),
            reported_at=self.reported_at,
            urgency=parse_choice(Urgency, self.urgency, "urgency"),
        )


class CustomerIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    phone: Phone | None = None


class FaultIn(msgspec.Struct, forbid_unknown_fields=True):
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    type: str = "other"


class TicketIn(msgspec.Struct, forbid_unknown_fields=True):
    """A repair call (R-IN-1): who, contact, asset, fault, location, time received."""

    plant_id: uuid.UUID
    site: LocationIn
    fault: FaultIn
    urgency: str = "normal"
    channel: str = "phone"
    customer: CustomerIn | None = None
    asset_id: uuid.UUID | None = None
    contact_name: Name | None = None
    contact_phone: Phone | None = None
    address: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    reported_at: datetime | None = None
    components: list[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]] | None = None
    """Component classes of the asset's warranty policy (needs ``asset_id``; R-WA-1)."""


class DeadlineIn(msgspec.Struct, forbid_unknown_fields=True):
    arrival_deadline: datetime
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class RemoteResolutionIn(msgspec.Struct, forbid_unknown_fields=True):
    """R-IN-6: solved by phone guidance or remote support, without a visit."""

    method: str
    """``phone`` or ``remote``."""
    advice: str
    """What the customer was told to do."""
    customer_confirmed: bool
    confirmed_by: str | None = None
    """Who at the customer confirmed it (required when ``customer_confirmed``)."""


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class CloseIn(msgspec.Struct, forbid_unknown_fields=True):
    note: str | None = None


class OutletRef(msgspec.Struct):
    id: uuid.UUID
    name: str
    distance_km: float


class PolicyRef(msgspec.Struct):
    name: str
    version: int


class DecisionOut(msgspec.Struct):
    """R-DI-1/R-DI-2: who goes (``direct`` = the plant's engineers, ``outlet``) and by when."""

    mode: str
    distance_km: float
    arrival_deadline: datetime | None
    response_deadline: datetime | None
    outlet: OutletRef | None
    policy: PolicyRef
    explanation: list[str]
    warnings: list[str]
    id: uuid.UUID | None = None
    decided_at: datetime | None = None

    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        outlet = decision.outlet
        return cls(
            mode=decision.mode.value,
            distance_km=decision.distance_km,
            arrival_deadline=decision.arrival_deadline,
            response_deadline=decision.response_deadline,
            outlet=OutletRef(outlet.id, outlet.name, outlet.distance_km) if outlet else None,
            policy=PolicyRef(decision.policy_name, decision.policy_version),
            explanation=list(decision.explanation),
            warnings=list(decision.warnings),
        )

    @classmethod
    def of_row(cls, row: DispatchDecision, outlet_name: str | None, tz: ZoneInfo) -> DecisionOut:
        outlet = None
        if row.outlet_id is not None and row.outlet_distance_km is not None:
            outlet = OutletRef(row.outlet_id, outlet_name or "", float(row.outlet_distance_km))
        return cls(
            id=row.id,
            mode=row.mode,
            distance_km=float(row.distance_km),
            arrival_deadline=_local(row.arrival_deadline, tz),
            response_deadline=_local(row.response_deadline, tz),
            outlet=outlet,
            policy=PolicyRef(row.policy_name, row.policy_version),
            explanation=list(row.explanation),
            warnings=list(row.warnings),
            decided_at=row.decided_at,
        )


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz) if moment is not None else None


class EventOut(msgspec.Struct):
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any]

    @classmethod
    def of(cls, event: TicketEvent) -> EventOut:
        return cls(at=event.at, actor=event.actor, kind=event.kind, data=event.data)


class SiteInputOut(msgspec.Struct):
    lon: float
    lat: float
    crs: str


class TicketOut(msgspec.Struct):
    id: uuid.UUID
    number: str
    plant_id: uuid.UUID
    status: str
    urgency: str
    channel: str
    fault: dict[str, str]
    site: LocationOut
    site_input: SiteInputOut
    address: str | None
    customer_id: uuid.UUID | None
    asset_id: uuid.UUID | None
    contact_name: str | None
    contact_phone: str | None
    reported_at: datetime
    mode: str
    outlet_id: uuid.UUID | None
    arrival_deadline: datetime | None
    response_deadline: datetime | None
    created_at: datetime
    responded_at: datetime | None = None
    """The first office action (keeps the response clock, R-IN-3)."""
    forwarded_at: datetime | None = None
    """The first hand-over to an engineer (keeps the forwarding clock, R-IN-4)."""
    dispatchable: bool = True
    blocked_by: list[str] = msgspec.field(default_factory=list)
    decision: DecisionOut | None = None
    events: list[EventOut] | None = None

    @classmethod
    def of(
        cls,
        ticket: Ticket,
        decision: DecisionOut | None = None,
        events: list[EventOut] | None = None,
        blocked_by: tuple[str, ...] | None = None,
    ) -> TicketOut:
        tz = ZoneInfo(ticket.timezone)
        return cls(
            id=ticket.id,
            number=ticket_number(ticket.number),
            plant_id=ticket.plant_id,
            status=ticket.status,
            urgency=ticket.urgency,
            channel=ticket.channel,
            fault={"description": ticket.fault_description, "type": ticket.fault_type},
            site=location_out(ticket.site_lon, ticket.site_lat),
            site_input=SiteInputOut(ticket.site_input_lon, ticket.site_input_lat, ticket.site_input_crs),
            address=ticket.address,
            customer_id=ticket.customer_id,
            asset_id=ticket.asset_id,
            contact_name=ticket.contact_name,
            contact_phone=ticket.contact_phone,
            reported_at=ticket.reported_at.astimezone(tz),
            mode=ticket.mode,
            outlet_id=ticket.outlet_id,
            arrival_deadline=_local(ticket.arrival_deadline, tz),
            response_deadline=_local(ticket.response_deadline, tz),
            created_at=ticket.created_at,
            responded_at=_local(ticket.responded_at, tz),
            forwarded_at=_local(ticket.forwarded_at, tz),
            dispatchable=not blocked_by if blocked_by is not None else True,
            blocked_by=list(blocked_by or ()),
            decision=decision,
            events=events,
        )


def ticket_number(number: int) -> str:
    """The number the hotline reads to the customer, e.g. ``AS-001001``."""
    return f"AS-{number:06d}"


class ClockOut(msgspec.Struct):
    """One promise of the ticket, judged at ``now`` (docs/calendar.md)."""

    name: str
    """``response`` (R-IN-3), ``forwarding`` (R-IN-4), ``arrival`` (R-DI-1…5), ``report`` (R-FU-3)."""
    rule: str
    currency: str
    """``wall`` (every hour counts) or ``working`` (the plant's working hours on working days)."""
    started_at: datetime
    due_at: datetime | None
    state: str
    """``running``, ``at_risk``, ``met``, ``breached`` or ``paused``."""
    responsible: str
    estimated: bool
    """True when the due instant was counted through a year without a published notice."""
    kept_at: datetime | None = None
    paused_by: str | None = None

    @classmethod
    def of(cls, clock: Clock) -> ClockOut:
        p = clock.promise
        return cls(
            name=p.name,
            rule=p.rule,
            currency=p.currency.value,
            started_at=p.started_at,
            due_at=p.due_at,
            state=clock.state.value,
            responsible=p.responsible,
            estimated=p.estimated,
            kept_at=p.kept_at,
            paused_by=p.paused_by,
        )


class ClocksOut(msgspec.Struct):
    ticket_id: uuid.UUID
    now: datetime
    """The instant the clocks were judged at, with the plant's offset."""
    clocks: list[ClockOut]

    @classmethod
    def of(cls, found: Clocks) -> ClocksOut:
        return cls(found.ticket_id, found.now, [ClockOut.of(clock) for clock in found.clocks])
