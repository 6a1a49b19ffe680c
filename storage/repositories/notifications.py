"""Webhook subscriptions and deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models.live import LiveEvent
from storage.models.notifications import WebhookDelivery, WebhookSubscription


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        self.session.add(subscription)
        await self.session.flush()
        return subscription

    async def get(self, subscription_id: uuid.UUID) -> WebhookSubscription:
        found = await self.session.get(WebhookSubscription, subscription_id)
        if found is None:
            raise NotFound("webhook", subscription_id)
        return found

    async def listed(self) -> Sequence[WebhookSubscription]:
        query = select(WebhookSubscription).order_by(WebhookSubscription.created_at)
        return (await self.session.scalars(query)).all()

    async def wanting(self, kind: str) -> Sequence[WebhookSubscription]:
        """Active subscriptions to events of ``kind``."""
        query = select(WebhookSubscription).where(
            WebhookSubscription.active, WebhookSubscription.events.contains([kind])
        )
        return (await self.session.scalars(query)).all()

    async def event(self, event_id: int) -> LiveEvent | None:
        return await self.session.get(LiveEvent, event_id)

    async def add_delivery(self, delivery: WebhookDelivery) -> WebhookDelivery:
        self.session.add(delivery)
        await self.session.flush()
        return delivery

    async def delivery(self, delivery_id: uuid.UUID) -> WebhookDelivery:
        found = await self.session.get(WebhookDelivery, delivery_id)
        if found is None:
            raise NotFound("delivery", delivery_id)
        return found

    async def deliveries(self, subscription_id: uuid.UUID, limit: int) -> Sequence[WebhookDelivery]:
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.created_at.desc())
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def record_attempt(self, delivery_id: uuid.UUID, at: datetime, **values: Any) -> None:
        await self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(attempts=WebhookDelivery.attempts + 1, last_attempt_at=at, **values)
        )
