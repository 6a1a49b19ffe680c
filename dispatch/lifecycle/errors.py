"""Errors of the lifecycle package. They carry no HTTP (``api/errors.py`` maps them).

A refused transition is *not* an error: ``apply`` returns a ``Rejection`` value, because a
rejected event is an expected, recorded outcome of sync. These exceptions are for data the
server itself holds wrongly (a calendar without the year asked for, a broken template file).
"""

from __future__ import annotations


class LifecycleError(Exception):
    """Base class of every error this package raises on purpose."""


class CalendarNotCovered(LifecycleError):
    """The working calendar has no official holiday data for ``year`` (R-FU-3 deadlines).

    Guessing would silently shift deadlines around Spring Festival or National Day, so the
    calendar refuses instead; the fix is to add the State Council's notice for that year.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"the working calendar has no holiday data for {year}")


class ChecklistConfigError(LifecycleError):
    """``checklists.toml`` names a code that is not in the checklist vocabulary."""
