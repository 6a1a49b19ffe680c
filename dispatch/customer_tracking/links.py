"""Tracking links: issue one for a ticket, resolve a token to what its page may show (R-TR-1…4).

A token is 32 URL-safe random characters (192 bits); only its SHA-256 is stored, so the table
alone cannot open a page. A link stays valid until ``hours_after_completion`` hours after the
visit is completed, never longer than its absolute lifetime (``max_lifetime``, a setting, R-TR-1),
ends at once when the ticket is cancelled, and can be revoked by the office; an unknown, expired,
ended or revoked token all look the same (R-TR-4).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.access.policy import Action, Resource, require
from dispatch.access.principal import Principal, tracking_principal
from dispatch.customer_tracking.errors import UnknownTrackingLink
from dispatch.customer_tracking.view import BUSY, DONE, INACTIVE, TrackingView, W, build_view
from dispatch.errors import InvalidInput
from geo.traveltime import TravelModel
from storage.errors import NotFound
from storage.models.customer_tracking import TrackingLink
from storage.models.field_work import WorkOrder
from storage.models.tickets import Ticket
from storage.repositories.customer_tracking import TrackingLinkRepository

DEFAULT_HOURS_AFTER_COMPLETION = 24
DEFAULT_MAX_LIFETIME = timedelta(days=14)
MAX_HOURS_AFTER_COMPLETION = 24 * 30
TOKEN_BYTES = 24
PAGE_PATH = "/track/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedLink:
    id: uuid.UUID
    token: str
    url: str
    expires_at: datetime
    ticket_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    link_id: uuid.UUID
    ticket_id: uuid.UUID
    view: TrackingView

    @property
    def principal(self) -> Principal:
        """The link's holder: its own principal, reaching this ticket only (docs/security.md)."""
        return tracking_principal(self.link_id, self.ticket_id)

    def report_reader(self) -> Principal:
        """The report PDF is the link's right only once the visit is completed (else: unknown link)."""
        if not self.view.completed:
            raise UnknownTrackingLink
        return self.principal


def current_work_order(orders: list[WorkOrder]) -> WorkOrder | None:
    """The newest live work order of the ticket; else the newest of all (declined, cancelled …)."""
    for order in orders:
        if order.state not in INACTIVE:
            return order
    return orders[0] if orders else None


def expiry(ticket: Ticket, order: WorkOrder | None, hours: int) -> datetime | None:
    """None while the visit is to come; else completion + ``hours``; a cancelled ticket ends the
    link when it was cancelled (nothing left to show: no engineer, no position)."""
    if ticket.status == "cancelled":
        return ticket.updated_at
    if order is not None and order.state in DONE:
        finished = order.completed_at or order.updated_at
        return finished + timedelta(hours=hours)
    if order is None and ticket.status in ("resolved", "closed"):
        return ticket.updated_at + timedelta(hours=hours)
    return None


def job_cancelled_at(link: TrackingLink, orders: list[WorkOrder]) -> datetime | None:
    """When a job of the ticket was cancelled after the link was made (the link ends then, for
    good: a later re-dispatch needs a new link, so a page never names a different engineer)."""
    times = [o.updated_at for o in orders if o.state == W.CANCELLED.value and o.updated_at >= link.created_at]
    return min(times) if times else None


def link_end(link: TrackingLink, ticket: Ticket, orders: list[WorkOrder]) -> datetime:
    """When the link stops working: the earliest of its visit-based end, its job's cancellation,
    its absolute lifetime and its revocation."""
    ends = [link.expires_at]
    visit = expiry(ticket, current_work_order(orders), link.hours_after_completion)
    for end in (visit, job_cancelled_at(link, orders), link.revoked_at):
        if end is not None:
            ends.append(end)
    return min(ends)


class TrackingService:
    def __init__(
        self,
        links: TrackingLinkRepository,
        model: TravelModel,
        public_url: str,
        max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
    ) -> None:
        self.links = links
        self.model = model
        self.public_url = public_url.rstrip("/")
        self.max_lifetime = max_lifetime

    async def issue(
        self, caller: Principal, ticket_id: uuid.UUID, hours: int | None, now: datetime
    ) -> IssuedLink:
        require(caller, Resource.TRACKING_LINK, Action.CREATE)
        hours = DEFAULT_HOURS_AFTER_COMPLETION if hours is None else hours
        if not 0 <= hours <= MAX_HOURS_AFTER_COMPLETION:
            raise InvalidInput(
                "hours_after_completion", f"must be between 0 and {MAX_HOURS_AFTER_COMPLETION} hours"
            )
        ticket = await self.links.ticket(ticket_id)
        if ticket is None:
            raise NotFound("ticket", ticket_id)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = await self.links.add(
            TrackingLink(
                id=uuid.uuid4(),
                ticket_id=ticket_id,
                token_hash=token_hash(token),
                hours_after_completion=hours,
                created_by=caller.label,
                created_at=now,
                expires_at=now + self.max_lifetime,
            )
        )
        orders = list(await self.links.work_orders(ticket_id))
        url = f"{self.public_url}{PAGE_PATH}{token}"
        return IssuedLink(link.id, token, url, link_end(link, ticket, orders), ticket_id)

    async def revoke(self, caller: Principal, link_id: uuid.UUID, now: datetime) -> None:
        """End a link now (R-TR-4: it then answers like an unknown one); revoking twice is fine."""
        require(caller, Resource.TRACKING_LINK, Action.DELETE)
        link = await self.links.get(link_id)
        if link is None:
            raise NotFound("tracking link", link_id)
        if link.revoked_at is None:
            link.revoked_at = now
            link.revoked_by = caller.label

    async def resolve(self, token: str, now: datetime) -> ResolvedLink:
        """What the link may show now; :class:`UnknownTrackingLink` for unknown and expired alike."""
        if not token or len(token) > 200:
            raise UnknownTrackingLink
        link = await self.links.by_hash(token_hash(token))
        if link is None:
            raise UnknownTrackingLink
        ticket = await self.links.ticket(link.ticket_id)
        if ticket is None:
            raise UnknownTrackingLink
        orders = list(await self.links.work_orders(ticket.id))
        if link_end(link, ticket, orders) <= now:
            raise UnknownTrackingLink
        order = current_work_order(orders)
        facts = await self.links.facts(ticket, order, BUSY)
        return ResolvedLink(link.id, ticket.id, build_view(facts, self.model, now))
