"""The live-event journal: one row per ticket/work-order/position change, written by triggers.

Rows are written only by the ``live_*`` trigger functions of migration ``0005_live`` (which also
``pg_notify`` them); the service reads them to resume an event stream after ``Last-Event-ID``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, String, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class LiveEvent(Base):
    __tablename__ = "live_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    topic: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
