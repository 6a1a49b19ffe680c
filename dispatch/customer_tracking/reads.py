"""The customer's page reads its link in short read-only sessions of its own (R-TR-2/3).

No login and a hot path: the page, its JSON and every SSE refresh resolve the token without a
request transaction. The composition root (``api/composition.py``) builds one ``TrackingReads``
with the service factory and the clock; nothing here builds a repository.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.customer_tracking.links import ResolvedLink, TrackingService
from storage.unit_of_work import read_only


class TrackingReads:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        service: Callable[[AsyncSession], TrackingService],
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions = sessions
        self.service = service
        self.clock = clock

    async def resolve(self, token: str) -> ResolvedLink:
        """What ``token`` shows now; ``UnknownTrackingLink`` when unknown or expired."""
        async with read_only(self.sessions) as session:
            return await self.service(session).resolve(token, self.clock())
