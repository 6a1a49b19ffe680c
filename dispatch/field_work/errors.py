"""Errors of the lifecycle package. They carry no HTTP (``api/errors.py`` maps them).

A refused transition is *not* an error: ``apply`` returns a ``Rejection`` value, because a
rejected event is an expected, recorded outcome of sync. These exceptions are for data the
server itself holds wrongly (a broken template file).
"""

from __future__ import annotations


class LifecycleError(Exception):
    """Base class of every error this package raises on purpose."""


class ChecklistConfigError(LifecycleError):
    """``checklists.toml`` names a code that is not in the checklist vocabulary."""


class EventRejected(LifecycleError):
    """A single event sent outside sync was refused (the API answers 409 with ``extra``).

    ``state`` is the work order's current state, ``allowed`` the events that may follow it,
    ``code`` the ``RejectionCode`` value and ``details`` what is at fault.
    """

    def __init__(
        self, message: str, *, code: str, state: str, allowed: tuple[str, ...], details: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.code = code
        self.state = state
        self.allowed = allowed
        self.details = details

    @property
    def extra(self) -> dict[str, object]:
        return {
            "reason": self.code,
            "state": self.state,
            "allowed": list(self.allowed),
            "details": list(self.details),
        }


class EventMismatch(LifecycleError):
    """An event id was seen before with different content (the API answers 422)."""

    def __init__(self, event_id: object, field: str) -> None:
        super().__init__(f"event {event_id} was already received with different content")
        self.field = field


class NotDispatchable(LifecycleError):
    """The ticket may not get a work order now; ``blocked_by`` says why (the API: 409)."""

    def __init__(self, blocked_by: list[str]) -> None:
        super().__init__(f"the ticket is not dispatchable: {', '.join(blocked_by)}")
        self.blocked_by = blocked_by

    @property
    def extra(self) -> dict[str, object]:
        return {"blocked_by": list(self.blocked_by)}
