"""The one Server-Sent-Events loop, shared by the console stream and the customer tracking page.

Each stream subscribes to the process's LISTEN channel *before* it reads the journal (no gap
between the two), remembers the newest journal id it has handled (``seen``), and hands each
newer change that its :class:`Follower` wants to that follower, which turns it into SSE messages.
What differs per subscriber — who may see what (the console, ``dispatch.live.service.wanted``),
which change concerns a customer's page (``dispatch.customer_tracking.live.concerns``) — is the
follower's; the loop is the same.

Gaps are closed from the journal (R-DI-9: nothing that happened is skipped): after the LISTEN
connection came back from an outage (``api.live_listener.RESYNC``), after this stream's queue
overflowed, or after a database read failed, the loop reads ``live_events`` after ``seen`` and
replays what it finds, retrying with backoff while the database is still away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Protocol

import anyio
from litestar.channels import ChannelsPlugin
from litestar.response import ServerSentEventMessage

from api.live_listener import RESYNC, backoff
from api.outage import is_outage
from dispatch.live.journal import Journal
from dispatch.live.service import CHANNEL, RESUME_LIMIT, LiveMessage, parse_notification

KEEPALIVE_S = 15.0
RETRY_MS = 2000
QUEUE_SIZE = 1000

logger = logging.getLogger("aftersales.live")


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one change becomes on a stream: messages, and whether the stream goes on."""

    messages: list[ServerSentEventMessage] = field(default_factory=list)
    go_on: bool = True


class Follower(Protocol):
    """One subscriber's view of the journal."""

    @property
    def hello(self) -> str:
        """The comment of the first (``hello``) message, naming the stream."""
        ...

    async def opening(
        self, journal: Journal, last_id: int | None
    ) -> tuple[list[ServerSentEventMessage], int]:
        """The first messages (a backlog, a snapshot) and the journal id the stream starts after."""
        ...

    def wants(self, event: LiveMessage) -> bool:
        """The per-subscriber filter: is this change for this stream at all?"""
        ...

    async def deliver(self, event: LiveMessage) -> Delivery:
        """A wanted change → the messages to send (may read the database)."""
        ...


@dataclass
class _Inbox:
    """Notifications for one stream; ``lagging`` when some may be missing (read the journal)."""

    queue: asyncio.Queue[bytes] = field(default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE))
    lagging: bool = False

    def put(self, payload: bytes) -> None:
        if payload == RESYNC:  # queued too: it wakes the loop, which then reads the journal
            self.lagging = True
        try:
            self.queue.put_nowait(payload)
        except asyncio.QueueFull:  # a stuck client loses notifications, not memory: catch up later
            self.lagging = True


async def _catch_up(journal: Journal, seen: int) -> list[LiveMessage]:
    """Everything journalled after ``seen`` (in pages of :data:`RESUME_LIMIT`)."""
    found: list[LiveMessage] = []
    while True:
        page = await journal.after(seen, RESUME_LIMIT)
        found.extend(page)
        if len(page) < RESUME_LIMIT:
            return found
        seen = page[-1].id


async def live_stream(
    channels: ChannelsPlugin, journal: Journal, follower: Follower, last_id: int | None
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """The SSE loop: hello, the follower's opening, then every wanted change, gaps read back."""
    inbox = _Inbox()
    subscriber = await channels.subscribe([CHANNEL])  # before reading the journal: no gap

    async def pump() -> None:
        async for payload in subscriber.iter_events():  # ends when unsubscribed
            inbox.put(payload)

    pumping = asyncio.create_task(pump())
    try:
        opening, seen = await follower.opening(journal, last_id)
        yield ServerSentEventMessage(comment=follower.hello, retry=RETRY_MS, event="hello", data="{}")
        for message in opening:
            yield message
        failures = 0
        while True:
            if inbox.lagging:
                try:
                    missed = await _catch_up(journal, seen)
                except Exception as error:
                    if not is_outage(error):
                        raise
                    yield ServerSentEventMessage(comment="database unavailable; catching up later")
                    await asyncio.sleep(backoff(failures))
                    failures += 1
                    continue
                inbox.lagging, failures = False, 0
                events = missed
            else:
                try:
                    payload = await asyncio.wait_for(inbox.queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="keepalive")
                    continue
                if payload == RESYNC:
                    continue
                events = [parse_notification(payload)]
            for event in events:
                if event.id <= seen:
                    continue
                if follower.wants(event):
                    try:
                        delivery = await follower.deliver(event)
                    except Exception as error:
                        if not is_outage(error):
                            raise
                        inbox.lagging = True  # this change is read back from the journal later
                        break
                    for message in delivery.messages:
                        yield message
                    if not delivery.go_on:
                        return
                seen = event.id
    finally:
        pumping.cancel()
        # Shielded: a disconnect cancels this generator, and an UNLISTEN cut short would leave the
        # backend believing it still listens (no more events for this process).
        with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
            await channels.unsubscribe(subscriber)
