"""The live event stream (Server-Sent Events) fed by PostgreSQL LISTEN/NOTIFY through channels.

Each API process holds one LISTEN connection (Litestar channels, asyncpg backend) and fans the
triggers' notifications out to its SSE clients, so any number of processes serve the same events.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Any

import anyio
from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import ServerSentEvent, ServerSentEventMessage

from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, NotPermitted
from dispatch.live.service import (
    CHANNEL,
    LiveFeed,
    LiveMessage,
    can_subscribe,
    parse_notification,
    parse_topics,
    wanted,
)

KEEPALIVE_S = 15.0
RETRY_MS = 2000


def channels_plugin(database_url: str) -> ChannelsPlugin:
    """One LISTEN connection per process on :data:`CHANNEL` (asyncpg wants a plain DSN)."""
    dsn = database_url
    for driver in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql+psycopg2://"):
        dsn = dsn.replace(driver, "postgresql://", 1)
    return ChannelsPlugin(
        backend=AsyncPgChannelsBackend(dsn=dsn),
        channels=[CHANNEL],
        subscriber_max_backlog=1000,
        subscriber_backlog_strategy="dropleft",
    )


def parse_last_event_id(header: str | None, query: str | None) -> int | None:
    text = header if header not in (None, "") else query
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput("last_event_id", "Last-Event-ID must be an event id (an integer)") from None
    if value < 0:
        raise InvalidInput("last_event_id", "Last-Event-ID must not be negative")
    return value


async def _backlog(
    feed: LiveFeed, caller: Principal, last_id: int | None, topics: frozenset[str] | None
) -> tuple[list[LiveMessage], int]:
    """Journalled events after ``last_id`` (short sessions: no connection held while streaming)."""
    if last_id is None:
        return [], await feed.head()
    backlog = await feed.resume(caller, last_id, topics)
    return backlog, max([last_id, *(m.id for m in backlog)])


def _message(event: LiveMessage) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=event.to_json(), event=event.topic, id=event.id)


async def _stream(
    channels: ChannelsPlugin,
    feed: LiveFeed,
    caller: Principal,
    last_id: int | None,
    topics: frozenset[str] | None,
) -> AsyncGenerator[ServerSentEventMessage, None]:
    queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)
    subscriber = await channels.subscribe([CHANNEL])  # before reading the journal: no gap

    async def pump() -> None:
        async for payload in subscriber.iter_events():  # ends when unsubscribed
            with contextlib.suppress(asyncio.QueueFull):  # a stuck client loses events, not memory
                queue.put_nowait(payload)

    pumping = asyncio.create_task(pump())
    try:
        backlog, seen = await _backlog(feed, caller, last_id, topics)
        yield ServerSentEventMessage(comment="aftersales live", retry=RETRY_MS, event="hello", data="{}")
        for event in backlog:
            yield _message(event)
        while True:
            try:
                payload = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except TimeoutError:
                yield ServerSentEventMessage(comment="keepalive")
                continue
            event = parse_notification(payload)
            if event.id <= seen or not wanted(event, caller, topics):
                continue
            seen = event.id
            yield _message(event)
    finally:
        pumping.cancel()
        # Shielded: a disconnect cancels this generator, and an UNLISTEN cut short would leave the
        # backend believing it still listens (no more events for this process).
        with anyio.CancelScope(shield=True):
            await channels.unsubscribe(subscriber)


class EventController(Controller):
    path = "/api/v1/events"
    tags = ["live"]

    @get(
        "/",
        summary="Live changes as Server-Sent Events (tickets, work orders, positions); Last-Event-ID resumes",
    )
    async def stream(
        self,
        request: Request[Principal, Any, Any],
        caller: NamedDependency[Principal],
        channels: NamedDependency[ChannelsPlugin],
        live_feed: NamedDependency[LiveFeed],
        topics: FromQuery[str | None] = None,
        last_event_id: FromQuery[str | None] = None,
    ) -> ServerSentEvent:
        if not can_subscribe(caller):
            raise NotPermitted(f"role {caller.role.value!r} may not follow the live event stream")
        try:
            wanted_topics = parse_topics(topics)
        except ValueError as error:
            raise InvalidInput("topics", str(error)) from None
        resume_from = parse_last_event_id(request.headers.get("last-event-id"), last_event_id)
        return ServerSentEvent(
            _stream(channels, live_feed, caller, resume_from, wanted_topics),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
