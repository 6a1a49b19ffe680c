"""Wire shapes of the customer tracking links and page."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from dispatch.customer_tracking.links import IssuedLink
from dispatch.customer_tracking.view import TrackingView


class TrackingLinkIn(msgspec.Struct, forbid_unknown_fields=True):
    hours_after_completion: int | None = None
    """How long the link outlives the completed visit (default 24, 0 … 720)."""


class TrackingLinkOut(msgspec.Struct):
    id: uuid.UUID
    """Revoke the link with ``DELETE /api/v1/tracking-links/{id}``."""
    token: str
    url: str
    expires_at: datetime
    """When the link ends at the latest: its absolute lifetime (``AFTERSALES_TRACKING_LINK_MAX_DAYS``),
    or sooner once the visit is completed (+ ``hours_after_completion``)."""

    @classmethod
    def of(cls, link: IssuedLink) -> TrackingLinkOut:
        return cls(link.id, link.token, link.url, link.expires_at)


class EngineerOut(msgspec.Struct):
    name: str
    company: str | None


class CustomerPositionOut(msgspec.Struct):
    lon: float
    lat: float
    fix_time: datetime


class CustomerTrackOut(msgspec.Struct):
    """``GET /api/v1/track/{token}`` and every event of its stream; times in the customer's zone."""

    state: str
    arrival_deadline: datetime | None
    eta: datetime | None
    engineer: EngineerOut | None
    position: CustomerPositionOut | None
    arrived_at: datetime | None
    timezone: str
    report_url: str | None

    @classmethod
    def of(cls, view: TrackingView, token: str) -> CustomerTrackOut:
        engineer = EngineerOut(view.engineer_name, view.company) if view.engineer_name else None
        position = view.position
        return cls(
            state=view.state,
            arrival_deadline=view.arrival_deadline,
            eta=view.eta,
            engineer=engineer,
            position=CustomerPositionOut(position.lon, position.lat, position.fix_time) if position else None,
            arrived_at=view.arrived_at,
            timezone=view.timezone,
            report_url=f"/api/v1/track/{token}/report.pdf" if view.completed else None,
        )
