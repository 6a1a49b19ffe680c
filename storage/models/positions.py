"""Positions: tracking devices, the fixes they send and each device's latest fix.

``positions`` is partitioned by month of ``fix_time`` (PostgreSQL declarative partitioning;
partitions are made by the ``ensure_positions_partition`` SQL function, see migration 0003).
Its primary key ``(device_id, fix_time)`` is the deduplication rule: a client that retries stores one row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from geoalchemy2 import WKBElement
from sqlalchemy import (
    ARRAY,
    REAL,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin, point_column


class Device(IdMixin, CreatedMixin, Base):
    """A tracking client bound to one technician; ``secret`` authenticates its ingest URL."""

    __tablename__ = "devices"

    technician_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("technicians.id"), index=True)
    protocol: Mapped[str] = mapped_column(String(20))
    speed_unit: Mapped[str] = mapped_column(String(10))
    secret: Mapped[str] = mapped_column(String(100), unique=True)
    client_key: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")


class Position(Base):
    """One stored fix. Partitioned by month of ``fix_time``; (device, fix time) is unique."""

    __tablename__ = "positions"
    __table_args__ = (
        PrimaryKeyConstraint("device_id", "fix_time", name="pk_positions"),
        Index("ix_positions_technician_id_fix_time", "technician_id", "fix_time"),
        {"postgresql_partition_by": "RANGE (fix_time)"},
    )

    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    fix_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    technician_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    accuracy_m: Mapped[float | None] = mapped_column(REAL)
    speed_mps: Mapped[float | None] = mapped_column(REAL)
    heading: Mapped[float | None] = mapped_column(REAL)
    altitude_m: Mapped[float | None] = mapped_column(REAL)
    battery: Mapped[float | None] = mapped_column(REAL)
    flags: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")


class LatestPosition(Base):
    """The latest plausible fix of each technician (ETA, map, jump detection)."""

    __tablename__ = "latest_positions"

    technician_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("technicians.id"), primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    fix_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    position: Mapped[WKBElement] = mapped_column(point_column())
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    accuracy_m: Mapped[float | None] = mapped_column(REAL)
    speed_mps: Mapped[float | None] = mapped_column(REAL)
    heading: Mapped[float | None] = mapped_column(REAL)
    altitude_m: Mapped[float | None] = mapped_column(REAL)
    battery: Mapped[float | None] = mapped_column(REAL)
