"""Supplier and recall paths (R-WA-9) and the internal-loss ledger (R-WA-6).

A recall campaign is identified by what it selects (a batch, or a model over a production-date
range) and the component: declaring it again returns the same campaign, opens tickets only for
assets that were not in it yet, and the unique ``(campaign_id, asset_id)`` constraint makes that
hold under concurrency too. Recall tickets start without a site visit plan (site = the plant,
no arrival deadline), so they wait for a dispatcher (``needs_deadline``) like any gap in policy.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from dispatch.access.policy import Action, Resource, require, scope
from dispatch.access.principal import Principal
from dispatch.tickets.intake import TicketStatus
from dispatch.warranty.errors import UnknownComponentClass, WarrantyConflict, WarrantyFactsError
from dispatch.warranty.registry import WarrantyPolicyRegistry
from dispatch.warranty.service import WarrantyService, check_components, policy_of
from geo.coordinates import LonLat
from geo.wkt import point_ewkt
from storage.errors import Conflict
from storage.models import Asset, InternalLoss, RecallCampaign, SupplierClaim, Ticket
from storage.repositories.network import AssetRepository, PlantRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.warranty import WarrantyRepository

COST_KINDS = ("parts", "labour", "travel", "other")


@dataclass(frozen=True, slots=True)
class RecallRequest:
    defect: str
    component: str
    batch: str | None = None
    model: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class RecallResult:
    campaign: RecallCampaign
    created: bool
    tickets_opened: int
    items: list[tuple[Asset, Ticket | None]]


@dataclass(frozen=True, slots=True)
class CostInput:
    component: str
    kind: str
    amount: Decimal
    supplier: str | None = None
    note: str | None = None


def _key(request: RecallRequest) -> str:
    if request.batch is not None:
        selector = f"batch={request.batch}"
    else:
        selector = f"model={request.model};from={request.date_from};to={request.date_to}"
    return f"{selector};component={request.component}"


def _check(request: RecallRequest, registry: WarrantyPolicyRegistry) -> RecallRequest:
    if not request.defect.strip():
        raise WarrantyFactsError("defect", "defect is required")
    by_model = request.model is not None or request.date_from is not None or request.date_to is not None
    if request.batch is not None and by_model:
        raise WarrantyFactsError("batch", "give either batch, or model with from and to — not both")
    if request.batch is None:
        for field, value in (("model", request.model), ("from", request.date_from), ("to", request.date_to)):
            if value is None:
                raise WarrantyFactsError(field, "a recall needs batch, or model with from and to")
        assert request.date_from is not None and request.date_to is not None
        if request.date_to < request.date_from:
            raise WarrantyFactsError("to", "to is before from")
    known = {c for name in registry.names() for p in registry.versions(name) for c in p.class_ids}
    if request.component not in known:
        raise UnknownComponentClass(request.component, sorted(known), "component")
    return request


class RecallService:
    def __init__(
        self,
        warranty: WarrantyRepository,
        tickets: TicketRepository,
        assets: AssetRepository,
        plants: PlantRepository,
        registry: WarrantyPolicyRegistry,
        entitlements: WarrantyService,
    ) -> None:
        self.warranty = warranty
        self.tickets = tickets
        self.assets = assets
        self.plants = plants
        self.registry = registry
        self.entitlements = entitlements

    async def declare(self, caller: Principal, request: RecallRequest) -> RecallResult:
        """Open (or re-open) a campaign: one ticket per affected asset, never two."""
        require(caller, Resource.RECALL, Action.CREATE)
        request = _check(request, self.registry)
        campaign, created = await self.warranty.campaign_for_key(
            RecallCampaign(
                key=_key(request),
                batch=request.batch,
                model=request.model,
                date_from=request.date_from,
                date_to=request.date_to,
                defect=request.defect.strip(),
                component_class=request.component,
                created_by=caller.label,
            )
        )
        assets = await self.warranty.recall_candidates(
            campaign.batch, campaign.model, campaign.date_from, campaign.date_to
        )
        new = await self.warranty.add_recall_items(campaign.id, [a.id for a in assets])
        for asset in assets:
            if asset.id in new:
                ticket = await self._open_ticket(caller, campaign, asset)
                await self.warranty.set_recall_ticket(campaign.id, asset.id, ticket.id)
                await self.entitlements.evaluate_on_intake(caller.label, ticket)
        items = await self.warranty.recall_items(campaign.id)
        return RecallResult(campaign, created, len(new), items)

    async def _open_ticket(self, caller: Principal, campaign: RecallCampaign, asset: Asset) -> Ticket:
        plant = await self.plants.get(asset.plant_id)
        ticket = await self.tickets.add(
            Ticket(
                plant_id=plant.id,
                customer_id=asset.customer_id,
                asset_id=asset.id,
                channel="recall",
                fault_description=f"Recall: {campaign.defect} ({campaign.component_class})",
                fault_type="other",
                urgency="normal",
                status=TicketStatus.NEEDS_DEADLINE.value,
                site=point_ewkt(LonLat(plant.location_lon, plant.location_lat)),
                site_input_lon=plant.location_lon,
                site_input_lat=plant.location_lat,
                site_input_crs="WGS84",
                address="recall: site to be agreed with the customer",
                reported_at=datetime.now(UTC),
                timezone=plant.timezone,
                mode="direct",
            )
        )
        has_policy = asset.warranty_policy is not None and asset.warranty_policy_version is not None
        if has_policy and campaign.component_class in policy_of(self.registry, asset).class_ids:
            await self.warranty.set_components(ticket.id, [campaign.component_class])
        await self.tickets.record(
            ticket.id,
            caller.label,
            "created",
            {"channel": "recall", "recall_id": str(campaign.id), "defect": campaign.defect, "rule": "R-WA-9"},
        )
        return ticket

    async def get(self, caller: Principal, campaign_id: uuid.UUID) -> RecallResult:
        require(caller, Resource.RECALL, Action.READ)
        campaign = await self.warranty.campaign(campaign_id)
        return RecallResult(campaign, False, 0, await self.warranty.recall_items(campaign.id))

    # supplier claims (R-WA-9) -------------------------------------------------------------
    async def open_claim(
        self,
        caller: Principal,
        ticket_id: uuid.UUID,
        component: str,
        supplier: str,
        description: str,
        part_number: str | None,
    ) -> SupplierClaim:
        ticket = await self.tickets.get(ticket_id, scope(caller, Resource.SUPPLIER_CLAIM, Action.CREATE))
        if ticket.asset_id is None:
            raise WarrantyConflict("the ticket names no asset", "asset_id")
        asset = await self.assets.get(ticket.asset_id)
        check_components(self.registry, asset, [component], "component")
        if not supplier.strip():
            raise WarrantyFactsError("supplier", "supplier is required")
        if await self.warranty.claim_exists(ticket.id, component, supplier.strip()):
            raise Conflict(f"a claim against {supplier} for {component} is already open", field="supplier")
        row = await self.warranty.add(
            SupplierClaim(
                ticket_id=ticket.id,
                asset_id=asset.id,
                component_class=component,
                supplier=supplier.strip(),
                part_number=part_number,
                description=description.strip(),
                status="open",
                recorded_by=caller.label,
            )
        )
        await self.warranty.attribute_losses(ticket.id, component, row.supplier)
        await self.tickets.record(
            ticket.id,
            caller.label,
            "supplier_claim_opened",
            {"claim_id": str(row.id), "component": component, "supplier": row.supplier, "rule": "R-WA-9"},
        )
        return row

    async def claims(self, caller: Principal, ticket_id: uuid.UUID) -> list[SupplierClaim]:
        await self.tickets.get(ticket_id, scope(caller, Resource.SUPPLIER_CLAIM, Action.READ))
        return await self.warranty.claims(ticket_id)

    # internal loss (R-WA-6) ---------------------------------------------------------------
    async def add_cost(self, caller: Principal, ticket_id: uuid.UUID, data: CostInput) -> InternalLoss:
        """Book actual in-warranty cost of a covered component as internal loss."""
        ticket = await self.tickets.get(ticket_id, scope(caller, Resource.COST, Action.CREATE))
        entitlement = await self.warranty.latest_entitlement(ticket.id)
        rows = entitlement.components if entitlement is not None else []
        covered = {c["class"] for c in rows if c["status"] in ("covered", "exchange")}
        if data.component not in covered:
            raise WarrantyConflict(
                f"{data.component} is not covered on this ticket: only in-warranty work is internal loss",
                "component",
            )
        if data.kind not in COST_KINDS:
            raise WarrantyFactsError("kind", f"kind must be one of {', '.join(COST_KINDS)}")
        if not data.amount.is_finite() or data.amount <= 0:
            raise WarrantyFactsError("amount", "amount must be > 0")
        assert ticket.asset_id is not None
        policy = policy_of(self.registry, await self.assets.get(ticket.asset_id))
        row = await self.warranty.add(
            InternalLoss(
                ticket_id=ticket.id,
                asset_id=ticket.asset_id,
                component_class=data.component,
                supplier=data.supplier,
                kind=data.kind,
                amount=data.amount.quantize(Decimal("0.01")),
                currency=policy.prices.currency,
                note=data.note,
                recorded_by=caller.label,
            )
        )
        await self.tickets.record(
            ticket.id,
            caller.label,
            "internal_loss_booked",
            {"component": data.component, "kind": data.kind, "amount": str(row.amount), "rule": "R-WA-6"},
        )
        return row

    async def costs(self, caller: Principal, ticket_id: uuid.UUID) -> list[InternalLoss]:
        await self.tickets.get(ticket_id, scope(caller, Resource.COST, Action.READ))
        return await self.warranty.losses(ticket_id)
