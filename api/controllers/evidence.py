"""Evidence: upload URLs, complete, list, QA acceptance, soft delete, service report.

``ObjectTransferController`` serves the filesystem backend's one-time upload and short-lived
download URLs; they carry their own signed token and sit under a public path (``api/auth.py``).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import anyio
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import File, Response

from api.schemas.evidence import (
    AcceptIn,
    AssessmentOut,
    CompletedOut,
    CompletenessOut,
    EvidenceIn,
    EvidenceListOut,
    EvidenceOut,
    UploadOut,
    assessment_out,
)
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput
from dispatch.evidence.report import build_service_report
from dispatch.evidence.service import EvidenceCreate, EvidenceItem, EvidenceService
from storage.objectstore import UploadMismatch

UPLOADS_PATH = "/api/v1/objects"
"""Public prefix of the filesystem backend's signed upload/download URLs."""


class EvidenceController(Controller):
    path = "/api/v1"
    tags = ["evidence"]

    @post(
        "/tickets/{ticket_id:uuid}/evidence",
        status_code=201,
        summary="Announce a photo or document and get a one-time upload URL",
    )
    async def create(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[EvidenceIn],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
    ) -> UploadOut:
        row, target = await evidence.create(
            caller,
            ticket_id,
            EvidenceCreate(
                kind=data.kind,
                filename=data.filename,
                content_type=data.content_type,
                size=data.size,
                sha256=data.sha256,
                source=data.source,
                taken_at=data.taken_at,
                lon=data.lon,
                lat=data.lat,
                crs=data.crs,
            ),
        )
        return UploadOut.of(row, target)

    @get("/tickets/{ticket_id:uuid}/evidence", summary="A ticket's evidence with short-lived download URLs")
    async def list_evidence(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
    ) -> EvidenceListOut:
        return EvidenceListOut([EvidenceOut.of(item) for item in await evidence.list(caller, ticket_id)])

    @get(
        "/tickets/{ticket_id:uuid}/evidence/completeness",
        summary="Are the required kinds present and trusted (or accepted by QA)?",
    )
    async def completeness(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
    ) -> CompletenessOut:
        verdict = await evidence.completeness(caller, ticket_id)
        return CompletenessOut.of(verdict, evidence.config.required_kinds, evidence.config.policy.threshold)

    @post(
        "/tickets/{ticket_id:uuid}/evidence/sign-off",
        status_code=200,
        summary='Close the job\'s evidence as "complete" (409 while it is not)',
    )
    async def sign_off(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
    ) -> CompletenessOut:
        verdict = await evidence.sign_off(caller, ticket_id)
        return CompletenessOut.of(verdict, evidence.config.required_kinds, evidence.config.policy.threshold)

    @get(
        "/tickets/{ticket_id:uuid}/report.pdf",
        media_type="application/pdf",
        summary="Service report (PDF): decision, timeline, photos, signature, map",
    )
    async def report(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
    ) -> Response[bytes]:
        pdf = await build_service_report(evidence, caller, ticket_id)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="service-report-{ticket_id}.pdf"'},
        )

    @post(
        "/evidence/{evidence_id:uuid}/complete",
        status_code=200,
        summary="Check the uploaded object and assess trust; a job worker makes the thumbnail afterwards",
    )
    async def complete(
        self,
        evidence_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
    ) -> Response[CompletedOut]:
        done = await evidence.complete(caller, evidence_id)
        assessment = assessment_out(done.evidence) or AssessmentOut(0.0, [], {})
        body = CompletedOut(done.evidence.id, done.evidence.status, assessment)
        return Response(body, status_code=200)

    @post(
        "/evidence/{evidence_id:uuid}/accept",
        status_code=200,
        summary="QA accepts a doubtful item, with a reason",
    )
    async def accept(
        self,
        evidence_id: FromPath[uuid.UUID],
        data: JSONBody[AcceptIn],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
    ) -> EvidenceOut:
        row = await evidence.accept(caller, evidence_id, data.reason)
        return EvidenceOut.of(EvidenceItem(row, None))

    @delete(
        "/evidence/{evidence_id:uuid}",
        status_code=200,
        summary="Soft-delete an item (audited; the object is kept in the store's trash)",
    )
    async def remove(
        self,
        evidence_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        evidence: NamedDependency[EvidenceService],
        reason: FromQuery[str | None] = None,
    ) -> EvidenceOut:
        if reason is None or not reason.strip():
            raise InvalidInput("reason", "reason is required: DELETE /api/v1/evidence/{id}?reason=…")
        row = await evidence.delete(caller, evidence_id, reason)
        return EvidenceOut.of(EvidenceItem(row, None))


class ObjectTransferController(Controller):
    """The filesystem backend's signed URLs (no bearer token: the URL's token is the grant)."""

    path = UPLOADS_PATH
    tags = ["evidence"]

    @put(
        "/uploads/{token:str}",
        status_code=200,
        request_max_body_size=None,
        summary="One-time upload of an evidence file (filesystem backend)",
    )
    async def upload(
        self,
        token: FromPath[str],
        request: Request[Any, Any, Any],
        evidence: NamedDependency[EvidenceService],
    ) -> dict[str, Any]:
        """The token (and the declared length and type) are checked before the body is read; the
        body then goes to disk chunk by chunk, never more than the granted size (R-NW-1)."""
        grant = evidence.check_upload(
            token, declared_length(request.headers.get("content-length")), request.headers.get("content-type")
        )
        path = evidence.upload_file()
        try:
            await stream_to_file(request, path, grant.size)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        info = await evidence.accept_upload_file(grant, path)
        return {"size": info.size, "etag": info.etag}

    @get("/downloads/{token:str}", summary="Short-lived download of an evidence file (filesystem backend)")
    async def download(
        self,
        token: FromPath[str],
        evidence: NamedDependency[EvidenceService],
    ) -> File:
        path, info = evidence.open_download(token)
        return File(
            path=path,
            media_type=info.content_type,
            content_disposition_type="inline",
            headers={"Cache-Control": "private, max-age=60"},
        )


def declared_length(header: str | None) -> int | None:
    """The request's Content-Length (None when the body is chunked); a bad one is a 400."""
    if header is None:
        return None
    try:
        length = int(header)
    except ValueError:
        raise InvalidInput("content-length", "must be the body's size in bytes") from None
    if length < 0:
        raise InvalidInput("content-length", "must be the body's size in bytes")
    return length


async def stream_to_file(request: Request[Any, Any, Any], path: Path, limit: int) -> None:
    """Write the body to ``path`` as it arrives; more than ``limit`` bytes stops at once."""
    received = 0
    async with await anyio.open_file(path, "wb") as out:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise UploadMismatch("size", limit, f"more than {limit}")
            await out.write(chunk)
