"""Warranty: assets bound to a policy, their coverage, downtime, a ticket's entitlement (R-WA-1 … R-WA-6)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.warranty import (
    ClaimIn,
    ClaimOut,
    CostIn,
    CostOut,
    EntitlementIn,
    EntitlementOut,
    ExclusionIn,
    ExclusionOut,
    WithdrawIn,
)
from dispatch.access import Principal
from dispatch.warranty.charges import ChargeService
from dispatch.warranty.facts import ExchangeClaim
from dispatch.warranty.recalls import CostInput, RecallService
from dispatch.warranty.service import WarrantyService
from storage.repositories.customers import AssetRepository, CustomerRepository
from storage.repositories.network import PlantRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.warranty import WarrantyRepository


def provide_warranty_service(db_session: NamedDependency[AsyncSession], state: State) -> WarrantyService:
    return WarrantyService(
        WarrantyRepository(db_session),
        TicketRepository(db_session),
        AssetRepository(db_session),
        CustomerRepository(db_session),
        PlantRepository(db_session),
        state.warranty_policies,
    )


def provide_charge_service(db_session: NamedDependency[AsyncSession], state: State) -> ChargeService:
    return ChargeService(
        WarrantyRepository(db_session),
        TicketRepository(db_session),
        AssetRepository(db_session),
        state.warranty_policies,
    )


def provide_recall_service(
    db_session: NamedDependency[AsyncSession], state: State, warranty: NamedDependency[WarrantyService]
) -> RecallService:
    return RecallService(
        WarrantyRepository(db_session),
        TicketRepository(db_session),
        AssetRepository(db_session),
        PlantRepository(db_session),
        state.warranty_policies,
        warranty,
    )


class TicketWarrantyController(Controller):
    path = "/api/v1/tickets"
    tags = ["warranty"]

    @post("/{ticket_id:uuid}/entitlement", summary="Evaluate and store who pays, with rules and explanation")
    async def evaluate(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
        data: JSONBody[EntitlementIn | None] = None,
    ) -> EntitlementOut:
        claim = None
        if data is not None and data.exchange_claim is not None:
            c = data.exchange_claim
            claim = ExchangeClaim(
                c.unrepairable_quality_fault, c.unit_intact, c.accessories_complete, c.packaging_intact
            )
        return EntitlementOut.of(await warranty.evaluate_ticket(caller, ticket_id, claim))

    @get("/{ticket_id:uuid}/entitlement", summary="The ticket's current entitlement")
    async def entitlement(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
    ) -> EntitlementOut:
        return EntitlementOut.of(await warranty.entitlement(caller, ticket_id))

    @post("/{ticket_id:uuid}/exclusions", summary="Record an R-WA-4 exclusion (dispatcher/QA, audited)")
    async def add_exclusion(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[ExclusionIn],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
    ) -> ExclusionOut:
        row = await warranty.add_exclusion(caller, ticket_id, data.rule, data.reason, data.component)
        return ExclusionOut.of(row)

    @get("/{ticket_id:uuid}/exclusions", summary="Exclusions of a ticket, withdrawn ones included")
    async def exclusions(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
    ) -> list[ExclusionOut]:
        return [ExclusionOut.of(row) for row in await warranty.exclusions(caller, ticket_id)]

    @post(
        "/{ticket_id:uuid}/exclusions/{exclusion_id:uuid}/withdraw",
        status_code=200,
        summary="Withdraw an exclusion (appeal upheld); the record stays",
    )
    async def withdraw_exclusion(
        self,
        ticket_id: FromPath[uuid.UUID],
        exclusion_id: FromPath[uuid.UUID],
        data: JSONBody[WithdrawIn],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
    ) -> ExclusionOut:
        return ExclusionOut.of(
            await warranty.withdraw_exclusion(caller, ticket_id, exclusion_id, data.reason)
        )

    @post(
        "/{ticket_id:uuid}/supplier-claims", summary="Attribute the fault to a bought-in component (R-WA-9)"
    )
    async def open_claim(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[ClaimIn],
        caller: NamedDependency[Principal],
        recalls: NamedDependency[RecallService],
    ) -> ClaimOut:
        row = await recalls.open_claim(
            caller, ticket_id, data.component, data.supplier, data.description, data.part_number
        )
        return ClaimOut.of(row)

    @get("/{ticket_id:uuid}/supplier-claims", summary="Supplier claims of a ticket")
    async def claims(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        recalls: NamedDependency[RecallService],
    ) -> list[ClaimOut]:
        return [ClaimOut.of(row) for row in await recalls.claims(caller, ticket_id)]

    @post("/{ticket_id:uuid}/costs", summary="Book in-warranty cost of a covered component (R-WA-6)")
    async def add_cost(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[CostIn],
        caller: NamedDependency[Principal],
        recalls: NamedDependency[RecallService],
    ) -> CostOut:
        row = await recalls.add_cost(
            caller, ticket_id, CostInput(data.component, data.kind, data.amount, data.supplier, data.note)
        )
        return CostOut.of(row)

    @get("/{ticket_id:uuid}/costs", summary="Internal-loss records of a ticket (R-WA-6)")
    async def costs(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        recalls: NamedDependency[RecallService],
    ) -> list[CostOut]:
        return [CostOut.of(row) for row in await recalls.costs(caller, ticket_id)]
