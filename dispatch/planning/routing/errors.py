"""Errors raised by the routing core.

They carry no HTTP: ``api/errors.py`` maps each class to a status code. Input errors name the
offending ``field`` (e.g. ``"params.time_limit_s"``) so the API can point at it.
"""

from __future__ import annotations


class RoutingError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidRoutingInput(RoutingError, ValueError):
    """A problem, a parameter set or a benchmark file is malformed; ``field`` says where."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")
