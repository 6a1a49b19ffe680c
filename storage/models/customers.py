"""Customers and the assets (vehicles, equipment) they own (R-IN-2: the customer file)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin


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
