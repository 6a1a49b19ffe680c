"""Errors of the tracking package. They carry no HTTP (``api/errors.py`` maps them: 400).

``InvalidPosition`` names the offending ``field`` (``"lat"``, ``"location.coords.latitude"``,
``"positions[3].fix_time"``) and, inside a batch, the ``index`` of the bad item, so the API
can answer "400 with the index of the bad item".
"""

from __future__ import annotations


class TrackingError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidPosition(TrackingError):
    """A position report cannot be stored: a field is missing, malformed or out of range."""

    def __init__(self, field: str, message: str, index: int | None = None) -> None:
        self.field = field
        self.message = message
        self.index = index
        super().__init__(f"{field}: {message}")

    @property
    def extra(self) -> dict[str, object]:
        """The batch index of the bad item, for the error body."""
        return {} if self.index is None else {"index": self.index}


class UnknownDevice(TrackingError):
    """No active device has this secret (the OsmAnd protocol answers 400)."""

    def __init__(self) -> None:
        super().__init__("unknown device: use the ingest_url given by POST /api/v1/devices")
