"""Warranty service: load the facts, call the pure core, store the answer (never commit).

Assets are bound to the policy version in force on their sale day (``register_asset``); the
status of an asset on a day (R-WA-1/2/3); downtime (R-WA-3); a ticket's entitlement evaluated on
its ``reported_at`` date in the customer's zone, stored with rules and explanation, with the
in-warranty cost estimate booked as internal loss (R-WA-6); exclusions (R-WA-4). Every change to
a ticket goes into its audit trail.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from dispatch.access.policy import Action, Resource, require, scope
from dispatch.access.principal import Principal
from dispatch.warranty.dates import DowntimePeriod, coverage_end, downtime_days
from dispatch.warranty.entitlement import CoverageStatus, Entitlement, evaluate
from dispatch.warranty.errors import (
    UnknownComponentClass,
    WarrantyConflict,
    WarrantyError,
    WarrantyFactsError,
)
from dispatch.warranty.facts import (
    DEFAULT_TIMEZONE,
    AssetFacts,
    ExchangeClaim,
    Exclusion,
    ExclusionRule,
    TicketFacts,
)
from dispatch.warranty.policy import ProductLine, WarrantyPolicy
from dispatch.warranty.quote import quote
from dispatch.warranty.registry import WarrantyPolicyRegistry
from dispatch.warranty.status import WarrantyStatus, asset_zone, warranty_status
from storage.models import (
    Asset,
    AssetDowntime,
    InternalLoss,
    Ticket,
    WarrantyEntitlement,
    WarrantyExclusion,
)
from storage.repositories.network import AssetRepository, CustomerRepository, PlantRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.warranty import WarrantyRepository


@dataclass(frozen=True, slots=True)
class AssetRegistration:
    serial: str
    model: str
    product_line: str
    plant_id: uuid.UUID
    sold_on: date
    warranty_policy: str
    registration_date: date | None = None
    acceptance_date: date | None = None
    factory_date: date | None = None
    batch: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    customer_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class DowntimeInput:
    started_at: datetime
    ended_at: datetime
    reason: str
    ticket_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class AssetWarranty:
    asset: Asset
    status: WarrantyStatus
    free_visits_granted: int
    free_visits_used: int
    exchange_until: date | None


def policy_of(registry: WarrantyPolicyRegistry, asset: Asset) -> WarrantyPolicy:
    """The policy version the asset was bound to when it was sold."""
    if asset.warranty_policy is None or asset.warranty_policy_version is None:
        raise WarrantyConflict(f"asset {asset.serial} has no warranty policy", "warranty_policy")
    return registry.get(asset.warranty_policy, asset.warranty_policy_version)


def check_components(
    registry: WarrantyPolicyRegistry, asset: Asset, classes: Sequence[str], field: str = "components"
) -> tuple[str, ...]:
    """The distinct classes, each defined by the asset's policy (else ``UnknownComponentClass``)."""
    policy = policy_of(registry, asset)
    distinct = tuple(dict.fromkeys(c.strip() for c in classes))
    for class_id in distinct:
        if class_id not in policy.class_ids:
            raise UnknownComponentClass(class_id, policy.class_ids, field)
    return distinct


def _aware(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise WarrantyFactsError(field, "needs a UTC offset, e.g. 2026-03-01T09:00:00+08:00")
    return moment


class WarrantyService:
    def __init__(
        self,
        warranty: WarrantyRepository,
        tickets: TicketRepository,
        assets: AssetRepository,
        customers: CustomerRepository,
        plants: PlantRepository,
        registry: WarrantyPolicyRegistry,
    ) -> None:
        self.warranty = warranty
        self.tickets = tickets
        self.assets = assets
        self.customers = customers
        self.plants = plants
        self.registry = registry

    # assets --------------------------------------------------------------------------------
    async def register_asset(self, caller: Principal, data: AssetRegistration) -> Asset:
        """Record a sold unit bound to the policy version in force on ``sold_on`` (for life)."""
        require(caller, Resource.ASSET, Action.CREATE)
        try:
            line = ProductLine(data.product_line)
        except ValueError:
            raise WarrantyFactsError("product_line", "product_line must be vehicle or equipment") from None
        policy = self.registry.policy_for(data.warranty_policy, data.sold_on)
        if policy.product_line is not line:
            raise WarrantyFactsError(
                "warranty_policy",
                f"policy {policy.name} is for {policy.product_line.value} assets, not {line.value}",
            )
        if data.factory_date is not None and data.factory_date > data.sold_on:
            raise WarrantyFactsError("factory_date", "factory_date is after sold_on")
        for field, value in (
            ("registration_date", data.registration_date),
            ("acceptance_date", data.acceptance_date),
        ):
            if value is not None and value < data.sold_on:
                raise WarrantyFactsError(field, f"{field} {value} is before the sale on {data.sold_on}")
        await self.plants.get(data.plant_id)
        customer_id = data.customer_id
        if customer_id is not None:
            await self.customers.get(customer_id)
        elif data.customer_name:
            customer_id = (await self.customers.find_or_add(data.customer_name, data.customer_phone)).id
        return await self.assets.add(
            Asset(
                serial=data.serial,
                model=data.model,
                product_line=line.value,
                plant_id=data.plant_id,
                customer_id=customer_id,
                factory_date=data.factory_date,
                sold_on=data.sold_on,
                registration_date=data.registration_date,
                acceptance_date=data.acceptance_date,
                batch=data.batch,
                warranty_policy=policy.name,
                warranty_policy_version=policy.version,
            )
        )

    async def _facts(self, asset: Asset) -> AssetFacts:
        if asset.sold_on is None:
            raise WarrantyConflict(f"asset {asset.serial} has no sale date", "sold_on")
        zone = await self.warranty.customer_timezone(asset.customer_id) or DEFAULT_TIMEZONE
        return AssetFacts(
            product_line=ProductLine(asset.product_line),
            sold_on=asset.sold_on,
            registration_date=asset.registration_date,
            acceptance_date=asset.acceptance_date,
            timezone=zone,
        )

    async def _periods(self, asset_id: uuid.UUID) -> list[DowntimePeriod]:
        return [(row.started_at, row.ended_at) for row in await self.warranty.downtime(asset_id)]

    async def asset_warranty(self, caller: Principal, asset_id: uuid.UUID, on: date | None) -> AssetWarranty:
        """Per component class the last covered day on ``on`` (default: today in the customer's zone)."""
        asset = await self.assets.get(asset_id, scope(caller, Resource.ASSET_WARRANTY, Action.READ))
        policy = policy_of(self.registry, asset)
        facts = await self._facts(asset)
        day = on or datetime.now(UTC).astimezone(asset_zone(facts)).date()
        status = warranty_status(facts, policy, day, await self._periods(asset.id))
        used = await self.warranty.free_visits_used(asset.id, other_than=uuid.UUID(int=0))
        exchange_until = None
        if policy.exchange_window_months is not None:
            exchange_until = coverage_end(facts.sold_on, policy.exchange_window_months)
        return AssetWarranty(asset, status, policy.free_visits_after_warranty, used, exchange_until)

    # downtime (R-WA-3) ---------------------------------------------------------------------
    async def add_downtime(
        self, caller: Principal, asset_id: uuid.UUID, data: DowntimeInput
    ) -> tuple[AssetDowntime, int, bool]:
        """The API's way in: office and QA on any asset; an engineer only on an asset of its own
        job, naming that job's ticket (R-WA-3 moves the warranty end: docs/security.md)."""
        rows = scope(caller, Resource.DOWNTIME, Action.CREATE)
        await self.assets.get(asset_id, rows)
        if not rows.everything:
            if data.ticket_id is None:
                raise WarrantyFactsError(
                    "ticket_id", "ticket_id is required: name the job the downtime belongs to"
                )
            await self.tickets.get(data.ticket_id, rows)
        return await self.record_downtime(caller.label, asset_id, data)

    async def record_downtime(
        self, actor: str, asset_id: uuid.UUID, data: DowntimeInput
    ) -> tuple[AssetDowntime, int, bool]:
        """Store a downtime period; ``(row, days it counts, whether the policy extends by it)``.

        Called by ``add_downtime`` and by the job lifecycle when a repaired job lands (no access
        check here: the caller checked it). Recorded whatever the policy; counted only where it says so.
        """
        asset = await self.warranty.asset_for_update(asset_id)
        policy = policy_of(self.registry, asset)
        started, ended = _aware(data.started_at, "from"), _aware(data.ended_at, "to")
        if ended < started:
            raise WarrantyFactsError("to", "to is before from")
        if not data.reason.strip():
            raise WarrantyFactsError("reason", "reason is required")
        if data.ticket_id is not None:
            ticket = await self.tickets.get(data.ticket_id)
            if ticket.asset_id != asset.id:
                raise WarrantyFactsError("ticket_id", "the ticket is not about this asset")
        facts = await self._facts(asset)
        days = downtime_days([(started, ended)], asset_zone(facts))
        row = await self.warranty.add(
            AssetDowntime(
                asset_id=asset.id,
                ticket_id=data.ticket_id,
                started_at=started,
                ended_at=ended,
                reason=data.reason.strip(),
                recorded_by=actor,
            )
        )
        if data.ticket_id is not None:
            await self.tickets.record(
                data.ticket_id,
                actor,
                "downtime_recorded",
                {
                    "downtime_id": str(row.id),
                    "from": started.isoformat(),
                    "to": ended.isoformat(),
                    "days": days,
                    "extends_warranty": policy.downtime_extends,
                    "rule": "R-WA-3",
                },
            )
        return row, days, policy.downtime_extends

    async def downtime(self, caller: Principal, asset_id: uuid.UUID) -> list[AssetDowntime]:
        await self.assets.get(asset_id, scope(caller, Resource.DOWNTIME, Action.READ))
        return await self.warranty.downtime(asset_id)

    # entitlement ---------------------------------------------------------------------------
    async def _ticket(
        self, caller: Principal, ticket_id: uuid.UUID, resource: Resource, action: Action
    ) -> Ticket:
        return await self.tickets.get(ticket_id, scope(caller, resource, action))

    async def evaluate_ticket(
        self, caller: Principal, ticket_id: uuid.UUID, claim: ExchangeClaim | None = None
    ) -> WarrantyEntitlement:
        ticket = await self._ticket(caller, ticket_id, Resource.ENTITLEMENT, Action.CREATE)
        return await self._evaluate(caller.label, ticket, claim)

    async def evaluate_on_intake(self, actor: str, ticket: Ticket) -> WarrantyEntitlement | None:
        """Answer "who pays" when the call is taken; a gap in the facts is recorded, not raised."""
        try:
            return await self._evaluate(actor, ticket, None)
        except WarrantyError as error:
            await self.tickets.record(ticket.id, actor, "entitlement_pending", {"detail": str(error)})
            return None

    async def _evaluate(self, actor: str, ticket: Ticket, claim: ExchangeClaim | None) -> WarrantyEntitlement:
        if ticket.asset_id is None:
            raise WarrantyConflict("the ticket names no asset: entitlement needs one", "asset_id")
        asset = await self.warranty.asset_for_update(ticket.asset_id)
        policy = policy_of(self.registry, asset)
        facts = await self._facts(asset)
        classes = tuple(await self.warranty.components(ticket.id))
        recall = await self.warranty.recall_of_ticket(ticket.id)
        if recall is not None:
            return await self._store_recall(actor, ticket, asset, policy, facts, classes, recall.defect)
        exclusions = [
            Exclusion(ExclusionRule(e.rule), e.reason, e.recorded_by, e.component_class)
            for e in await self.warranty.exclusions(ticket.id, active_only=True)
        ]
        used = await self.warranty.free_visits_used(asset.id, other_than=ticket.id)
        result = evaluate(
            TicketFacts(ticket.reported_at, classes, claim),
            facts,
            policy,
            exclusions,
            used,
            await self._periods(asset.id),
        )
        row = await self.warranty.add(self._row(actor, ticket, asset, result))
        await self._book_losses(actor, ticket, asset, policy, result)
        await self.tickets.record(
            ticket.id,
            actor,
            "entitlement_evaluated",
            {
                "entitlement_id": str(row.id),
                "charge": result.charge.value,
                "on": result.on.isoformat(),
                "policy": {"name": policy.name, "version": policy.version},
                "components": {c.class_id: c.status.value for c in result.components},
                "rules": list(result.rules),
            },
        )
        return row

    @staticmethod
    def _row(actor: str, ticket: Ticket, asset: Asset, result: Entitlement) -> WarrantyEntitlement:
        return WarrantyEntitlement(
            ticket_id=ticket.id,
            asset_id=asset.id,
            evaluated_on=result.on,
            charge=result.charge.value,
            policy_name=result.policy_name,
            policy_version=result.policy_version,
            start=result.start,
            components=[
                {
                    "class": c.class_id,
                    "status": c.status.value,
                    "ends_on": c.ends_on.isoformat(),
                    "rules": list(c.rules),
                    "explanation": c.explanation,
                    "exclusions": [e.value for e in c.exclusions],
                    "preferential_parts": c.preferential_parts,
                }
                for c in result.components
            ],
            rules=list(result.rules),
            explanation=result.explanation,
            visit_free_rule=result.visit_free_rule,
            uses_free_visit=result.uses_free_visit,
            free_visits_left=result.free_visits_left,
            preferential_parts=result.preferential_parts,
            needs_confirmation=result.needs_confirmation,
            evaluated_by=actor,
        )

    async def _store_recall(
        self,
        actor: str,
        ticket: Ticket,
        asset: Asset,
        policy: WarrantyPolicy,
        facts: AssetFacts,
        classes: tuple[str, ...],
        defect: str,
    ) -> WarrantyEntitlement:
        """A recall visit is the maker's own campaign: free whatever the warranty says (R-WA-9)."""
        on = ticket.reported_at.astimezone(asset_zone(facts)).date()
        text = f"Recall campaign for a declared defect ({defect}): free to the customer (R-WA-9)."
        row = await self.warranty.add(
            WarrantyEntitlement(
                ticket_id=ticket.id,
                asset_id=asset.id,
                evaluated_on=on,
                charge="free",
                policy_name=policy.name,
                policy_version=policy.version,
                start=None,
                components=[
                    {
                        "class": c,
                        "status": "covered",
                        "ends_on": None,
                        "rules": ["R-WA-9"],
                        "explanation": text,
                    }
                    for c in classes
                ],
                rules=["R-WA-9"],
                explanation=text,
                visit_free_rule="R-WA-9",
                uses_free_visit=False,
                free_visits_left=policy.free_visits_after_warranty,
                preferential_parts=False,
                needs_confirmation=False,
                evaluated_by=actor,
            )
        )
        await self.tickets.record(
            ticket.id,
            actor,
            "entitlement_evaluated",
            {"entitlement_id": str(row.id), "charge": "free", "rules": ["R-WA-9"]},
        )
        return row

    async def _book_losses(
        self, actor: str, ticket: Ticket, asset: Asset, policy: WarrantyPolicy, result: Entitlement
    ) -> None:
        """R-WA-6: the standard cost of the visit, split over the covered components, as an estimate."""
        free = [
            c.class_id
            for c in result.components
            if c.status in (CoverageStatus.COVERED, CoverageStatus.EXCHANGE)
        ]
        rows: list[InternalLoss] = []
        if free:
            distance = await self._distance_km(ticket)
            standard = quote(policy.prices, distance, ticket.fault_type).total
            share = (standard / len(free)).quantize(Decimal("0.01"))
            for index, class_id in enumerate(free):
                amount = share if index else standard - share * (len(free) - 1)
                rows.append(
                    InternalLoss(
                        ticket_id=ticket.id,
                        asset_id=asset.id,
                        component_class=class_id,
                        kind="estimate",
                        amount=amount,
                        currency=policy.prices.currency,
                        note=f"standard visit cost ({ticket.fault_type}), {distance} km (R-WA-6)",
                        recorded_by=actor,
                    )
                )
        await self.warranty.replace_estimates(ticket.id, rows)

    async def _distance_km(self, ticket: Ticket) -> Decimal:
        """One-way distance of the visit: the chosen outlet's, else the plant's (from the decision)."""
        if ticket.decision_id is None:
            return Decimal(0)
        decision = await self.tickets.decision(ticket.decision_id)
        if decision.outlet_distance_km is not None:
            return Decimal(decision.outlet_distance_km)
        return Decimal(decision.distance_km)

    async def entitlement(self, caller: Principal, ticket_id: uuid.UUID) -> WarrantyEntitlement:
        ticket = await self._ticket(caller, ticket_id, Resource.ENTITLEMENT, Action.READ)
        row = await self.warranty.latest_entitlement(ticket.id)
        if row is None:
            raise WarrantyConflict("the entitlement has not been evaluated yet: POST it first")
        return row

    # exclusions (R-WA-4) -------------------------------------------------------------------
    async def add_exclusion(
        self, caller: Principal, ticket_id: uuid.UUID, rule: str, reason: str, component: str | None
    ) -> WarrantyExclusion:
        ticket = await self._ticket(caller, ticket_id, Resource.EXCLUSION, Action.CREATE)
        try:
            ground = ExclusionRule(rule)
        except ValueError:
            valid = ", ".join(r.value for r in ExclusionRule)
            raise WarrantyFactsError("rule", f"unknown exclusion rule {rule!r}; valid: {valid}") from None
        if not reason.strip():
            raise WarrantyFactsError("reason", "reason is required")
        if component is not None:
            if ticket.asset_id is None:
                raise WarrantyConflict("the ticket names no asset", "asset_id")
            check_components(self.registry, await self.assets.get(ticket.asset_id), [component], "component")
        row = await self.warranty.add(
            WarrantyExclusion(
                ticket_id=ticket.id,
                rule=ground.value,
                reason=reason.strip(),
                component_class=component,
                recorded_by=caller.label,
            )
        )
        await self.tickets.record(
            ticket.id,
            caller.label,
            "exclusion_recorded",
            {"exclusion_id": str(row.id), "rule": ground.value, "reason": row.reason, "component": component},
        )
        await self._reevaluate(caller.label, ticket)
        return row

    async def withdraw_exclusion(
        self, caller: Principal, ticket_id: uuid.UUID, exclusion_id: uuid.UUID, reason: str
    ) -> WarrantyExclusion:
        """An appeal upheld (or a mistake): the exclusion stops counting; the record stays."""
        ticket = await self._ticket(caller, ticket_id, Resource.EXCLUSION, Action.DECIDE)
        row = await self.warranty.exclusion(ticket.id, exclusion_id)
        if row.withdrawn_at is not None:
            raise WarrantyConflict("the exclusion is already withdrawn")
        if not reason.strip():
            raise WarrantyFactsError("reason", "reason is required")
        row.withdrawn_at = datetime.now(UTC)
        row.withdrawn_by = caller.label
        row.withdraw_reason = reason.strip()
        await self.tickets.record(
            ticket.id,
            caller.label,
            "exclusion_withdrawn",
            {"exclusion_id": str(row.id), "rule": row.rule, "reason": row.withdraw_reason},
        )
        await self._reevaluate(caller.label, ticket)
        return row

    async def exclusions(self, caller: Principal, ticket_id: uuid.UUID) -> list[WarrantyExclusion]:
        ticket = await self._ticket(caller, ticket_id, Resource.EXCLUSION, Action.READ)
        return await self.warranty.exclusions(ticket.id)

    async def _reevaluate(self, actor: str, ticket: Ticket) -> None:
        """Keep the stored answer true: re-evaluate when the ticket already has one."""
        if ticket.asset_id is not None and await self.warranty.latest_entitlement(ticket.id) is not None:
            await self._evaluate(actor, ticket, None)
