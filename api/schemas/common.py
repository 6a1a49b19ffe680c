"""Shapes shared by several resources: locations and pages."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.params import QueryParameter

from geo.coordinates import LonLat, parse_lonlat

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Phone = Annotated[str, msgspec.Meta(max_length=50)]
T = TypeVar("T")
PageNumber = Annotated[
    int, QueryParameter(ge=1, le=1_000_000, description="1-based page number (max 1,000,000)")
]
PageSize = Annotated[int, QueryParameter(ge=1, le=500, description="rows per page (max 500)")]


class LocationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A point as a client sends it; ``crs`` is its datum: WGS84 (GPS), GCJ02 (AMap/Tencent) or
    BD09 (Baidu). Stored in WGS-84."""

    lon: Any
    lat: Any
    crs: str = "WGS84"

    def to_wgs84(self, field: str) -> LonLat:
        return parse_lonlat(self.lon, self.lat, self.crs, field=field)


class LocationOut(msgspec.Struct):
    """A WGS-84 point (lon, lat order)."""

    lon: float
    lat: float
    crs: str = "WGS84"


def location_out(lon: float, lat: float) -> LocationOut:
    return LocationOut(lon=lon, lat=lat)


class Page(msgspec.Struct, Generic[T]):
    """One page of a list: ``items`` and the ``total`` number of rows that match."""

    items: list[T]
    total: int
    page: int
    page_size: int
