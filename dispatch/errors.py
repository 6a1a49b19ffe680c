"""Domain errors of dispatch. They carry no HTTP status: ``api/errors.py`` maps them."""

from __future__ import annotations

from pathlib import Path


class DispatchError(Exception):
    """Base class of the dispatch errors."""


class PolicyError(DispatchError):
    """A policy preset file is malformed; the message names the file and the key or tier."""

    def __init__(self, source: Path | str, where: str, message: str) -> None:
        super().__init__(f"{source}: {where}: {message}")
        self.source = str(source)
        self.where = where


class UnknownPolicy(DispatchError):
    def __init__(self, name: str, known: list[str], field: str = "policy") -> None:
        super().__init__(f"unknown policy {name!r}; known policies: {', '.join(sorted(known))}")
        self.name = name
        self.field = field


class InvalidInput(DispatchError):
    """A request value the domain rejects; ``field`` names it for the API's error body."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotPermitted(DispatchError):
    """The caller's role or scope does not allow the action."""


class StateConflict(DispatchError):
    """The action does not fit the current state of the object (answered as a conflict)."""
