"""Webhook subscriptions (admin): create (the secret is shown once), list, read, end, and each
subscription's delivery log. Deliveries are jobs on the queue (``api/worker.py``)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.schemas.notifications import DeliveryOut, WebhookCreatedOut, WebhookIn, WebhookOut
from dispatch.access.principal import Principal
from dispatch.notifications.service import WebhookCreate, WebhookService


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["notifications"]

    @post("/", status_code=201, summary="Subscribe a URL to events (signed deliveries, retried)")
    async def create(
        self,
        data: JSONBody[WebhookIn],
        caller: NamedDependency[Principal],
        webhooks: NamedDependency[WebhookService],
    ) -> WebhookCreatedOut:
        created = await webhooks.create(caller, WebhookCreate(data.url, data.events, data.description or ""))
        return WebhookCreatedOut(WebhookOut.of(created.subscription), created.secret)

    @get("/", summary="Webhook subscriptions")
    async def listed(
        self, caller: NamedDependency[Principal], webhooks: NamedDependency[WebhookService]
    ) -> list[WebhookOut]:
        return [WebhookOut.of(row) for row in await webhooks.listed(caller)]

    @get("/{webhook_id:uuid}", summary="One webhook subscription")
    async def detail(
        self,
        webhook_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        webhooks: NamedDependency[WebhookService],
    ) -> WebhookOut:
        return WebhookOut.of(await webhooks.get(caller, webhook_id))

    @delete("/{webhook_id:uuid}", status_code=204, summary="End a subscription (its log stays)")
    async def end(
        self,
        webhook_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        webhooks: NamedDependency[WebhookService],
    ) -> None:
        await webhooks.end(caller, webhook_id)

    @get("/{webhook_id:uuid}/deliveries", summary="The subscription's deliveries, newest first")
    async def deliveries(
        self,
        webhook_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        webhooks: NamedDependency[WebhookService],
        limit: FromQuery[int] = 50,
    ) -> list[DeliveryOut]:
        return [DeliveryOut.of(row) for row in await webhooks.deliveries(caller, webhook_id, limit)]
