"""The live event stream (Server-Sent Events) fed by PostgreSQL LISTEN/NOTIFY through channels.

Each API process holds one LISTEN connection (``api.live_listener``: reconnected after a database
restart) and fans the triggers' notifications out to its SSE clients through the one stream loop
(``api.live_stream``), so any number of processes serve the same events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api.live_listener import reconnecting_channels
from api.live_stream import Delivery, live_stream
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, NotPermitted
from dispatch.live.journal import Journal
from dispatch.live.service import CHANNEL, LiveMessage, can_subscribe, parse_topics, wanted


def channels_plugin(database_url: str) -> ChannelsPlugin:
    """One LISTEN connection per process on :data:`CHANNEL`, reconnected after outages."""
    return reconnecting_channels(database_url, [CHANNEL])


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


def _message(event: LiveMessage) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=event.to_json(), event=event.topic, id=event.id)


@dataclass(frozen=True, slots=True)
class ConsoleFollower:
    """The console's stream: every change the caller may see (``wanted``), as it is journalled."""

    caller: Principal
    topics: frozenset[str] | None
    hello: str = "aftersales live"

    async def opening(
        self, journal: Journal, last_id: int | None
    ) -> tuple[list[ServerSentEventMessage], int]:
        """A fresh client starts at the head; ``Last-Event-ID`` replays what it missed."""
        if last_id is None:
            return [], await journal.head()
        rows = await journal.after(last_id)
        backlog = [_message(m) for m in rows if self.wants(m)]
        return backlog, max([last_id, *(m.id for m in rows)])

    def wants(self, event: LiveMessage) -> bool:
        return wanted(event, self.caller, self.topics)

    async def deliver(self, event: LiveMessage) -> Delivery:
        return Delivery([_message(event)])


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
        journal: NamedDependency[Journal],
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
            live_stream(channels, journal, ConsoleFollower(caller, wanted_topics), resume_from),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
