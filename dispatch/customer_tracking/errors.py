"""Domain errors of the tracking links (``api/errors.py`` maps them to HTTP)."""

from __future__ import annotations


class UnknownTrackingLink(Exception):
    """No such link, or it has expired: the caller learns nothing more (R-TR-4)."""

    def __init__(self) -> None:
        super().__init__("unknown or expired tracking link")
