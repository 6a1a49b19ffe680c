"""Webhook subscriptions (admin) and their delivery: fan-out of one journalled event to the
subscriptions that want it, then one signed POST per delivery, retried by the job queue."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.access.policy import Action, Resource, require
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput
from dispatch.notifications.webhooks import SIGNATURE_HEADER, check_events, check_url, signature
from storage.job_queue import JobQueue
from storage.models.notifications import WebhookDelivery, WebhookSubscription
from storage.repositories.notifications import WebhookRepository
from storage.unit_of_work import unit_of_work

FAN_OUT_TASK = "notifications.fan_out"
DELIVER_TASK = "notifications.deliver"
NOTIFICATIONS_QUEUE = "notifications"
TIMEOUT_S = 10.0
MAX_DELIVERIES_LISTED = 200


@dataclass(frozen=True, slots=True)
class WebhookCreate:
    url: str
    events: list[str]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Created:
    subscription: WebhookSubscription
    secret: str
    """Shown once, at creation: the receiver verifies signatures with it."""


class WebhookService:
    def __init__(
        self,
        webhooks: WebhookRepository,
        allow_private: bool,
        clock: Callable[[], datetime],
    ) -> None:
        self.webhooks = webhooks
        self.allow_private = allow_private
        self.clock = clock

    async def create(self, caller: Principal, data: WebhookCreate) -> Created:
        require(caller, Resource.WEBHOOK, Action.CREATE)
        events = check_events(data.events)
        if len(data.description) > 200:
            raise InvalidInput("description", "at most 200 characters")
        url = await to_thread.run_sync(lambda: check_url(data.url, allow_private=self.allow_private))
        secret = secrets.token_urlsafe(32)
        row = await self.webhooks.add(
            WebhookSubscription(
                url=url, events=events, secret=secret, description=data.description, created_by=caller.label
            )
        )
        return Created(row, secret)

    async def listed(self, caller: Principal) -> Sequence[WebhookSubscription]:
        require(caller, Resource.WEBHOOK, Action.LIST)
        return await self.webhooks.listed()

    async def get(self, caller: Principal, subscription_id: uuid.UUID) -> WebhookSubscription:
        require(caller, Resource.WEBHOOK, Action.READ)
        return await self.webhooks.get(subscription_id)

    async def end(self, caller: Principal, subscription_id: uuid.UUID) -> WebhookSubscription:
        """Stop sending (its delivery log stays for inspection)."""
        require(caller, Resource.WEBHOOK, Action.DELETE)
        row = await self.webhooks.get(subscription_id)
        if row.active:
            row.active, row.ended_at = False, self.clock()
        return row

    async def deliveries(
        self, caller: Principal, subscription_id: uuid.UUID, limit: int
    ) -> Sequence[WebhookDelivery]:
        require(caller, Resource.WEBHOOK, Action.READ)
        if not 1 <= limit <= MAX_DELIVERIES_LISTED:
            raise InvalidInput("limit", f"must be in [1, {MAX_DELIVERIES_LISTED}]")
        await self.webhooks.get(subscription_id)
        return await self.webhooks.deliveries(subscription_id, limit)


async def fan_out(event_id: int, sessions: async_sessionmaker[AsyncSession]) -> int:
    """One delivery row and one delivery job per subscription that wants the event (one
    transaction: a retried fan-out after a crash finds nothing half-done). How many."""
    async with unit_of_work(sessions) as session:
        webhooks, jobs = WebhookRepository(session), JobQueue(session)
        event = await webhooks.event(event_id)
        if event is None:  # journal rows older than a day are pruned
            return 0
        payload = {
            "event": event.kind,
            "event_id": event.id,
            "occurred_at": event.at.isoformat(),
            "subject": str(event.subject) if event.subject else None,
            "data": event.data,
        }
        made = 0
        for subscription in await webhooks.wanting(event.kind):
            delivery = await webhooks.add_delivery(
                WebhookDelivery(
                    subscription_id=subscription.id, event_id=event.id, kind=event.kind, payload=payload
                )
            )
            await jobs.defer(DELIVER_TASK, {"delivery_id": str(delivery.id)}, queue=NOTIFICATIONS_QUEUE)
            made += 1
        return made


def _outcome(error: str | None, last_attempt: bool) -> str:
    if error is None:
        return "delivered"
    return "failed" if last_attempt else "pending"


class DeliveryFailed(Exception):
    """The receiver did not take it (a status other than 2xx, or no answer): the queue retries."""


async def deliver(
    delivery_id: uuid.UUID,
    sessions: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    clock: Callable[[], datetime],
    *,
    allow_private: bool,
    last_attempt: bool,
) -> str:
    """POST the delivery, signed; record the attempt. Raises ``DeliveryFailed`` to be retried."""
    async with unit_of_work(sessions) as session:
        webhooks = WebhookRepository(session)
        delivery = await webhooks.delivery(delivery_id)
        subscription = await webhooks.get(delivery.subscription_id)
        if delivery.status != "pending" or not subscription.active:
            return delivery.status
        url, secret = subscription.url, subscription.secret
        body = json.dumps({"id": str(delivery.id), **delivery.payload}, ensure_ascii=False).encode()
        kind = delivery.kind
    status_code: int | None = None
    error: str | None = None
    try:
        await to_thread.run_sync(lambda: check_url(url, allow_private=allow_private))  # DNS may change
        response = await client.post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "aftersales-webhooks",
                "X-Aftersales-Event": kind,
                "X-Aftersales-Delivery": str(delivery_id),
                SIGNATURE_HEADER: signature(secret, int(time.time()), body),
            },
            timeout=TIMEOUT_S,
        )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"the receiver answered {status_code}"
    except (httpx.HTTPError, InvalidInput) as failure:
        error = f"{type(failure).__name__}: {failure}"
    now = clock()
    outcome = _outcome(error, last_attempt)
    async with unit_of_work(sessions) as session:
        await WebhookRepository(session).record_attempt(
            delivery_id,
            now,
            status=outcome,
            last_status_code=status_code,
            last_error=error,
            delivered_at=now if error is None else None,
        )
    if error is not None and not last_attempt:
        raise DeliveryFailed(error)
    return outcome
