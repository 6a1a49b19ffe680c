"""Errors of the working calendar. They carry no HTTP (``api/errors.py`` maps them)."""

from __future__ import annotations


class CalendarError(Exception):
    """Base class of every error this package raises on purpose."""


class CalendarNotCovered(CalendarError):
    """No published notice and no estimate for ``year``.

    Estimates follow the statutory rules in force since 2025 and the lunar dates the
    ``holidays`` package knows (to 2099); a year outside both cannot be counted in working time.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"the working calendar has no data for {year} and cannot estimate it "
            "(estimates cover 2025-2099; import the State Council's notice for other years)"
        )


class CalendarDataError(CalendarError):
    """A notice (packaged, imported by the CLI or sent to the API) is malformed.

    ``field`` names the place (``years.2027.holidays[2]``) so the fix is obvious; the API answers
    400 with it and ``aftersales calendar import`` exits 2.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message
