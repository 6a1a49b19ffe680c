"""Plain helpers shared by the object store tests (imported, not fixtures)."""

from __future__ import annotations

from datetime import datetime, timedelta

TOKEN_SECRET = b"test-secret-0123456789abcdef-0123456789"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
