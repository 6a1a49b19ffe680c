"""Paid visits (R-WA-7): quotes and their confirmation; recall campaigns (R-WA-9).

``/api/v1/quotes/confirm/{token}`` and ``/api/v1/quotes/refuse/{token}`` need no login: the
token from the quote (sent to the customer as a link) is the credential.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.schemas.warranty import (
    CustomerAnswerIn,
    DecisionIn,
    OverrideIn,
    PublicQuoteOut,
    QuoteIn,
    QuoteOut,
    RecallIn,
    RecallOut,
)
from dispatch.access import Principal
from dispatch.warranty.charges import ChargeService, QuoteRequest
from dispatch.warranty.quote import PartLine
from dispatch.warranty.recalls import RecallRequest, RecallService

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
