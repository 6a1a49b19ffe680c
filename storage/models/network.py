"""The service network: plants, their outlets and the technicians of both."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from geoalchemy2 import Geography, WKBElement
from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin, point_column, st_x, st_y


class Plant(IdMixin, CreatedMixin, Base):
    """A factory that owns after-sales service for its products (R-DI-1: the distance origin)."""

    __tablename__ = "plants"

    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[WKBElement] = mapped_column(point_column(), deferred=True)
    location_lon: Mapped[float] = column_property(st_x(location))
    location_lat: Mapped[float] = column_property(st_y(location))
    policy: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), server_default="Asia/Shanghai")


class Outlet(IdMixin, CreatedMixin, Base):
    """A local service outlet (服务网点) that serves sites far from the plant (R-DI-1, R-NW-1)."""

    __tablename__ = "outlets"
    __table_args__ = (
        CheckConstraint("service_radius_km IS NULL OR service_radius_km > 0", name="radius_positive"),
    )

    plant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plants.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[WKBElement] = mapped_column(point_column(), deferred=True)
    location_lon: Mapped[float] = column_property(st_x(location))
    location_lat: Mapped[float] = column_property(st_y(location))
    service_radius_km: Mapped[Decimal | None] = mapped_column(Numeric(9, 3))
    service_area: Mapped[WKBElement | None] = mapped_column(
        Geography(geometry_type="MULTIPOLYGON", srid=4326, spatial_index=True)
    )
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    capabilities: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    phone: Mapped[str | None] = mapped_column(String(50))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Technician(IdMixin, CreatedMixin, Base):
    """A field engineer, employed by the plant or by an outlet."""

    __tablename__ = "technicians"
    __table_args__ = (CheckConstraint("(plant_id IS NULL) <> (outlet_id IS NULL)", name="one_employer"),)

    name: Mapped[str] = mapped_column(String(200))
    plant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plants.id"), index=True)
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outlets.id"), index=True)
    skills: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    home: Mapped[WKBElement] = mapped_column(point_column(), deferred=True)
    home_lon: Mapped[float] = column_property(st_x(home))
    home_lat: Mapped[float] = column_property(st_y(home))
    phone: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")


class Customer(IdMixin, CreatedMixin, Base):
    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50), index=True)
    timezone: Mapped[str] = mapped_column(String(64), server_default="Asia/Shanghai")


class Asset(IdMixin, CreatedMixin, Base):
    """A serviced unit; its dates start the warranty (R-WA-2)."""

    __tablename__ = "assets"

    serial: Mapped[str] = mapped_column(String(100), unique=True)
    model: Mapped[str] = mapped_column(String(200))
    product_line: Mapped[str] = mapped_column(String(20), server_default="vehicle")
    plant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plants.id"), index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    factory_date: Mapped[date | None] = mapped_column(Date)
    sold_on: Mapped[date | None] = mapped_column(Date)
    registration_date: Mapped[date | None] = mapped_column(Date)
    acceptance_date: Mapped[date | None] = mapped_column(Date)
    batch: Mapped[str | None] = mapped_column(String(100), index=True)
    warranty_policy: Mapped[str | None] = mapped_column(String(100))
    warranty_policy_version: Mapped[int | None]
