"""Thumbnails made after ``complete`` has answered (R-NW-1, R-FU-6): never in the request."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from anyio import to_thread
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.evidence.imaging import make_thumbnail, thumbnail_of
from storage.objectstore import ObjectStore, derived_key
from storage.repositories.evidence import EvidenceRepository
from storage.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ThumbnailJob:
    """Make the thumbnail from what is already in memory, store it, and note its key.

    ``decoded`` is the image ``complete`` decoded for its checks (``Inspection.decoded``): with
    it the thumbnail costs a resize and a small encode; without it ``data`` is decoded again."""

    store: ObjectStore
    evidence_id: uuid.UUID
    key: str
    data: bytes
    decoded: Image.Image | None = None

    def thumbnail(self) -> bytes:
        return make_thumbnail(self.data) if self.decoded is None else thumbnail_of(self.decoded)

    async def run(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Background work: a failure is logged (the list then shows no thumbnail), never raised."""
        try:
            thumb = await to_thread.run_sync(self.thumbnail)
            thumb_key = derived_key(self.key, "thumb")
            await to_thread.run_sync(self.store.put, thumb_key, thumb, "image/jpeg")
            async with unit_of_work(sessions) as session:
                await EvidenceRepository(session).set_thumbnail(self.evidence_id, thumb_key)
        except Exception:  # background task: nobody to answer to; keep the worker alive
            log.exception("thumbnail for evidence %s failed", self.evidence_id)
