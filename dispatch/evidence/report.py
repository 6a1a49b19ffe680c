"""The service report of one job, assembled from the database and the object store (R-FU-6, R-NW-1).

Decision (from the immutable dispatch decision), timeline (the ticket's audit trail), photos
(thumbnails of the verified images, made on the spot if the background job has not run yet),
the customer's signature and a small map of the site. Parts and the engineer's route are not
recorded yet (other issues): the report leaves those sections out until they are.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from anyio import to_thread

from dispatch.access.policy import Action, Resource, scope
from dispatch.access.principal import Principal
from dispatch.evidence.errors import ContentRejected
from dispatch.evidence.imaging import make_thumbnail
from dispatch.evidence.report_pdf import ReportPhoto, ServiceReport, TimelineRow, render_service_report
from dispatch.evidence.service import EvidenceService
from geo.coordinates import LonLat
from storage.models import DispatchDecision, Evidence, Ticket
from storage.objectstore import ObjectStoreError

_MAX_PHOTOS = 12
_EVENT_NAMES = {
    "created": "报修登记 Call recorded",
    "decided": "派工决定 Dispatch decided",
    "deadline_set": "到达时限设定 Deadline set",
    "evidence_verified": "证据已核验 Evidence verified",
    "evidence_accepted": "质检认可 Evidence accepted by QA",
    "evidence_deleted": "证据已删除 Evidence deleted",
    "evidence_complete": "证据齐全 Evidence complete",
}


def decision_summary(ticket: Ticket, decision: DispatchDecision | None) -> str:
    """One paragraph: mode, distance, deadlines and the decision's own explanation."""
    tz = ZoneInfo(ticket.timezone)
    if decision is None:
        return f"状态 Status: {ticket.status}. No dispatch decision recorded."
    lines = [
        f"方式 Mode: {decision.mode}; 距离 distance {decision.distance_km} km "
        f"(policy {decision.policy_name} v{decision.policy_version}).",
    ]
    if decision.arrival_deadline is not None:
        lines.append(f"到达时限 Arrival deadline: {decision.arrival_deadline.astimezone(tz):%Y-%m-%d %H:%M}.")
    lines.extend(str(line) for line in decision.explanation)
    lines.append(f"状态 Status: {ticket.status}.")
    return "\n".join(lines)


async def _picture(service: EvidenceService, row: Evidence, max_px: int) -> bytes | None:
    """The stored thumbnail, else one made now; ``None`` if the object cannot be read."""
    store = service.store
    try:
        if row.thumbnail_key and max_px <= 320:
            return await to_thread.run_sync(store.read, row.thumbnail_key, service.config.max_bytes)
        data = await to_thread.run_sync(store.read, row.object_key, service.config.max_bytes)
        return await to_thread.run_sync(make_thumbnail, data, max_px)
    except (ObjectStoreError, ContentRejected):
        return None


async def build_service_report(service: EvidenceService, caller: Principal, ticket_id: uuid.UUID) -> bytes:
    """The PDF bytes of the job's service report, for roles allowed to see the ticket."""
    tickets = service.tickets
    ticket = await tickets.get(ticket_id, scope(caller, Resource.REPORT, Action.READ))
    decision = await tickets.decision(ticket.decision_id) if ticket.decision_id else None
    tz = ZoneInfo(ticket.timezone)
    timeline = [
        TimelineRow(event.at.astimezone(tz), _EVENT_NAMES.get(event.kind, event.kind), event.actor)
        for event in await tickets.events(ticket.id)
    ]
    rows = await service.evidence.for_ticket(ticket.id, ("verified",))
    photos: list[ReportPhoto] = []
    signature: bytes | None = None
    for row in rows:
        if row.content_type == "application/pdf":
            continue
        if row.kind == "signature":
            signature = await _picture(service, row, 600) or signature
            continue
        if len(photos) < _MAX_PHOTOS:
            picture = await _picture(service, row, 320)
            if picture is not None:
                score = f"{row.score:.2f}" if row.score is not None else "–"
                photos.append(ReportPhoto(picture, f"{row.kind} · trust {score}"))
    report = ServiceReport(
        ticket_number=f"AS-{ticket.number:06d}",  # as the API shows it (api/schemas/tickets.py)
        customer=ticket.contact_name or "—",
        decision_summary=decision_summary(ticket, decision),
        issued_at=datetime.now(UTC).astimezone(tz),
        site_address=ticket.address or "",
        timeline=timeline,
        photos=photos,
        signature=signature,
        site=LonLat(ticket.site_lon, ticket.site_lat),
    )
    return await to_thread.run_sync(render_service_report, report)
