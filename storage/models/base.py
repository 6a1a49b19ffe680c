"""Declarative base, naming convention and the column types every table shares."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from geoalchemy2 import Geography
from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.functions import Function

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def point_column() -> Geography:
    """A WGS-84 point on the ellipsoid (metres in ST_Distance/ST_DWithin), GiST-indexed."""
    return Geography(geometry_type="POINT", srid=4326, spatial_index=True)


def st_x(column: Any) -> Function[float]:
    """Longitude of a geography point column, read in SQL (no WKB parsing in Python)."""
    return func.ST_X(func.geometry(column))


def st_y(column: Any) -> Function[float]:
    """Latitude of a geography point column."""
    return func.ST_Y(func.geometry(column))


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
