"""Evidence: site photos and signed notices kept in object storage (R-NW-1, R-NW-2).

One row per piece of evidence. The row is written ``pending`` when the upload URL is handed out
(it claims nothing about the bytes), becomes ``verified`` only when ``complete`` has checked the
stored object, and ``deleted`` (soft, audited) or ``expired`` (never completed) afterwards.
The bytes live in the object store under ``object_key``; the schema's source is migration 0004.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin

EVIDENCE_KINDS = ("before", "after", "fault", "part", "nameplate", "signature", "notice")
EVIDENCE_SOURCES = ("camera", "gallery")
EVIDENCE_STATUSES = ("pending", "verified", "deleted", "expired")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Evidence(IdMixin, CreatedMixin, Base):
    """A photo or document attached to a ticket, with what ``complete`` found out about it."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(_in("kind", EVIDENCE_KINDS), name="kind"),
        CheckConstraint(_in("source", EVIDENCE_SOURCES), name="source"),
        CheckConstraint(_in("status", EVIDENCE_STATUSES), name="status"),
        CheckConstraint("size > 0", name="size"),
    )

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), index=True)
    object_key: Mapped[str] = mapped_column(String(512), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(512))
    app_taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    app_lon: Mapped[float | None] = mapped_column(Double)
    app_lat: Mapped[float | None] = mapped_column(Double)
    app_crs: Mapped[str | None] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(200))
    upload_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    phash: Mapped[int | None] = mapped_column(BigInteger)
    """64-bit perceptual hash stored signed (``to_signed64``); near duplicates by ``bit_count``."""
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    exif: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    score: Mapped[float | None] = mapped_column(Double)
    reasons: Mapped[list[str] | None] = mapped_column(JSONB)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    qa_accepted_by: Mapped[str | None] = mapped_column(String(200))
    qa_reason: Mapped[str | None] = mapped_column(Text)
    qa_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(String(200))
    deleted_reason: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
