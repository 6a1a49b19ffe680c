"""Paid visits (R-WA-7): quote, the customer's yes or no, and the executive's override.

A quote is priced from the asset's policy price list and the ticket's current entitlement. It
carries an unguessable token (only its SHA-256 is stored) for the customer's link. Every change
of state is one conditional UPDATE, so two concurrent confirmations cannot both win; the loser
gets ``QuoteAlreadyDecided`` (or ``QuoteExpired`` after ``expires_at``).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from dispatch.access.policy import Action, Resource, require, scope
from dispatch.access.principal import Principal
from dispatch.warranty.errors import QuoteAlreadyDecided, QuoteExpired, WarrantyConflict, WarrantyFactsError
from dispatch.warranty.quote import PartLine, quote
from dispatch.warranty.registry import WarrantyPolicyRegistry
from dispatch.warranty.service import policy_of
from storage.errors import NotFound
from storage.models import Quote
from storage.repositories.network import AssetRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.warranty import PENDING, WarrantyRepository

CHANNELS = ("hotline", "phone", "sms", "email", "wechat", "in_person", "link", "other")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    labour_hours: Decimal | None = None
    parts: Sequence[PartLine] = ()
    distance_km: Decimal | None = None


@dataclass(frozen=True, slots=True)
class IssuedQuote:
    quote: Quote
    token: str


class ChargeService:
    def __init__(
        self,
        warranty: WarrantyRepository,
        tickets: TicketRepository,
        assets: AssetRepository,
        registry: WarrantyPolicyRegistry,
    ) -> None:
        self.warranty = warranty
        self.tickets = tickets
        self.assets = assets
        self.registry = registry

    async def issue(self, caller: Principal, ticket_id: uuid.UUID, request: QuoteRequest) -> IssuedQuote:
        """Price the visit from the current entitlement; a newer quote supersedes a pending one."""
        ticket = await self.tickets.get(ticket_id, scope(caller, Resource.QUOTE, Action.CREATE))
        entitlement = await self.warranty.latest_entitlement(ticket.id)
        if entitlement is None:
            raise WarrantyConflict("evaluate the entitlement first (POST …/entitlement)")
        if not entitlement.needs_confirmation:
            raise WarrantyConflict(f"the ticket's charge is {entitlement.charge}: there is nothing to quote")
        assert ticket.asset_id is not None
        policy = policy_of(self.registry, await self.assets.get(ticket.asset_id))
        distance = request.distance_km
        if distance is None:
            distance = Decimal(0)
            if ticket.decision_id is not None:
                decision = await self.tickets.decision(ticket.decision_id)
                distance = Decimal(decision.outlet_distance_km or decision.distance_km)
        priced = quote(
            policy.prices,
            distance,
            ticket.fault_type,
            request.labour_hours,
            request.parts,
            visit_free_rule=entitlement.visit_free_rule,
            preferential_parts=entitlement.preferential_parts,
        )
        now = datetime.now(UTC)
        superseded = await self.warranty.supersede_pending(ticket.id, now)
        token = secrets.token_urlsafe(32)
        row = await self.warranty.add(
            Quote(
                ticket_id=ticket.id,
                entitlement_id=entitlement.id,
                status=PENDING,
                currency=priced.currency,
                total=priced.total,
                lines=[
                    {
                        "kind": line.kind.value,
                        "description": line.description,
                        "quantity": str(line.quantity),
                        "unit": line.unit,
                        "unit_price": str(line.unit_price),
                        "amount": str(line.amount),
                        "note": line.note,
                    }
                    for line in priced.lines
                ],
                rules=list(priced.rules),
                token_sha256=token_digest(token),
                expires_at=now + timedelta(days=priced.valid_days),
                created_by=caller.label,
            )
        )
        await self.tickets.record(
            ticket.id,
            caller.label,
            "quote_issued",
            {
                "quote_id": str(row.id),
                "total": str(row.total),
                "currency": row.currency,
                "expires_at": row.expires_at.isoformat(),
                "superseded": [str(q) for q in superseded],
                "rules": list(priced.rules),
            },
        )
        return IssuedQuote(row, token)

    async def get(self, caller: Principal, quote_id: uuid.UUID) -> Quote:
        rows = scope(caller, Resource.QUOTE, Action.READ)
        found = await self.warranty.quote(quote_id)
        if not rows.everything:
            try:
                await self.tickets.get(found.ticket_id, rows)
            except NotFound:
                raise NotFound("quote", quote_id) from None
        return found

    async def of_ticket(self, caller: Principal, ticket_id: uuid.UUID) -> list[Quote]:
        ticket = await self.tickets.get(ticket_id, scope(caller, Resource.QUOTE, Action.READ))
        return await self.warranty.quotes(ticket.id)

    async def _decide(
        self, quote_id: uuid.UUID, actor: str, kind: str, from_statuses: Sequence[str], values: dict[str, Any]
    ) -> Quote:
        now = datetime.now(UTC)
        values = {**values, "decided_at": now, "decided_by": actor}
        if not await self.warranty.decide_quote(quote_id, from_statuses, values, now):
            current = await self.warranty.quote(quote_id)
            if current.status == PENDING and current.expires_at <= now:
                raise QuoteExpired(f"the quote expired at {current.expires_at.isoformat()}: issue a new one")
            raise QuoteAlreadyDecided(f"the quote is already {current.status}")
        row = await self.warranty.quote(quote_id)
        data = {"quote_id": str(row.id), "total": str(row.total), "currency": row.currency, "rule": "R-WA-7"}
        data.update({k: v for k, v in values.items() if k in ("channel", "note", "override_reason")})
        await self.tickets.record(row.ticket_id, actor, kind, data)
        return row

    async def confirm(self, caller: Principal, quote_id: uuid.UUID, channel: str, note: str | None) -> Quote:
        """The hotline records the customer's yes: who (the caller), when (now), how (channel)."""
        require(caller, Resource.QUOTE, Action.DECIDE)
        values = {"status": "confirmed", "channel": _channel(channel), "note": note}
        return await self._decide(quote_id, caller.label, "quote_confirmed", [PENDING], values)

    async def refuse(self, caller: Principal, quote_id: uuid.UUID, channel: str, note: str | None) -> Quote:
        require(caller, Resource.QUOTE, Action.DECIDE)
        values = {"status": "refused", "channel": _channel(channel), "note": note}
        return await self._decide(quote_id, caller.label, "quote_refused", [PENDING], values)

    async def by_token(self, token: str) -> Quote:
        """What the customer's link shows (no login: the token is the credential)."""
        return await self.warranty.quote_by_token(token_digest(token))

    async def answer_by_token(self, token: str, accept: bool, note: str | None) -> Quote:
        row = await self.by_token(token)
        kind, status = ("quote_confirmed", "confirmed") if accept else ("quote_refused", "refused")
        values = {"status": status, "channel": "link", "note": note}
        return await self._decide(row.id, "customer:link", kind, [PENDING], values)

    async def override(self, caller: Principal, quote_id: uuid.UUID, reason: str) -> Quote:
        """R-WA-7: only the responsible executive releases a visit the customer has not confirmed."""
        require(caller, Resource.QUOTE, Action.OVERRIDE)
        if not reason.strip():
            raise WarrantyFactsError("reason", "reason is required for an override")
        values = {"status": "overridden", "override_reason": reason.strip()}
        return await self._decide(quote_id, caller.label, "quote_overridden", ["refused", PENDING], values)


def _channel(channel: str) -> str:
    value = channel.strip().lower()
    if value not in CHANNELS:
        raise WarrantyFactsError("channel", f"unknown channel {channel!r}; valid: {', '.join(CHANNELS)}")
    return value
