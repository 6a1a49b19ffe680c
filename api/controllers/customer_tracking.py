"""The customer tracking page: links, the public JSON, its live stream and the page.

``/track/{token}`` (page) and ``/api/v1/track/{token}…`` (JSON, SSE, report) need no login: the
token is the credential. An unknown or expired token is a 404 that says nothing else (R-TR-4).
The OsmAnd/OwnTracks ingest lives under ``/track/osmand/…`` and ``/track/owntracks…`` (two path
segments or a fixed word); tokens are one segment of random characters, so routes never collide.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api.controllers.console import CONSOLE_SRC, HTML, NO_STORE
from api.controllers.live import parse_last_event_id
from api.live_stream import Delivery, live_stream
from api.schemas.customer_tracking import CustomerTrackOut, TrackingLinkIn, TrackingLinkOut
from dispatch.access.principal import Principal
from dispatch.customer_tracking.errors import UnknownTrackingLink
from dispatch.customer_tracking.links import ResolvedLink, TrackingService
from dispatch.customer_tracking.live import concerns
from dispatch.customer_tracking.reads import TrackingReads
from dispatch.evidence.report import build_service_report
from dispatch.evidence.service import EvidenceService
from dispatch.live.journal import Journal
from dispatch.live.service import LiveMessage

GONE_PAGE = (
    b'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
    b'content="width=device-width,initial-scale=1"><title>404</title></head>'
    b"<body><p>\xe9\x93\xbe\xe6\x8e\xa5\xe6\x97\xa0\xe6\x95\x88\xe6\x88\x96\xe5\xb7\xb2\xe8\xbf\x87\xe6\x9c\x9f"
    b" / This link is unknown or has expired.</p></body></html>"
)
CACHED_VIEWS = 256


def now() -> datetime:
    return datetime.now(UTC)


def encode(view: ResolvedLink, token: str) -> str:
    return msgspec.json.encode(CustomerTrackOut.of(view.view, token)).decode()


class ViewCache:
    """One computation per (link, journal event) in this process, shared by all its subscribers."""

    def __init__(self, reads: TrackingReads) -> None:
        self.reads = reads
        self.tasks: OrderedDict[tuple[str, int], asyncio.Task[ResolvedLink | None]] = OrderedDict()

    async def _compute(self, token: str) -> ResolvedLink | None:
        try:
            return await self.reads.resolve(token)
        except UnknownTrackingLink:
            return None

    async def view(self, token: str, event_id: int) -> ResolvedLink | None:
        key = (token, event_id)
        task = self.tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._compute(token))
            self.tasks[key] = task
            while len(self.tasks) > CACHED_VIEWS:
                self.tasks.popitem(last=False)
        return await asyncio.shield(task)


@dataclass
class TrackFollower:
    """The tracking page's stream: the page's JSON again whenever a change that concerns it
    (``dispatch.customer_tracking.live.concerns``) changes what it shows (R-TR-2, R-TR-5)."""

    cache: ViewCache
    token: str
    current: ResolvedLink
    sent: str
    hello: str = "aftersales track"

    async def opening(
        self, journal: Journal, last_id: int | None
    ) -> tuple[list[ServerSentEventMessage], int]:
        """A fresh page gets the snapshot; a reconnect gets it only if something concerning
        happened after its ``Last-Event-ID``."""
        head = await journal.head()
        if last_id is None:
            return [self._snapshot(head)], head
        found = [m.id for m in await journal.after(last_id) if self.wants(m)]
        return ([self._snapshot(max(found))] if found else []), head

    def _snapshot(self, event_id: int) -> ServerSentEventMessage:
        return ServerSentEventMessage(data=self.sent, event="track", id=event_id)

    def wants(self, event: LiveMessage) -> bool:
        return concerns(event, self.current)

    async def deliver(self, event: LiveMessage) -> Delivery:
        fresh = await self.cache.view(self.token, event.id)
        if fresh is None:  # expired while watched: say so once and stop
            return Delivery(
                [ServerSentEventMessage(data='{"state":"expired"}', event="gone", id=event.id)], False
            )
        self.current, text = fresh, encode(fresh, self.token)
        if text == self.sent:
            return Delivery()
        self.sent = text
        return Delivery([self._snapshot(event.id)])


class TicketTrackingLinkController(Controller):
    path = "/api/v1/tickets"
    tags = ["tracking page"]

    @post("/{ticket_id:uuid}/tracking-links", status_code=201, summary="A customer tracking link (R-TR-1)")
    async def create(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        tracking: NamedDependency[TrackingService],
        data: JSONBody[TrackingLinkIn | None] = None,
    ) -> TrackingLinkOut:
        hours = data.hours_after_completion if data is not None else None
        return TrackingLinkOut.of(await tracking.issue(caller, ticket_id, hours, now()))


class TrackingLinkController(Controller):
    path = "/api/v1/tracking-links"
    tags = ["tracking page"]

    @delete("/{link_id:uuid}", status_code=204, summary="Revoke a tracking link (it then answers 404)")
    async def revoke(
        self,
        link_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        tracking: NamedDependency[TrackingService],
    ) -> None:
        await tracking.revoke(caller, link_id, now())


class TrackController(Controller):
    path = "/api/v1/track"
    tags = ["tracking page"]

    @get("/{token:str}", summary="What the customer's link shows, as JSON (no login; R-TR-2/3)")
    async def show(
        self, token: FromPath[str], tracking_reads: NamedDependency[TrackingReads]
    ) -> CustomerTrackOut:
        found = await tracking_reads.resolve(token)
        return CustomerTrackOut.of(found.view, token)

    @get("/{token:str}/events", summary="The same JSON pushed on every change (SSE; Last-Event-ID resumes)")
    async def events(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        channels: NamedDependency[ChannelsPlugin],
        journal: NamedDependency[Journal],
        track_views: NamedDependency[ViewCache],
        last_event_id: FromQuery[str | None] = None,
    ) -> ServerSentEvent:
        resume_from = parse_last_event_id(request.headers.get("last-event-id"), last_event_id)
        first = await track_views.reads.resolve(token)  # short: no connection held while streaming
        follower = TrackFollower(track_views, token, first, encode(first, token))
        return ServerSentEvent(
            live_stream(channels, journal, follower, resume_from),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @get("/{token:str}/report.pdf", media_type="application/pdf", summary="Service report, once completed")
    async def report(
        self,
        token: FromPath[str],
        tracking_reads: NamedDependency[TrackingReads],
        evidence: NamedDependency[EvidenceService],
    ) -> Response[bytes]:
        found = await tracking_reads.resolve(token)
        if not found.view.completed:
            raise UnknownTrackingLink
        pdf = await build_service_report(evidence, found.report_reader(), found.ticket_id)
        return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


class TrackPageController(Controller):
    path = "/track"
    include_in_schema = False

    @get("/{token:str}", summary="The customer's tracking page (mobile-first, no login)")
    async def page(
        self, token: FromPath[str], tracking_reads: NamedDependency[TrackingReads]
    ) -> Response[bytes]:
        try:
            await tracking_reads.resolve(token)
        except UnknownTrackingLink:
            return Response(GONE_PAGE, media_type=HTML, headers=NO_STORE, status_code=404)
        return Response((CONSOLE_SRC / "track.html").read_bytes(), media_type=HTML, headers=NO_STORE)
