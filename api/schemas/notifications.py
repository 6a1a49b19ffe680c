"""Wire shapes of webhook subscriptions and their delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from storage.models.notifications import WebhookDelivery, WebhookSubscription


class WebhookIn(msgspec.Struct, forbid_unknown_fields=True):
    url: str
    """http(s); loopback and private addresses are refused unless ``AFTERSALES_WEBHOOK_ALLOW_PRIVATE``."""
    events: list[str]
    """Event kinds: ticket.created, ticket.updated, work_order.created, work_order.updated,
    plan.created, plan.updated."""
    description: str | None = None


class WebhookOut(msgspec.Struct):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime
    created_by: str
    ended_at: datetime | None = None

    @classmethod
    def of(cls, row: WebhookSubscription) -> WebhookOut:
        return cls(
            row.id,
            row.url,
            list(row.events),
            row.description,
            row.active,
            row.created_at,
            row.created_by,
            row.ended_at,
        )


class WebhookCreatedOut(msgspec.Struct):
    webhook: WebhookOut
    secret: str
    """Shown once: verify each delivery's ``X-Aftersales-Signature`` with it (docs/notifications.md)."""


class DeliveryOut(msgspec.Struct):
    id: uuid.UUID
    event: str
    event_id: int
    status: str
    """pending (retrying) · delivered · failed (gave up after the last attempt)"""
    attempts: int
    created_at: datetime
    last_status_code: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, row: WebhookDelivery) -> DeliveryOut:
        return cls(
            row.id,
            row.kind,
            row.event_id,
            row.status,
            row.attempts,
            row.created_at,
            row.last_status_code,
            row.last_error,
            row.last_attempt_at,
            row.delivered_at,
            row.payload,
        )
