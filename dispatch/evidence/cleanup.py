"""Find and remove orphan objects: stored bytes no live evidence row refers to (R-NW-1).

Orphans come from uploads that were never completed, completes that failed their checks, and
crashes between the store and the database. ``remove_orphans`` first marks ``pending`` rows
whose upload URL expired more than ``grace`` ago as ``expired``, then soft-deletes (into the
store's trash, audited by the store's ``DeletionRecord``) every object under ``tickets/`` older
than ``grace`` that no ``pending``/``verified`` row uses as its object or thumbnail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from anyio import to_thread

from storage.objectstore import ObjectInfo, ObjectStore
from storage.repositories.evidence import EvidenceRepository

ACTOR = "system:evidence-cleanup"
REASON = "orphan: no live evidence record refers to this object"
PREFIX = "tickets/"


@dataclass(slots=True)
class CleanupReport:
    """What one run found and did."""

    scanned: int = 0
    young: int = 0
    referenced: int = 0
    removed: list[str] = field(default_factory=list)
    expired_rows: list[uuid.UUID] = field(default_factory=list)


async def remove_orphans(
    evidence: EvidenceRepository,
    store: ObjectStore,
    *,
    grace: timedelta,
    now: datetime,
    dry_run: bool = False,
) -> CleanupReport:
    """Expire stale pending rows and move orphan objects to the trash (nothing with ``dry_run``)."""
    report = CleanupReport()
    cutoff = now - grace
    if not dry_run:
        report.expired_rows = [row.id for row in await evidence.expire_pending(cutoff)]
    objects: list[ObjectInfo] = await to_thread.run_sync(lambda: list(store.iter_objects(PREFIX)))
    report.scanned = len(objects)
    old = [o for o in objects if o.last_modified is None or o.last_modified < cutoff]
    report.young = len(objects) - len(old)
    used = await evidence.referenced_keys(o.key for o in old)
    report.referenced = len(used)
    for info in old:
        if info.key in used:
            continue
        if not dry_run:
            await to_thread.run_sync(store.soft_delete, info.key, ACTOR, REASON)
        report.removed.append(info.key)
    return report
