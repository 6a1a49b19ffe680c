"""Reading the live-event journal (``live_events``) in short sessions, for the streams.

A stream holds no database connection while it waits: each read opens a session, reads, and
gives the connection back, so a thousand open streams cost no pooled connections (and a
database restart costs them nothing but a failed read, retried by the stream).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.live.service import RESUME_LIMIT, LiveMessage, from_row
from storage.repositories.live import LiveEventRepository
from storage.unit_of_work import read_only


class Journal:
    """Built once by the composition root over the read-only (autocommit) session maker."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def head(self) -> int:
        """The newest journal id (0 when empty): a fresh stream starts after it."""
        async with read_only(self.sessions) as session:
            return await LiveEventRepository(session).last_id()

    async def after(self, last_id: int, limit: int = RESUME_LIMIT) -> list[LiveMessage]:
        """Journalled changes with an id above ``last_id``, oldest first, at most ``limit``."""
        async with read_only(self.sessions) as session:
            rows = await LiveEventRepository(session).after(last_id, limit)
            return [from_row(row) for row in rows]
