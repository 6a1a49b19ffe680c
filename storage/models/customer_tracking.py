"""Customer tracking links: an unguessable token bound to one ticket; only its hash is kept."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin


class TrackingLink(IdMixin, CreatedMixin, Base):
    """``token_hash`` = hex SHA-256 of the token; the link lives until ``hours_after_completion``
    hours after the ticket's visit is completed (before completion it stays valid)."""

    __tablename__ = "tracking_links"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hours_after_completion: Mapped[int] = mapped_column(Integer, server_default="24")
    created_by: Mapped[str] = mapped_column(String(200))
