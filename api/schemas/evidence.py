"""Request and response shapes for evidence (R-NW-1, R-NW-2)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from dispatch.evidence.completeness import Completeness
from dispatch.evidence.service import EvidenceItem
from storage.models import Evidence
from storage.objectstore import UploadTarget

Kind = Literal["before", "after", "fault", "part", "nameplate", "signature", "notice"]
Sha256 = Annotated[str, msgspec.Meta(pattern="^[0-9a-fA-F]{64}$", description="hex SHA-256 of the file")]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class EvidenceIn(msgspec.Struct, forbid_unknown_fields=True):
    """What the phone announces before it uploads (step 1)."""

    kind: Kind
    filename: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    content_type: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    size: Annotated[int, msgspec.Meta(gt=0)]
    sha256: Sha256
    source: Literal["camera", "gallery"]
    taken_at: datetime | None = None
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    crs: str | None = None


class UploadOut(msgspec.Struct):
    """Where to upload: send ``method`` to ``upload_url`` with exactly these ``headers``."""

    evidence_id: uuid.UUID
    upload_url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime

    @classmethod
    def of(cls, row: Evidence, target: UploadTarget) -> UploadOut:
        return cls(row.id, target.url, target.method, dict(target.headers), target.expires_at)


class AssessmentOut(msgspec.Struct):
    """Trust score in [0, 1] and the reason codes that lowered it (``details``: the numbers)."""

    score: float
    reasons: list[str]
    details: dict[str, Any]


class CompletedOut(msgspec.Struct):
    id: uuid.UUID
    status: str
    assessment: AssessmentOut


class QaAcceptanceOut(msgspec.Struct):
    by: str
    reason: str
    at: datetime


class EvidenceOut(msgspec.Struct):
    id: uuid.UUID
    ticket_id: uuid.UUID
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    source: str
    status: str
    created_at: datetime
    created_by: str
    taken_at: datetime | None = None
    completed_at: datetime | None = None
    assessment: AssessmentOut | None = None
    qa_acceptance: QaAcceptanceOut | None = None
    download_url: str | None = None
    thumbnail_url: str | None = None
    urls_expire_at: datetime | None = None

    @classmethod
    def of(cls, item: EvidenceItem) -> EvidenceOut:
        row, links = item.evidence, item.links
        return cls(
            id=row.id,
            ticket_id=row.ticket_id,
            kind=row.kind,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            source=row.source,
            status=row.status,
            created_at=row.created_at,
            created_by=row.created_by,
            taken_at=row.app_taken_at,
            completed_at=row.completed_at,
            assessment=assessment_out(row),
            qa_acceptance=(
                QaAcceptanceOut(row.qa_accepted_by, row.qa_reason or "", row.qa_accepted_at)
                if row.qa_accepted_by and row.qa_accepted_at
                else None
            ),
            download_url=links.download_url if links else None,
            thumbnail_url=links.thumbnail_url if links else None,
            urls_expire_at=links.expires_at if links else None,
        )


def assessment_out(row: Evidence) -> AssessmentOut | None:
    if row.score is None:
        return None
    return AssessmentOut(row.score, list(row.reasons or []), dict(row.details or {}))


class EvidenceListOut(msgspec.Struct):
    items: list[EvidenceOut]


class AcceptIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class CompletenessOut(msgspec.Struct):
    """Whether the job is "evidence complete": required kinds present and trusted (or QA-accepted)."""

    complete: bool
    required_kinds: list[str]
    threshold: float
    missing: list[str]
    below_threshold: list[str]

    @classmethod
    def of(cls, verdict: Completeness, required: tuple[str, ...], threshold: float) -> CompletenessOut:
        return cls(
            verdict.complete, list(required), threshold, list(verdict.missing), list(verdict.below_threshold)
        )
