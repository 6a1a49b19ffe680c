"""Evidence rows (R-NW-1): lookups, and the duplicate searches the trust assessment needs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import Evidence

#: Statuses whose rows still describe an object the company keeps.
LIVE = ("pending", "verified")

_NEAR_DUPLICATES = text(
    """
    SELECT id, ticket_id, phash
    FROM evidence
    WHERE status = 'verified' AND phash IS NOT NULL AND ticket_id <> :ticket_id
      AND bit_count((phash # :phash)::bit(64)) <= :bits
    ORDER BY bit_count((phash # :phash)::bit(64)), created_at
    LIMIT :limit
    """
).bindparams(bindparam("ticket_id"), bindparam("phash"), bindparam("bits"), bindparam("limit"))


#: The latest work order of a ticket: departure (first applied ``en_route``) … completion.
#: Plain SQL over the field-service tables so that this module does not depend on their models.
_VISIT = text(
    """
    SELECT
        (SELECT min(coalesce(e.sla_time, e.server_time)) FROM work_order_events e
          WHERE e.work_order_id = w.id AND e.state = 'en_route' AND e.status = 'applied') AS departed_at,
        w.arrived_at,
        w.completed_at
    FROM work_orders w
    WHERE w.ticket_id = :ticket_id
    ORDER BY w.created_at DESC
    LIMIT 1
    """
).bindparams(bindparam("ticket_id"))


@dataclass(frozen=True, slots=True)
class VisitTimes:
    """When the engineer left for the job and finished it (``None`` where not yet known)."""

    departed_at: datetime | None
    arrived_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class HashMatch:
    """Verified evidence on another ticket whose stored pHash is close to the one looked for."""

    evidence_id: uuid.UUID
    ticket_id: uuid.UUID
    phash: int


class EvidenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, evidence: Evidence) -> Evidence:
        self.session.add(evidence)
        await self.session.flush()
        await self.session.refresh(evidence)
        return evidence

    async def get(self, evidence_id: uuid.UUID, *, for_update: bool = False) -> Evidence:
        """One row by id (locked for the rest of the transaction with ``for_update``)."""
        query = select(Evidence).where(Evidence.id == evidence_id)
        if for_update:
            query = query.with_for_update()
        found = await self.session.scalar(query)
        if found is None:
            raise NotFound("evidence", evidence_id)
        return found

    async def by_key(self, object_key: str) -> Evidence | None:
        return await self.session.scalar(select(Evidence).where(Evidence.object_key == object_key))

    async def for_ticket(self, ticket_id: uuid.UUID, statuses: Iterable[str] = LIVE) -> list[Evidence]:
        rows = await self.session.scalars(
            select(Evidence)
            .where(Evidence.ticket_id == ticket_id, Evidence.status.in_(tuple(statuses)))
            .order_by(Evidence.created_at, Evidence.id)
        )
        return list(rows)

    async def same_sha256_elsewhere(self, sha256: str, ticket_id: uuid.UUID) -> list[uuid.UUID]:
        """Verified evidence with the same SHA-256 on *other* tickets (an exact reuse)."""
        rows = await self.session.scalars(
            select(Evidence.id)
            .where(
                Evidence.sha256 == sha256,
                Evidence.status == "verified",
                Evidence.ticket_id != ticket_id,
            )
            .order_by(Evidence.created_at)
            .limit(20)
        )
        return list(rows)

    async def near_duplicates(
        self, phash: int, ticket_id: uuid.UUID, bits: int, limit: int = 20
    ) -> list[HashMatch]:
        """Verified photos on other tickets (any outlet) within ``bits`` Hamming distance.

        ``phash`` is the signed 64-bit form stored in the column; the XOR and ``bit_count`` run
        in PostgreSQL, so no hashes travel to Python.
        """
        result = await self.session.execute(
            _NEAR_DUPLICATES, {"ticket_id": ticket_id, "phash": phash, "bits": bits, "limit": limit}
        )
        return [HashMatch(row.id, row.ticket_id, int(row.phash)) for row in result]

    async def visit_times(self, ticket_id: uuid.UUID) -> VisitTimes | None:
        """The latest work order's times, or ``None`` without one (or without the tables)."""
        exists = await self.session.scalar(text("SELECT to_regclass('work_order_events') IS NOT NULL"))
        if not exists:
            return None
        row = (await self.session.execute(_VISIT, {"ticket_id": ticket_id})).first()
        if row is None:
            return None
        return VisitTimes(row.departed_at, row.arrived_at, row.completed_at)

    async def set_thumbnail(self, evidence_id: uuid.UUID, key: str) -> None:
        await self.session.execute(
            update(Evidence).where(Evidence.id == evidence_id).values(thumbnail_key=key)
        )

    async def referenced_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` a live (pending or verified) row uses, as its object or thumbnail."""
        wanted = list(keys)
        if not wanted:
            return set()
        rows = await self.session.execute(
            select(Evidence.object_key, Evidence.thumbnail_key).where(
                Evidence.status.in_(LIVE),
                (Evidence.object_key.in_(wanted)) | (Evidence.thumbnail_key.in_(wanted)),
            )
        )
        found: set[str] = set()
        for object_key, thumbnail_key in rows:
            found.add(object_key)
            if thumbnail_key:
                found.add(thumbnail_key)
        return found & set(wanted)

    async def expire_pending(self, before: datetime) -> list[Evidence]:
        """Mark ``pending`` rows whose upload URL expired before ``before`` as ``expired``."""
        rows = await self.session.scalars(
            update(Evidence)
            .where(Evidence.status == "pending", Evidence.upload_expires_at < before)
            .values(status="expired")
            .returning(Evidence)
        )
        return list(rows)
