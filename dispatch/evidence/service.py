"""Evidence through its life: upload URL → upload → complete (verify + assess) → list, accept,
delete (R-NW-1, R-NW-2).

The service orchestrates load → check → decide → save around the pure functions of this
package; it never commits (the HTTP layer does) and never holds photo bytes in S3 mode except
while ``complete`` checks them. Object store calls are blocking (the minio SDK) and the checks
are CPU-bound, so both run in worker threads. Rows say ``verified`` only after every check
passed: a failed ``complete`` raises, the transaction rolls back, the row stays ``pending``
(claims nothing) and the stray object is left for ``cleanup.remove_orphans``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath, PureWindowsPath

from anyio import to_thread

from dispatch.access.policy import Action, Resource, scope
from dispatch.access.principal import Principal, Role
from dispatch.errors import InvalidInput, StateConflict
from dispatch.evidence.completeness import Completeness, EvidenceItemState, evidence_complete
from dispatch.evidence.content import ALLOWED_TYPES
from dispatch.evidence.errors import ContentRejected, EvidenceIncomplete, EvidenceNotUploaded
from dispatch.evidence.imaging import from_signed64, to_signed64
from dispatch.evidence.inspection import Inspection, inspect_upload
from dispatch.evidence.policy import TrustPolicy
from dispatch.evidence.thumbnails import EVIDENCE_QUEUE, THUMBNAIL_TASK
from dispatch.evidence.trust import (
    Assessment,
    EvidenceFacts,
    HashNeighbour,
    ReportedPosition,
    Source,
    VisitWindow,
    assess,
)
from geo.coordinates import LonLat
from geo.datums import Datum
from storage.errors import NotFound
from storage.job_queue import JobQueue
from storage.models import Evidence, Ticket
from storage.objectstore import (
    FilesystemObjectStore,
    ObjectInfo,
    ObjectStore,
    UploadGrant,
    UploadTarget,
    new_evidence_key,
)
from storage.repositories.evidence import EvidenceRepository
from storage.repositories.tickets import TicketRepository

#: Roles that may only complete what they themselves announced.
_OWN_ONLY = (Role.OUTLET, Role.ENGINEER)
_EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".heic": "image/heic",
    ".heif": "image/heic",
    ".pdf": "application/pdf",
}


@dataclass(frozen=True, slots=True)
class EvidenceConfig:
    """The evidence settings the service needs (built from ``api.settings`` by the app)."""

    max_bytes: int = 20 * 1024 * 1024
    upload_ttl: timedelta = timedelta(minutes=15)
    download_ttl: timedelta = timedelta(minutes=5)
    policy: TrustPolicy = field(default_factory=TrustPolicy)
    required_kinds: tuple[str, ...] = ("before", "after", "notice")


@dataclass(frozen=True, slots=True)
class EvidenceCreate:
    """What the phone announces before uploading (``lon``/``lat`` in ``crs``)."""

    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    source: Source
    taken_at: datetime | None = None
    lon: float | None = None
    lat: float | None = None
    crs: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceLinks:
    """Short-lived URLs for one verified item."""

    download_url: str
    thumbnail_url: str | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    evidence: Evidence
    links: EvidenceLinks | None


@dataclass(frozen=True, slots=True)
class Completed:
    """A verified item, and the id of its thumbnail job (images only)."""

    evidence: Evidence
    thumbnail_job: int | None


def _clean_filename(name: str) -> str:
    """The last path segment of a user's file name (display only: keys never use it)."""
    base = PureWindowsPath(PurePosixPath(name).name).name.strip()
    if not base or base in {".", ".."}:
        raise InvalidInput("filename", "filename must name a file")
    return base[:255]


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput(name, f"{name} needs a UTC offset, e.g. 2026-11-23T09:30:00+08:00")
    return value


class EvidenceService:
    def __init__(
        self,
        evidence: EvidenceRepository,
        tickets: TicketRepository,
        store: ObjectStore,
        config: EvidenceConfig,
        jobs: JobQueue,
        clock: Callable[[], datetime],
    ) -> None:
        self.evidence = evidence
        self.tickets = tickets
        self.store = store
        self.config = config
        self.jobs = jobs
        """Work after the answer (thumbnails), deferred in the same transaction."""
        self.clock = clock

    # -- access --------------------------------------------------------------------------------
    async def _ticket(
        self, caller: Principal, ticket_id: uuid.UUID, resource: Resource, action: Action
    ) -> Ticket:
        """The ticket if the access table lets the caller reach it (else it does not exist)."""
        return await self.tickets.get(ticket_id, scope(caller, resource, action))

    async def _visible(
        self, caller: Principal, evidence_id: uuid.UUID, action: Action, lock: bool = False
    ) -> Evidence:
        rows = scope(caller, Resource.EVIDENCE, action)
        evidence = await self.evidence.get(evidence_id, for_update=lock)
        try:
            await self.tickets.get(evidence.ticket_id, rows)
        except NotFound:
            raise NotFound("evidence", evidence_id) from None
        return evidence

    # -- step 1: the upload URL ------------------------------------------------------------------
    async def create(
        self, caller: Principal, ticket_id: uuid.UUID, data: EvidenceCreate
    ) -> tuple[Evidence, UploadTarget]:
        """Record a pending item and hand out where to upload it (R-NW-1)."""
        ticket = await self._ticket(caller, ticket_id, Resource.EVIDENCE, Action.CREATE)
        if data.content_type not in ALLOWED_TYPES:
            allowed = ", ".join(sorted(ALLOWED_TYPES))
            raise InvalidInput("content_type", f"{data.content_type!r} is not accepted; use one of {allowed}")
        if not 0 < data.size <= self.config.max_bytes:
            raise InvalidInput("size", f"size must be 1 … {self.config.max_bytes} bytes, got {data.size}")
        filename = _clean_filename(data.filename)
        implied = _EXTENSIONS.get(PurePosixPath(filename).suffix.lower())
        if implied is not None and implied != data.content_type:
            raise InvalidInput("filename", f"{filename!r} looks like {implied}, not {data.content_type}")
        if (data.lon is None) != (data.lat is None):
            raise InvalidInput("lon" if data.lon is None else "lat", "send both lon and lat, or neither")
        crs = Datum.parse(data.crs or "WGS84", "crs") if data.lon is not None else None
        key = new_evidence_key(ticket.id)
        target = await to_thread.run_sync(
            self.store.presign_put, key, data.content_type, data.size, self.config.upload_ttl
        )
        row = await self.evidence.add(
            Evidence(
                ticket_id=ticket.id,
                kind=data.kind,
                filename=filename,
                content_type=data.content_type,
                size=data.size,
                sha256=data.sha256.lower(),
                source=data.source,
                status="pending",
                object_key=key,
                app_taken_at=_aware(data.taken_at, "taken_at"),
                app_lon=data.lon,
                app_lat=data.lat,
                app_crs=crs.value if crs else None,
                created_by=caller.label,
                upload_expires_at=target.expires_at,
            )
        )
        return row, target

    # -- step 2 (filesystem backend only): the one-time upload URL on the API ---------------------
    def _filesystem(self) -> FilesystemObjectStore:
        if not isinstance(self.store, FilesystemObjectStore):
            raise NotFound("upload URL", "(S3 mode: upload to the presigned URL)")
        return self.store

    async def accept_upload(self, token: str, data: bytes, content_type: str | None) -> ObjectInfo:
        """Store the body of a one-time upload (the store refuses a second use of the URL)."""
        store = self._filesystem()
        return await to_thread.run_sync(store.accept_upload, token, data, content_type)

    def check_upload(self, token: str, size: int | None, content_type: str | None) -> UploadGrant:
        """The upload URL's grant, checked before its body is read (``size``: Content-Length)."""
        return self._filesystem().verify_upload(token, size, content_type)

    def upload_file(self) -> Path:
        return self._filesystem().upload_file()

    async def accept_upload_file(self, grant: UploadGrant, path: Path) -> ObjectInfo:
        """Store the body streamed into ``path`` under the grant's key (once)."""
        store = self._filesystem()
        return await to_thread.run_sync(store.accept_upload_file, grant, path)

    def open_download(self, token: str) -> tuple[Path, ObjectInfo]:
        return self._filesystem().open_download(token)

    # -- step 3: complete ------------------------------------------------------------------------
    async def complete(self, caller: Principal, evidence_id: uuid.UUID) -> Completed:
        """Check the stored object and assess it; only then is the row ``verified``."""
        row = await self._visible(caller, evidence_id, Action.UPDATE, lock=True)
        if caller.role in _OWN_ONLY and row.created_by != caller.label:
            raise NotFound("evidence", evidence_id)
        if row.status != "pending":
            raise StateConflict(f"evidence {evidence_id} is already {row.status}")
        ticket = await self.tickets.get(row.ticket_id)
        info = await to_thread.run_sync(self.store.stat, row.object_key)
        if info is None:
            raise EvidenceNotUploaded(evidence_id)
        if info.size != row.size:
            raise ContentRejected("size_mismatch", f"announced {row.size} B, stored {info.size} B")
        # verify the frozen copy and keep it: a later write to the upload key changes nothing
        sealed = await to_thread.run_sync(self.store.seal, row.object_key)
        if sealed.size != row.size:
            raise ContentRejected("size_mismatch", f"announced {row.size} B, stored {sealed.size} B")
        row.object_key = sealed.key
        data = await to_thread.run_sync(self.store.read, row.object_key, self.config.max_bytes)
        inspection = await to_thread.run_sync(_inspect, data, row.content_type, row.size, row.sha256)
        assessment = await self._assess(row, ticket, inspection)
        self._record(row, inspection, assessment)
        await self.tickets.record(
            ticket.id,
            caller.label,
            "evidence_verified",
            {
                "evidence_id": str(row.id),
                "kind": row.kind,
                "score": assessment.score,
                "reasons": list(assessment.reasons),
            },
        )
        await self.evidence.session.flush()
        job = None
        if inspection.is_image:
            job = await self.jobs.defer(THUMBNAIL_TASK, {"evidence_id": str(row.id)}, queue=EVIDENCE_QUEUE)
        return Completed(row, job)

    async def _assess(self, row: Evidence, ticket: Ticket, inspection: Inspection) -> Assessment:
        policy = self.config.policy
        same = await self.evidence.same_sha256_elsewhere(inspection.sha256, ticket.id)
        neighbours: list[HashNeighbour] = []
        if inspection.phash is not None:
            matches = await self.evidence.near_duplicates(
                to_signed64(inspection.phash), ticket.id, policy.near_duplicate_bits
            )
            neighbours = [
                HashNeighbour(str(m.evidence_id), str(m.ticket_id), from_signed64(m.phash)) for m in matches
            ]
        app_position = None
        if row.app_lon is not None and row.app_lat is not None:
            app_position = ReportedPosition(row.app_lon, row.app_lat, Datum(row.app_crs or "WGS84"))
        facts = EvidenceFacts(
            site=LonLat(ticket.site_lon, ticket.site_lat),
            visit=await self.visit_window(ticket),
            source="gallery" if row.source == "gallery" else "camera",
            is_image=inspection.is_image,
            exif=inspection.exif,
            app_position=app_position,
            app_taken_at=row.app_taken_at,
            sla_deadline=ticket.arrival_deadline,
            site_timezone=ticket.timezone,
            phash=inspection.phash,
            same_sha256_elsewhere=tuple(str(i) for i in same),
            hash_neighbours=tuple(neighbours),
        )
        return assess(facts, policy)

    async def visit_window(self, ticket: Ticket) -> VisitWindow:
        """When the photos should have been taken: the work order's departure … completion.

        Without a work order (or before departure) the ticket's report time stands in for the
        start, and "now" for an unfinished visit's end.
        """
        now = self.clock()
        times = await self.evidence.visit_times(ticket.id)
        start = (times.departed_at or times.arrived_at) if times else None
        end = times.completed_at if times else None
        start = start or ticket.reported_at
        end = end or now
        return VisitWindow(min(start, end), end)

    def _record(self, row: Evidence, inspection: Inspection, assessment: Assessment) -> None:
        row.status = "verified"
        row.completed_at = self.clock()
        row.phash = to_signed64(inspection.phash) if inspection.phash is not None else None
        row.width, row.height = inspection.content.width, inspection.content.height
        row.pages = inspection.content.pages
        row.exif = inspection.exif.as_dict() if inspection.is_image else None
        row.score = assessment.score
        row.reasons = list(assessment.reasons)
        row.details = dict(assessment.details)

    # -- reading -----------------------------------------------------------------------------------
    async def list(self, caller: Principal, ticket_id: uuid.UUID) -> list[EvidenceItem]:
        """A ticket's live evidence, with short-lived download URLs for the verified items."""
        ticket = await self._ticket(caller, ticket_id, Resource.EVIDENCE, Action.LIST)
        rows = await self.evidence.for_ticket(ticket.id)
        return [EvidenceItem(row, await self._links(row)) for row in rows]

    async def _links(self, row: Evidence) -> EvidenceLinks | None:
        if row.status != "verified":
            return None
        ttl = self.config.download_ttl
        url = await to_thread.run_sync(self.store.presign_get, row.object_key, ttl)
        thumb = None
        if row.thumbnail_key:
            thumb = await to_thread.run_sync(self.store.presign_get, row.thumbnail_key, ttl)
        return EvidenceLinks(url, thumb, self.clock() + ttl)

    # -- QA, deletion, completeness -------------------------------------------------------------
    async def accept(self, caller: Principal, evidence_id: uuid.UUID, reason: str) -> Evidence:
        """A QA user vouches for a doubtful item, with a reason (R-NW-1 policy override)."""
        row = await self._visible(caller, evidence_id, Action.DECIDE, lock=True)
        if row.status != "verified":
            raise StateConflict(
                f"evidence {evidence_id} is {row.status}: only verified items can be accepted"
            )
        if not reason.strip():
            raise InvalidInput("reason", "reason is required: say why this evidence is acceptable")
        row.qa_accepted_by, row.qa_reason, row.qa_accepted_at = caller.label, reason.strip(), self.clock()
        await self.tickets.record(
            row.ticket_id,
            caller.label,
            "evidence_accepted",
            {"evidence_id": str(row.id), "score": row.score, "reason": reason.strip()},
        )
        await self.evidence.session.flush()
        return row

    async def delete(self, caller: Principal, evidence_id: uuid.UUID, reason: str) -> Evidence:
        """Soft delete: the row says who and why, the object moves to the store's trash."""
        rows = scope(caller, Resource.EVIDENCE, Action.DELETE)  # before looking at the input
        if not reason.strip():
            raise InvalidInput("reason", "reason is required: say why this evidence is removed")
        row = await self._visible(caller, evidence_id, Action.DELETE, lock=True)
        del rows
        if row.status not in ("pending", "verified"):
            raise StateConflict(f"evidence {evidence_id} is already {row.status}")
        now = self.clock()
        row.status, row.deleted_by, row.deleted_reason, row.deleted_at = (
            "deleted",
            caller.label,
            reason.strip(),
            now,
        )
        moved: list[dict[str, str]] = []
        trail: dict[str, object] = {"evidence_id": str(row.id), "reason": reason.strip(), "moved": moved}
        await self.evidence.session.flush()  # the row first: a failed move then rolls it back
        for key in filter(None, (row.object_key, row.thumbnail_key)):
            if await to_thread.run_sync(self.store.stat, key) is None:
                continue
            record = await to_thread.run_sync(self.store.soft_delete, key, caller.label, reason.strip())
            moved.append({"key": record.key, "trash_key": record.trash_key, "etag": record.etag})
        await self.tickets.record(row.ticket_id, caller.label, "evidence_deleted", trail)
        return row

    async def completeness(self, caller: Principal, ticket_id: uuid.UUID) -> Completeness:
        ticket = await self._ticket(caller, ticket_id, Resource.EVIDENCE, Action.READ)
        return await self._completeness(ticket)

    async def _completeness(self, ticket: Ticket) -> Completeness:
        rows = await self.evidence.for_ticket(ticket.id, ("verified",))
        items = [EvidenceItemState(r.kind, r.score, r.qa_accepted_by is not None) for r in rows]
        return evidence_complete(items, self.config.required_kinds, self.config.policy.threshold)

    async def sign_off(self, caller: Principal, ticket_id: uuid.UUID) -> Completeness:
        """Close the job's evidence as complete (the gate for outlet warranty jobs)."""
        ticket = await self._ticket(caller, ticket_id, Resource.EVIDENCE_SIGN_OFF, Action.CREATE)
        verdict = await self._completeness(ticket)
        if not verdict.complete:
            raise EvidenceIncomplete(verdict.missing, verdict.below_threshold)
        await self.tickets.record(ticket.id, caller.label, "evidence_complete", verdict.as_dict())
        return verdict


def _inspect(data: bytes, content_type: str, size: int, sha256: str) -> Inspection:
    return inspect_upload(data, content_type, expected_size=size, expected_sha256=sha256)
