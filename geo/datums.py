"""Conversions between WGS-84 and the Chinese obfuscated datums GCJ-02 and BD-09.

Chinese map SDKs (AMap/Gaode, Tencent: GCJ-02; Baidu: BD-09) report positions shifted by a
published, deliberately irregular offset of a few hundred metres. Everything inside this
service is WGS-84: we convert once at the edge (``to_wgs84``) and back only for output to
those SDKs (``from_wgs84``).

The forward transforms (WGS-84 → GCJ-02 → BD-09) are closed-form formulas that circulate as
de facto standard (the leaked GCJ-02 algorithm on the Krasovsky ellipsoid; Baidu's rotation and
shift on top). The inverses have no closed form: we solve them by fixed-point iteration until
the forward transform of our answer lands within ``_TOLERANCE_DEG`` of the input (≈ 0.1 mm),
which is far below the 0.5 m the callers need. The popular one-step inverses are off by 1–2 m.

Outside China (the conventional rectangular box of ``out_of_china``) GCJ-02 equals WGS-84,
so the GCJ-02 leg passes points through unchanged. The BD-09 leg is applied everywhere, as
Baidu's own formula does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

from geo.errors import UnknownDatum

# Krasovsky 1940 semi-major axis and first eccentricity squared, as in the GCJ-02 algorithm.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
# Baidu's angular constant: π · 3000 / 180.
_BD_X_PI = math.pi * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006

# The inverse iterations stop when the forward image is this close to the target (degrees).
_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 50

# The conventional "China box" used by every public GCJ-02 implementation.
_CHINA_MIN_LON = 72.004
_CHINA_MAX_LON = 137.8347
_CHINA_MIN_LAT = 0.8293
_CHINA_MAX_LAT = 55.8271

LonLatPair = tuple[float, float]


class Datum(StrEnum):
    """A horizontal datum a client may send coordinates in."""

    WGS84 = "WGS84"
    GCJ02 = "GCJ02"
    BD09 = "BD09"

    @classmethod
    def parse(cls, text: str, field: str) -> Datum:
        """Read a datum name, case-insensitively, accepting the common spellings.

        Raises ``UnknownDatum`` naming ``field`` and the accepted names otherwise.
        """
        found = _ALIASES.get(text.strip().upper()) if isinstance(text, str) else None
        if found is None:
            raise UnknownDatum(field, text, ACCEPTED_DATUM_NAMES)
        return found


_ALIASES: dict[str, Datum] = {
    "WGS84": Datum.WGS84,
    "WGS-84": Datum.WGS84,
    "EPSG:4326": Datum.WGS84,
    "GCJ02": Datum.GCJ02,
    "GCJ-02": Datum.GCJ02,
    "BD09": Datum.BD09,
    "BD-09": Datum.BD09,
}
ACCEPTED_DATUM_NAMES: tuple[str, ...] = tuple(_ALIASES)


def out_of_china(lon: float, lat: float) -> bool:
    """Whether a point lies outside the box where GCJ-02 differs from WGS-84."""
    return not (_CHINA_MIN_LON <= lon <= _CHINA_MAX_LON and _CHINA_MIN_LAT <= lat <= _CHINA_MAX_LAT)


def _offset_lat(x: float, y: float) -> float:
    """GCJ-02 latitude offset in metres-like units for ``x = lon-105``, ``y = lat-35``."""
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    """GCJ-02 longitude offset in metres-like units for ``x = lon-105``, ``y = lat-35``."""
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj02_delta(lon: float, lat: float) -> LonLatPair:
    """The GCJ-02 shift (degrees) at a WGS-84 point, ignoring the China box."""
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> LonLatPair:
    """WGS-84 → GCJ-02 (closed form). Points outside China pass unchanged."""
    if out_of_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _gcj02_delta(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> LonLatPair:
    """GCJ-02 → WGS-84 by iterating ``w = g - delta(w)`` to convergence (sub-millimetre).

    Points outside China pass unchanged.
    """
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(_gcj02_unboxed, lon, lat)


def _gcj02_unboxed(lon: float, lat: float) -> LonLatPair:
    """The forward GCJ-02 shift applied without the China-box test (for the inverse)."""
    d_lon, d_lat = _gcj02_delta(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_bd09(lon: float, lat: float) -> LonLatPair:
    """GCJ-02 → BD-09 (Baidu's closed-form rotation, scale and shift)."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_X_PI)
    return z * math.cos(theta) + _BD_DLON, z * math.sin(theta) + _BD_DLAT


def bd09_to_gcj02(lon: float, lat: float) -> LonLatPair:
    """BD-09 → GCJ-02 by iterating the forward transform to convergence.

    Baidu's published one-step inverse is only good to about 1e-6 degrees; iterating makes
    ``gcj02_to_bd09(bd09_to_gcj02(p)) == p`` to within ``_TOLERANCE_DEG``.
    """
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: float, lat: float) -> LonLatPair:
    """WGS-84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> LonLatPair:
    """BD-09 → WGS-84 (through GCJ-02), both legs inverted iteratively."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon: float, lat: float, datum: Datum) -> LonLatPair:
    """Convert a point given in ``datum`` to WGS-84."""
    return _TO_WGS84[datum](lon, lat)


def from_wgs84(lon: float, lat: float, datum: Datum) -> LonLatPair:
    """Convert a WGS-84 point to ``datum`` (for output to Chinese map SDKs)."""
    return _FROM_WGS84[datum](lon, lat)


def _identity(lon: float, lat: float) -> LonLatPair:
    """WGS-84 → WGS-84."""
    return lon, lat


_Transform = Callable[[float, float], LonLatPair]
_TO_WGS84: dict[Datum, _Transform] = {
    Datum.WGS84: _identity,
    Datum.GCJ02: gcj02_to_wgs84,
    Datum.BD09: bd09_to_wgs84,
}
_FROM_WGS84: dict[Datum, _Transform] = {
    Datum.WGS84: _identity,
    Datum.GCJ02: wgs84_to_gcj02,
    Datum.BD09: wgs84_to_bd09,
}


def _invert(forward: _Transform, lon: float, lat: float) -> LonLatPair:
    """Solve ``forward(x) == (lon, lat)`` for x by fixed-point iteration.

    Both forward transforms are the identity plus a small, slowly varying shift, so the
    update ``x -= forward(x) - target`` contracts fast (3–5 steps in practice).
    """
    x_lon, x_lat = lon, lat
    for _ in range(_MAX_ITERATIONS):
        f_lon, f_lat = forward(x_lon, x_lat)
        e_lon, e_lat = f_lon - lon, f_lat - lat
        if abs(e_lon) < _TOLERANCE_DEG and abs(e_lat) < _TOLERANCE_DEG:
            break
        x_lon, x_lat = x_lon - e_lon, x_lat - e_lat
    return x_lon, x_lat
