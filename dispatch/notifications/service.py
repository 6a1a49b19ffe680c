"""Webhook subscriptions (admin) and their delivery: fan-out of one journalled event to the
subscriptions that want it, then one signed POST per delivery, retried by the job queue."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.access.policy import Action, Resource, require
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput
from dispatch.notifications.channels import Channels, DeliveryFailed, Message, SmtpSettings, check_target
from dispatch.notifications.webhooks import check_events
from storage.job_queue import JobQueue
from storage.models.notifications import WebhookDelivery, WebhookSubscription
from storage.repositories.notifications import WebhookRepository
from storage.unit_of_work import unit_of_work

FAN_OUT_TASK = "notifications.fan_out"
DELIVER_TASK = "notifications.deliver"
NOTIFICATIONS_QUEUE = "notifications"
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
        smtp: SmtpSettings | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.webhooks = webhooks
        self.allow_private = allow_private
        self.smtp = smtp
        self.clock = clock

    async def create(self, caller: Principal, data: WebhookCreate) -> Created:
        require(caller, Resource.WEBHOOK, Action.CREATE)
        events = check_events(data.events)
        if len(data.description) > 200:
            raise InvalidInput("description", "at most 200 characters")
        url = await to_thread.run_sync(
            lambda: check_target(data.url, allow_private=self.allow_private, smtp=self.smtp)
        )
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


async def deliver(
    delivery_id: uuid.UUID,
    sessions: async_sessionmaker[AsyncSession],
    channels: Channels,
    clock: Callable[[], datetime],
    *,
    last_attempt: bool,
) -> str:
    """Send the delivery through its subscription's channel; record the attempt. Raises
    ``DeliveryFailed`` to be retried (not on the last attempt: that one ends as ``failed``)."""
    async with unit_of_work(sessions) as session:
        webhooks = WebhookRepository(session)
        delivery = await webhooks.delivery(delivery_id)
        subscription = await webhooks.get(delivery.subscription_id)
        if delivery.status != "pending" or not subscription.active:
            return delivery.status
        message = Message(
            str(delivery.id), delivery.kind, subscription.url, subscription.secret, dict(delivery.payload)
        )
    status_code: int | None = None
    error: str | None = None
    try:
        status_code = await channels.for_target(message.target).send(message)
    except DeliveryFailed as failure:
        error = str(failure.args[0])
        status_code = failure.args[1] if len(failure.args) > 1 else None
    except InvalidInput as refused:  # the target turned private or stopped resolving
        error = f"{refused.field}: {refused}"
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
