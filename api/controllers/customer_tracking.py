"""The customer tracking page: links, the public JSON, its live stream and the page.

``/track/{token}`` (page) and ``/api/v1/track/{token}…`` (JSON, SSE, report) need no login: the
token is the credential. An unknown or expired token is a 404 that says nothing else (R-TR-4).
The OsmAnd/OwnTracks ingest lives under ``/track/osmand/…`` and ``/track/owntracks…`` (two path
segments or a fixed word); tokens are one segment of random characters, so routes never collide.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import OrderedDict
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

import anyio
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.channels import ChannelsPlugin
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.controllers.console import CONSOLE_SRC, HTML, NO_STORE
from api.controllers.live import KEEPALIVE_S, RETRY_MS, parse_last_event_id
from api.schemas.customer_tracking import TrackingLinkIn, TrackingLinkOut, TrackOut
from dispatch.access.principal import Principal
from dispatch.customer_tracking.errors import UnknownTrackingLink
from dispatch.customer_tracking.links import ResolvedLink, TrackingService
from dispatch.evidence.report import build_service_report
from dispatch.evidence.service import EvidenceService
from dispatch.live.service import CHANNEL, LiveMessage, from_row, parse_notification
from geo.traveltime import GeodesicTravelModel
from storage.repositories.customer_tracking import TrackingLinkRepository
from storage.repositories.live import LiveEventRepository

MODEL = GeodesicTravelModel()
GONE_PAGE = (
    b'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
    b'content="width=device-width,initial-scale=1"><title>404</title></head>'
    b"<body><p>\xe9\x93\xbe\xe6\x8e\xa5\xe6\x97\xa0\xe6\x95\x88\xe6\x88\x96\xe5\xb7\xb2\xe8\xbf\x87\xe6\x9c\x9f"
    b" / This link is unknown or has expired.</p></body></html>"
)
CACHED_VIEWS = 256


def now() -> datetime:
    return datetime.now(UTC)


def service(session: AsyncSession, state: State) -> TrackingService:
    return TrackingService(TrackingLinkRepository(session), MODEL, state.settings.public_url)


def provide_tracking_service(db_session: NamedDependency[AsyncSession], state: State) -> TrackingService:
    return service(db_session, state)


def encode(view: ResolvedLink, token: str) -> str:
    return msgspec.json.encode(TrackOut.of(view.view, token)).decode()


class ViewCache:
    """One computation per (link, journal event) in this process, shared by all its subscribers."""

    def __init__(self, engine: AsyncEngine, state: State) -> None:
        self.engine = engine
        self.state = state
        self.tasks: OrderedDict[tuple[str, int], asyncio.Task[ResolvedLink | None]] = OrderedDict()

    async def _compute(self, token: str) -> ResolvedLink | None:
        async with AsyncSession(self.engine) as session:
            try:
                return await service(session, self.state).resolve(token, now())
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


def view_cache(state: State) -> ViewCache:
    cache: ViewCache | None = state.get("track_views")
    if cache is None:
        cache = ViewCache(state.db_config.get_engine(), state)
        state.track_views = cache
    return cache


def concerns(event: LiveMessage, current: ResolvedLink) -> bool:
    """Does this change touch the page: its ticket, its work orders, its engineer's position/jobs."""
    ticket, technician = str(current.ticket_id), current.view.technician_id
    if event.topic == "tickets":
        return str(event.subject) == ticket
    if event.topic == "work_orders":
        return event.data.get("ticket_id") == ticket or (
            technician is not None and event.data.get("technician_id") == str(technician)
        )
    return event.topic == "positions" and technician is not None and event.subject == technician


async def _changed_since(engine: AsyncEngine, current: ResolvedLink, last_id: int) -> int | None:
    """The newest journalled change after ``last_id`` that concerns the page (None: up to date)."""
    async with AsyncSession(engine) as session:
        rows = await LiveEventRepository(session).after(last_id, 1000)
    found = [m.id for m in (from_row(r) for r in rows) if concerns(m, current)]
    return max(found) if found else None


async def _stream(
    channels: ChannelsPlugin, cache: ViewCache, token: str, first: ResolvedLink, last_id: int | None
) -> AsyncGenerator[ServerSentEventMessage, None]:
    queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)
    subscriber = await channels.subscribe([CHANNEL])  # before reading anything: no gap

    async def pump() -> None:
        async for payload in subscriber.iter_events():
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    pumping = asyncio.create_task(pump())
    try:
        current, sent = first, encode(first, token)
        yield ServerSentEventMessage(comment="aftersales track", retry=RETRY_MS, event="hello", data="{}")
        async with AsyncSession(cache.engine) as session:
            head = await LiveEventRepository(session).last_id()
        if last_id is None:
            yield ServerSentEventMessage(data=sent, event="track", id=head)
        else:
            newer = await _changed_since(cache.engine, current, last_id)
            if newer is not None:
                yield ServerSentEventMessage(data=sent, event="track", id=newer)
        while True:
            try:
                payload = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except TimeoutError:
                yield ServerSentEventMessage(comment="keepalive")
                continue
            event = parse_notification(payload)
            if event.id <= head or not concerns(event, current):
                continue
            fresh = await cache.view(token, event.id)
            if fresh is None:  # expired while watched: say so once and stop
                yield ServerSentEventMessage(data='{"state":"expired"}', event="gone", id=event.id)
                return
            current, text = fresh, encode(fresh, token)
            if text != sent:
                sent = text
                yield ServerSentEventMessage(data=text, event="track", id=event.id)
    finally:
        pumping.cancel()
        with anyio.CancelScope(shield=True):
            await channels.unsubscribe(subscriber)


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


class TrackController(Controller):
    path = "/api/v1/track"
    tags = ["tracking page"]

    @get("/{token:str}", summary="What the customer's link shows, as JSON (no login; R-TR-2/3)")
    async def show(
        self, token: FromPath[str], read_session: NamedDependency[AsyncSession], state: State
    ) -> TrackOut:
        found = await service(read_session, state).resolve(token, now())
        return TrackOut.of(found.view, token)

    @get("/{token:str}/events", summary="The same JSON pushed on every change (SSE; Last-Event-ID resumes)")
    async def events(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        channels: NamedDependency[ChannelsPlugin],
        state: State,
        last_event_id: FromQuery[str | None] = None,
    ) -> ServerSentEvent:
        resume_from = parse_last_event_id(request.headers.get("last-event-id"), last_event_id)
        cache = view_cache(state)
        async with AsyncSession(cache.engine) as session:  # short: no connection held while streaming
            first = await service(session, state).resolve(token, now())
        return ServerSentEvent(
            _stream(channels, cache, token, first, resume_from),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @get("/{token:str}/report.pdf", media_type="application/pdf", summary="Service report, once completed")
    async def report(
        self,
        token: FromPath[str],
        read_session: NamedDependency[AsyncSession],
        evidence: NamedDependency[EvidenceService],
        state: State,
    ) -> Response[bytes]:
        found = await service(read_session, state).resolve(token, now())
        pdf = await build_service_report(evidence, found.report_reader(), found.ticket_id)
        return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": "inline"})


class TrackPageController(Controller):
    path = "/track"
    include_in_schema = False

    @get("/{token:str}", summary="The customer's tracking page (mobile-first, no login)")
    async def page(
        self, token: FromPath[str], read_session: NamedDependency[AsyncSession], state: State
    ) -> Response[bytes]:
        try:
            await service(read_session, state).resolve(token, now())
        except UnknownTrackingLink:
            return Response(GONE_PAGE, media_type=HTML, headers=NO_STORE, status_code=404)
        return Response((CONSOLE_SRC / "track.html").read_bytes(), media_type=HTML, headers=NO_STORE)
