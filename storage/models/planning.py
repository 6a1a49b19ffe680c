"""Route plans and engineers' absences that plans must respect."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import REAL, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin


class Plan(IdMixin, CreatedMixin, Base):
    """One planning run of a scope: its input snapshot, fingerprint, progress and result."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("scope_type IN ('plant', 'outlet')", name="scope_type"),
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'committed', 'superseded')", name="status"
        ),
        Index("ix_plans_plant_id_status", "plant_id", "status"),
    )

    scope_type: Mapped[str] = mapped_column(String(10))
    plant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plants.id"))
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outlets.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[float] = mapped_column(REAL, server_default="0")
    stage: Mapped[str] = mapped_column(String(40))
    horizon_hours: Mapped[int] = mapped_column(Integer)
    time_limit_s: Mapped[float] = mapped_column(REAL)
    planned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    """Solve attempts claimed by workers: the fencing token of the current one (migration 0011)."""
    search: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """The running search's progress: best cost, unassigned, teams done, seconds."""
    created_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    committed_by: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TechnicianAbsence(IdMixin, CreatedMixin, Base):
    """An engineer cannot work in ``[starts_at, ends_at)`` (sick, leave …): plans cut it out."""

    __tablename__ = "technician_absences"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ordered"),)

    technician_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("technicians.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
