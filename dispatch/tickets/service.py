"""Taking repair calls (R-IN-1) and deciding who goes and by when (R-DI-1 … R-DI-5).

The service loads the facts, calls the pure ``decide``, and saves the ticket with its immutable
decision and an audit trail. It never commits: the HTTP layer owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from dispatch.access.policy import Action, Resource, require, scope
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, StateConflict
from dispatch.tickets.acted import note_acted
from dispatch.tickets.decision import (
    Decision,
    DecisionInput,
    OutletCandidate,
    decide,
    distance_km,
    needs_outlet,
)
from dispatch.tickets.dispatchability import CLOSED_STATES, blocked_by
from dispatch.tickets.intake import Channel, FaultType, TicketStatus, Urgency
from dispatch.tickets.policy import DispatchPolicyRegistry
from dispatch.warranty.registry import WarrantyPolicyRegistry
from dispatch.warranty.service import WarrantyService, check_components
from geo.areas import parse_bbox
from geo.coordinates import LonLat
from geo.wkt import point_ewkt
from storage.models import DispatchDecision, Ticket, TicketEvent
from storage.repositories.network import (
    AssetRepository,
    CustomerRepository,
    OutletRepository,
    OutletRow,
    PlantFacts,
    PlantRepository,
)
from storage.repositories.pages import RowPage
from storage.repositories.tickets import TicketFilter, TicketRepository
from storage.repositories.warranty import WarrantyRepository

MAX_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PreviewRequest:
    plant_id: uuid.UUID
    site: LonLat
    reported_at: datetime | None = None
    urgency: Urgency = Urgency.NORMAL


@dataclass(frozen=True, slots=True)
class SiteInput:
    """The coordinates exactly as the caller sent them, kept beside the WGS-84 point."""

    lon: float
    lat: float
    crs: str


@dataclass(frozen=True, slots=True)
class CustomerInput:
    name: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class TicketCreate:
    plant_id: uuid.UUID
    site: LonLat
    site_input: SiteInput
    fault_description: str
    fault_type: FaultType
    urgency: Urgency
    channel: Channel
    customer: CustomerInput | None = None
    asset_id: uuid.UUID | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    reported_at: datetime | None = None
    components: tuple[str, ...] = ()
    """Component classes of the asset's warranty policy the fault is about (R-WA-1)."""


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket: Ticket
    decision: DispatchDecision | None
    blocked_by: tuple[str, ...] = ()

    @property
    def dispatchable(self) -> bool:
        return not self.blocked_by


@dataclass(frozen=True, slots=True)
class TicketQuery:
    """What the ticket list may be narrowed to, as the caller asked (``bbox``: west,south,east,north)."""

    status: TicketStatus | None = None
    plant_id: uuid.UUID | None = None
    outlet_id: uuid.UUID | None = None
    urgency: Urgency | None = None
    bbox: str | None = None


@dataclass(frozen=True, slots=True)
class DeadlineSet:
    """A dispatcher's arrival deadline where the policy sets none (R-DI-3 gap) or overrides one."""

    arrival_deadline: datetime
    reason: str


def reported_at_or_now(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if value.tzinfo is None:
        raise InvalidInput("reported_at", "reported_at needs a UTC offset, e.g. 2026-11-23T09:30:00+08:00")
    if value > now + MAX_CLOCK_SKEW:
        raise InvalidInput("reported_at", "reported_at is in the future")
    return value


class CoveringOutlets(Protocol):
    """Where the outlets covering a site come from: the unit of work's repository (tickets) or
    the preview's read pool (``storage.repositories.network.PreviewReads``)."""

    async def serving(self, plant_id: uuid.UUID, site: LonLat) -> list[OutletRow]: ...


async def decide_for(
    policies: DispatchPolicyRegistry,
    outlets: CoveringOutlets,
    plant: PlantFacts,
    site: LonLat,
    reported_at: datetime,
    urgency: Urgency,
) -> Decision:
    """Load what the pure decision needs (outlets only beyond the direct radius) and decide."""
    policy = policies.get(plant.policy)
    distance = distance_km(plant.location, site)
    candidates: list[OutletCandidate] = []
    if needs_outlet(policy, distance):
        rows = await outlets.serving(plant.id, site)
        candidates = [OutletCandidate(row.id, row.name, row.location) for row in rows]
    request = DecisionInput(
        plant_id=plant.id,
        plant_location=plant.location,
        site=site,
        reported_at=reported_at,
        urgency=urgency,
        timezone=ZoneInfo(plant.timezone),
        distance_km=distance,
    )
    return decide(policy, request, candidates)


class TicketService:
    def __init__(
        self,
        plants: PlantRepository,
        outlets: OutletRepository,
        tickets: TicketRepository,
        customers: CustomerRepository,
        assets: AssetRepository,
        warranties: WarrantyRepository,
        warranty: WarrantyService,
        policies: DispatchPolicyRegistry,
        warranty_policies: WarrantyPolicyRegistry,
        clock: Callable[[], datetime],
    ) -> None:
        self.plants = plants
        self.outlets = outlets
        self.tickets = tickets
        self.customers = customers
        self.assets = assets
        self.warranties = warranties
        self.warranty = warranty
        self.policies = policies
        self.warranty_policies = warranty_policies
        self.clock = clock

    async def create(self, caller: Principal, data: TicketCreate) -> TicketView:
        """Record a repair call (R-IN-1) with its decision; both are saved or neither."""
        require(caller, Resource.TICKET, Action.CREATE)
        plant = await self.plants.facts(data.plant_id)
        components: tuple[str, ...] = ()
        if data.asset_id is not None:
            asset = await self.assets.get(data.asset_id)
            if data.components:
                components = check_components(self.warranty_policies, asset, data.components)
        elif data.components:
            raise InvalidInput(
                "components", "components need an asset_id: they are classes of its warranty policy"
            )
        reported_at = reported_at_or_now(data.reported_at, self.clock())
        decision = await decide_for(self.policies, self.outlets, plant, data.site, reported_at, data.urgency)
        customer = (
            await self.customers.find_or_add(data.customer.name, data.customer.phone)
            if data.customer
            else None
        )
        ticket = await self.tickets.add(
            Ticket(
                plant_id=plant.id,
                customer_id=customer.id if customer else None,
                asset_id=data.asset_id,
                contact_name=data.contact_name or (data.customer.name if data.customer else None),
                contact_phone=data.contact_phone or (data.customer.phone if data.customer else None),
                channel=data.channel.value,
                fault_description=data.fault_description,
                fault_type=data.fault_type.value,
                urgency=data.urgency.value,
                status=(TicketStatus.NEEDS_DEADLINE if decision.needs_deadline else TicketStatus.NEW).value,
                site=point_ewkt(data.site),
                site_input_lon=data.site_input.lon,
                site_input_lat=data.site_input.lat,
                site_input_crs=data.site_input.crs,
                address=data.address,
                reported_at=reported_at,
                timezone=plant.timezone,
                mode=decision.mode.value,
                outlet_id=decision.outlet.id if decision.outlet else None,
                arrival_deadline=decision.arrival_deadline,
                response_deadline=decision.response_deadline,
            )
        )
        row = await self.tickets.add_decision(self._decision_row(ticket, decision, data, reported_at))
        ticket.decision_id = row.id
        await self.tickets.record(ticket.id, caller.label, "created", {"channel": data.channel.value})
        await self.tickets.record(
            ticket.id,
            caller.label,
            "decided",
            {"decision_id": str(row.id), "mode": decision.mode.value},
        )
        if data.asset_id is not None:
            await self._entitle(caller, ticket, components)
        await self.tickets.refresh(ticket)
        return TicketView(ticket, row, tuple(await blocked_by(self.warranties, ticket)))

    async def _entitle(self, caller: Principal, ticket: Ticket, components: tuple[str, ...]) -> None:
        """Store the ticket's component classes and answer "who pays" at intake (R-WA-1 … R-WA-8)."""
        await self.warranties.set_components(ticket.id, components)
        await self.warranty.evaluate_on_intake(caller.label, ticket)

    @staticmethod
    def _decision_row(
        ticket: Ticket, decision: Decision, data: TicketCreate, reported_at: datetime
    ) -> DispatchDecision:
        return DispatchDecision(
            ticket_id=ticket.id,
            plant_id=ticket.plant_id,
            policy_name=decision.policy_name,
            policy_version=decision.policy_version,
            mode=decision.mode.value,
            distance_km=Decimal(f"{decision.distance_km:.3f}"),
            outlet_id=decision.outlet.id if decision.outlet else None,
            outlet_distance_km=Decimal(f"{decision.outlet.distance_km:.3f}") if decision.outlet else None,
            arrival_deadline=decision.arrival_deadline,
            response_deadline=decision.response_deadline,
            inputs={
                "site": {"lon": data.site.lon, "lat": data.site.lat, "crs": "WGS84"},
                "site_input": asdict(data.site_input),
                "reported_at": reported_at.isoformat(),
                "urgency": data.urgency.value,
                "tier": {"from_km": decision.tier.from_km, "to_km": decision.tier.to_km},
            },
            explanation=list(decision.explanation),
            warnings=list(decision.warnings),
        )

    async def get(self, caller: Principal, ticket_id: uuid.UUID) -> TicketView:
        ticket = await self.tickets.get(ticket_id, scope(caller, Resource.TICKET, Action.READ))
        decision = await self.tickets.decision(ticket.decision_id) if ticket.decision_id else None
        return TicketView(ticket, decision, tuple(await blocked_by(self.warranties, ticket)))

    async def set_deadline(self, caller: Principal, ticket_id: uuid.UUID, data: DeadlineSet) -> TicketView:
        """Set the promised arrival by hand; the decision stays as it was, the trail says who and why."""
        require(caller, Resource.TICKET, Action.UPDATE)
        ticket = await self.tickets.get(ticket_id)
        if ticket.status in CLOSED_STATES:
            raise StateConflict(f"ticket is {ticket.status}: its deadline can no longer change")
        if data.arrival_deadline.tzinfo is None:
            raise InvalidInput("arrival_deadline", "arrival_deadline needs a UTC offset, e.g. +08:00")
        if data.arrival_deadline <= ticket.reported_at:
            raise InvalidInput("arrival_deadline", "arrival_deadline must be after the ticket was reported")
        if not data.reason.strip():
            raise InvalidInput("reason", "reason is required: say why this deadline")
        previous = ticket.arrival_deadline
        ticket.arrival_deadline = data.arrival_deadline
        note_acted(ticket, self.clock())  # R-IN-3: a dispatcher acted
        if ticket.status == TicketStatus.NEEDS_DEADLINE.value:
            ticket.status = TicketStatus.NEW.value
        await self.tickets.record(
            ticket.id,
            caller.label,
            "deadline_set",
            {
                "arrival_deadline": data.arrival_deadline.isoformat(),
                "previous": previous.isoformat() if previous else None,
                "reason": data.reason.strip(),
            },
        )
        await self.tickets.refresh(ticket)
        return await self.get(caller, ticket_id)

    async def page(self, caller: Principal, query: TicketQuery, page: int, page_size: int) -> RowPage[Ticket]:
        rows = scope(caller, Resource.TICKET, Action.LIST)
        where = TicketFilter(
            status=query.status.value if query.status else None,
            plant_id=query.plant_id,
            outlet_id=query.outlet_id,
            urgency=query.urgency.value if query.urgency else None,
            bbox=parse_bbox(query.bbox),
        )
        return await self.tickets.page(where, page, page_size, rows)

    async def outlet_name(self, outlet_id: uuid.UUID) -> str:
        """The name of the outlet a decision sent the ticket to (shown with the decision)."""
        return (await self.outlets.get(outlet_id)).name

    async def events(self, ticket_id: uuid.UUID) -> list[TicketEvent]:
        """The ticket's audit trail, oldest first (R-IN-1)."""
        return await self.tickets.events(ticket_id)
