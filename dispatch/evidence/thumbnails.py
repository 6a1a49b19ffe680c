"""Thumbnails made by a job after ``complete`` has answered (R-NW-1, R-FU-6): never in the request.

``complete`` defers ``evidence.thumbnail`` in its own transaction (``storage/job_queue.py``), so a
verified photo always gets its job, even when the service stops right after answering; a worker
(``aftersales worker``) reads the sealed object back, makes the thumbnail and notes its key. The
job is idempotent: a retried job of an item that has its thumbnail does nothing.
"""

from __future__ import annotations

import logging
import uuid

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.evidence.content import IMAGE_TYPES
from dispatch.evidence.imaging import make_thumbnail
from storage.objectstore import ObjectStore, derived_key
from storage.repositories.evidence import EvidenceRepository
from storage.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

THUMBNAIL_TASK = "evidence.thumbnail"
EVIDENCE_QUEUE = "evidence"


def needs_thumbnail(content_type: str) -> bool:
    return content_type in IMAGE_TYPES


async def make_stored_thumbnail(
    evidence_id: uuid.UUID,
    sessions: async_sessionmaker[AsyncSession],
    store: ObjectStore,
    max_bytes: int,
) -> str | None:
    """Make and store the thumbnail of a verified image; its key, or None when there is nothing
    to do (not verified, not an image, already made). Errors propagate: the queue retries."""
    async with unit_of_work(sessions) as session:
        row = await EvidenceRepository(session).get(evidence_id)
        status, key, done, content_type = row.status, row.object_key, row.thumbnail_key, row.content_type
    if status != "verified" or done is not None or not needs_thumbnail(content_type):
        return None
    data = await to_thread.run_sync(store.read, key, max_bytes)
    thumb = await to_thread.run_sync(make_thumbnail, data)
    thumb_key = derived_key(key, "thumb")
    await to_thread.run_sync(store.put, thumb_key, thumb, "image/jpeg")
    async with unit_of_work(sessions) as session:
        await EvidenceRepository(session).set_thumbnail(evidence_id, thumb_key)
    log.info("thumbnail of evidence %s stored as %s", evidence_id, thumb_key)
    return thumb_key
