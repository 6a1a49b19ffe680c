"""Customer tracking links: an unguessable token bound to one ticket; only its hash is kept."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin


class TrackingLink(IdMixin, CreatedMixin, Base):
    """``token_hash`` = hex SHA-256 of the token; the link lives until ``hours_after_completion``
    hours after the ticket's visit is completed, and never past ``expires_at`` (its absolute
    lifetime, R-TR-1); a cancelled ticket ends it at once; ``revoked_at`` ends it by hand."""

    __tablename__ = "tracking_links"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hours_after_completion: Mapped[int] = mapped_column(Integer, server_default="24")
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_by: Mapped[str | None] = mapped_column(String(200), default=None)
