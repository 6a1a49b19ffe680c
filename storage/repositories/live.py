"""Reads of the live-event journal (``live_events``), for resuming a stream after a reconnect."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.live import LiveEvent


class LiveEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def after(self, last_id: int, limit: int) -> Sequence[LiveEvent]:
        """Events with an id above ``last_id``, oldest first, at most ``limit``."""
        rows = await self.session.scalars(
            select(LiveEvent).where(LiveEvent.id > last_id).order_by(LiveEvent.id).limit(limit)
        )
        return rows.all()

    async def last_id(self) -> int:
        return int(await self.session.scalar(select(func.coalesce(func.max(LiveEvent.id), 0))) or 0)
