"""Warranty: assets bound to a policy, their coverage, downtime, a ticket's entitlement (R-WA-1 … R-WA-6)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.schemas.warranty import (
    ClaimIn,
    ClaimOut,
    CostIn,
    CostOut,
    CustomerAnswerIn,
    DecisionIn,
    EntitlementIn,
    EntitlementOut,
    ExclusionIn,
    ExclusionOut,
    OverrideIn,
    PublicQuoteOut,
    QuoteIn,
    QuoteOut,
    RecallIn,
    RecallOut,
    WithdrawIn,
)
from dispatch.access.principal import Principal
from dispatch.warranty.charges import ChargeService, QuoteRequest
from dispatch.warranty.facts import ExchangeClaim
from dispatch.warranty.quote import PartLine
from dispatch.warranty.recalls import CostInput, RecallRequest, RecallService
from dispatch.warranty.service import WarrantyService


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


PUBLIC_QUOTE_PATHS = ("/api/v1/quotes/confirm/", "/api/v1/quotes/refuse/")
"""Paths the bearer-token middleware must let through (the link's token is the credential)."""


class TicketQuoteController(Controller):
    path = "/api/v1/tickets"
    tags = ["charges"]

    @post(
        "/{ticket_id:uuid}/quote",
        summary="Quote a paid visit (R-WA-7); the answer carries the customer's token",
    )
    async def issue(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        charges: NamedDependency[ChargeService],
        data: JSONBody[QuoteIn | None] = None,
    ) -> QuoteOut:
        body = data or QuoteIn()
        issued = await charges.issue(
            caller,
            ticket_id,
            QuoteRequest(
                labour_hours=body.labour_hours,
                parts=[PartLine(p.sku, p.description, p.quantity, p.unit_price) for p in body.parts],
                distance_km=body.distance_km,
            ),
        )
        return QuoteOut.of(issued.quote, issued.token)

    @get("/{ticket_id:uuid}/quotes", summary="Quotes of a ticket, oldest first")
    async def quotes(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        charges: NamedDependency[ChargeService],
    ) -> list[QuoteOut]:
        return [QuoteOut.of(row) for row in await charges.of_ticket(caller, ticket_id)]


class QuoteController(Controller):
    path = "/api/v1/quotes"
    tags = ["charges"]

    @get("/{quote_id:uuid}", summary="One quote")
    async def detail(
        self,
        quote_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        charges: NamedDependency[ChargeService],
    ) -> QuoteOut:
        return QuoteOut.of(await charges.get(caller, quote_id))

    @post("/{quote_id:uuid}/confirm", status_code=200, summary="Hotline records the customer's yes")
    async def confirm(
        self,
        quote_id: FromPath[uuid.UUID],
        data: JSONBody[DecisionIn],
        caller: NamedDependency[Principal],
        charges: NamedDependency[ChargeService],
    ) -> QuoteOut:
        return QuoteOut.of(await charges.confirm(caller, quote_id, data.channel, data.note))

    @post("/{quote_id:uuid}/refuse", status_code=200, summary="Hotline records the customer's no")
    async def refuse(
        self,
        quote_id: FromPath[uuid.UUID],
        data: JSONBody[DecisionIn],
        caller: NamedDependency[Principal],
        charges: NamedDependency[ChargeService],
    ) -> QuoteOut:
        return QuoteOut.of(await charges.refuse(caller, quote_id, data.channel, data.note))

    @post(
        "/{quote_id:uuid}/override", status_code=200, summary="Executive releases the visit (reason required)"
    )
    async def override(
        self,
        quote_id: FromPath[uuid.UUID],
        data: JSONBody[OverrideIn],
        caller: NamedDependency[Principal],
        charges: NamedDependency[ChargeService],
    ) -> QuoteOut:
        return QuoteOut.of(await charges.override(caller, quote_id, data.reason))

    @get("/confirm/{token:str}", summary="The customer's link: the plan and the fee (no login)")
    async def show_by_token(
        self, token: FromPath[str], charges: NamedDependency[ChargeService]
    ) -> PublicQuoteOut:
        return PublicQuoteOut.of(await charges.by_token(token))

    @post(
        "/confirm/{token:str}", status_code=200, summary="The customer confirms through the link (no login)"
    )
    async def confirm_by_token(
        self,
        token: FromPath[str],
        charges: NamedDependency[ChargeService],
        data: JSONBody[CustomerAnswerIn | None] = None,
    ) -> PublicQuoteOut:
        note = data.note if data else None
        return PublicQuoteOut.of(await charges.answer_by_token(token, True, note))

    @post("/refuse/{token:str}", status_code=200, summary="The customer refuses through the link (no login)")
    async def refuse_by_token(
        self,
        token: FromPath[str],
        charges: NamedDependency[ChargeService],
        data: JSONBody[CustomerAnswerIn | None] = None,
    ) -> PublicQuoteOut:
        note = data.note if data else None
        return PublicQuoteOut.of(await charges.answer_by_token(token, False, note))


class RecallController(Controller):
    path = "/api/v1/recalls"
    tags = ["charges"]

    @post("/", summary="Declare a defect: one ticket per affected asset, idempotent (R-WA-9)")
    async def declare(
        self,
        data: JSONBody[RecallIn],
        caller: NamedDependency[Principal],
        recalls: NamedDependency[RecallService],
    ) -> Response[Any]:
        result = await recalls.declare(
            caller,
            RecallRequest(data.defect, data.component, data.batch, data.model, data.from_, data.to),
        )
        body = RecallOut.of(result.campaign, result.created, result.tickets_opened, result.items)
        return Response(body, status_code=201 if result.created else 200)

    @get("/{recall_id:uuid}", summary="One recall campaign with its assets and tickets")
    async def detail(
        self,
        recall_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        recalls: NamedDependency[RecallService],
    ) -> RecallOut:
        result = await recalls.get(caller, recall_id)
        return RecallOut.of(result.campaign, False, 0, result.items)
