"""Errors of the planning service. They carry no HTTP: ``api/errors.py`` maps them."""

from __future__ import annotations

from typing import Any


class PlanningError(Exception):
    """Base class of the planning errors."""


class PlanStale(PlanningError):
    """The world changed since the plan was made (work orders, assignees, deadlines, absences):
    committing it would silently overwrite newer facts. Plan again."""

    def __init__(self, message: str, changed: list[str]) -> None:
        super().__init__(message)
        self.extra: dict[str, Any] = {"changed": changed}


class PlanNotCommittable(PlanningError):
    """The plan is not in a state that allows the action (not done yet, failed, committed …)."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.extra: dict[str, Any] = {"status": status}


class InsertionRefused(PlanningError):
    """No engineer can take the ticket without breaking another promise; ``reason`` says why."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.extra: dict[str, Any] = {"reason": reason}
