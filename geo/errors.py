"""Errors raised by the geometry package.

They carry no HTTP: ``api/errors.py`` maps each class to a status code. Errors about a
client's input name the offending ``field`` (e.g. ``"site.lon"``) so the API can point at it.
"""

from __future__ import annotations

from collections.abc import Sequence


class GeoError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidCoordinate(GeoError):
    """A longitude or latitude is not a finite number inside its allowed range."""

    def __init__(self, field: str, value: object, low: float, high: float) -> None:
        self.field = field
        self.value = value
        self.low = low
        self.high = high
        super().__init__(
            f"{field} must be a finite number between {low:g} and {high:g} degrees, got {value!r}"
        )


class UnknownDatum(GeoError):
    """A coordinate reference name (``crs``) is not one we can convert to WGS-84."""

    def __init__(self, field: str, value: object, accepted: Sequence[str]) -> None:
        self.field = field
        self.value = value
        self.accepted = tuple(accepted)
        super().__init__(f"{field} must be one of {', '.join(self.accepted)}; got {value!r}")


class TravelTimeUnavailable(GeoError):
    """A travel-time provider (e.g. an OSRM server) failed or answered with an error.

    This is an infrastructure failure, not a client error: the API should answer 503 and the
    optimizer may fall back to the geodesic model.
    """


class InvalidGeometry(GeoError):
    """A GeoJSON geometry from a client is malformed, invalid, or of the wrong type."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)
