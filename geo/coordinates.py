"""The one point type of the service, and the parser that builds it from client input.

A ``LonLat`` is always WGS-84 and always valid: the API hands raw values to ``parse_lonlat``,
which checks them, names the offending field when they are wrong, and converts from the datum
the client declared. Nothing downstream re-validates or re-projects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

from geo import datums
from geo.datums import Datum
from geo.errors import InvalidCoordinate, UnknownDatum

LON_RANGE = (-180.0, 180.0)
LAT_RANGE = (-90.0, 90.0)


@dataclass(frozen=True, slots=True)
class LonLat:
    """A WGS-84 position in degrees, longitude first (the GeoJSON / PostGIS order)."""

    lon: float
    lat: float

    def __post_init__(self) -> None:
        """Refuse to exist outside the valid ranges, whoever builds the point."""
        _check_range(self.lon, LON_RANGE, "lon")
        _check_range(self.lat, LAT_RANGE, "lat")


def parse_lonlat(lon: object, lat: object, crs: object = "WGS84", field: str = "location") -> LonLat:
    """Validate raw client values and return the WGS-84 point they denote.

    ``lon``/``lat`` may be ints, floats or numeric strings (query parameters); booleans, NaN,
    infinities and non-numeric strings are refused. ``crs`` is a datum name (see
    ``Datum.parse``), a ``Datum``, or ``None`` for the default WGS-84. Errors name the field:
    ``f"{field}.lon"``, ``f"{field}.lat"``, ``f"{field}.crs"``.
    """
    datum = _parse_datum(crs, f"{field}.crs")
    x = _to_degrees(lon, LON_RANGE, f"{field}.lon")
    y = _to_degrees(lat, LAT_RANGE, f"{field}.lat")
    w_lon, w_lat = datums.to_wgs84(x, y, datum)
    # The BD-09 leg can push a point sitting on the antimeridian a few metres past it.
    _check_range(w_lon, LON_RANGE, f"{field}.lon")
    _check_range(w_lat, LAT_RANGE, f"{field}.lat")
    return LonLat(w_lon, w_lat)


def from_wgs84(point: LonLat, datum: Datum) -> tuple[float, float]:
    """The ``(lon, lat)`` of ``point`` expressed in ``datum``, for Chinese map SDKs."""
    return datums.from_wgs84(point.lon, point.lat, datum)


def _parse_datum(crs: object, field: str) -> Datum:
    """Read the client's ``crs``; ``None`` means WGS-84, the GeoJSON default."""
    if crs is None:
        return Datum.WGS84
    if isinstance(crs, Datum):
        return crs
    if isinstance(crs, str):
        return Datum.parse(crs, field)
    raise UnknownDatum(field, crs, datums.ACCEPTED_DATUM_NAMES)


def _to_degrees(value: object, bounds: tuple[float, float], field: str) -> float:
    """Turn one raw value into a finite float inside ``bounds`` or raise for ``field``."""
    number = _to_float(value)
    if number is None:
        raise InvalidCoordinate(field, value, *bounds)
    _check_range(number, bounds, field, shown=value)
    return number


def _to_float(value: object) -> float | None:
    """A float from a real number or a numeric string; ``None`` for anything else.

    ``Decimal`` is accepted (JSON decoders may produce it). ``bool`` is a ``Real`` in Python
    but never a coordinate, so it is refused explicitly.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Real | Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _check_range(number: float, bounds: tuple[float, float], field: str, shown: object = None) -> None:
    """Raise ``InvalidCoordinate`` unless ``number`` is finite and inside ``bounds``."""
    low, high = bounds
    if not (math.isfinite(number) and low <= number <= high):
        raise InvalidCoordinate(field, number if shown is None else shown, low, high)
