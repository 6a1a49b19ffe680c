"""The process's LISTEN connection, kept alive across database restarts.

Litestar's ``AsyncPgChannelsBackend`` opens its LISTEN connection once: after a PostgreSQL
restart it is dead for good and every live stream of the process stays silently stale (R-DI-9:
people must be kept informed). This backend supervises the connection: when it is lost (the
server's termination message, or a failed periodic ping) it reconnects with a capped exponential
backoff, listens again, and then hands every subscriber a *resync* marker so that each stream
reads the journal (``live_events``) after the last id it delivered: nothing that happened while
the connection was away is skipped (``api.live_stream``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from functools import partial

import asyncpg  # type: ignore[import-untyped]
from litestar.channels import ChannelsBackend, ChannelsPlugin
from sqlalchemy.ext.asyncio import AsyncEngine

from api.outage import database_up

RESYNC = b'{"resync":true}'
"""Put on every subscribed channel after a reconnect: "read the journal, you may have missed some"."""
BACKOFF_FIRST_S = 0.2
BACKOFF_MAX_S = 2.0
PING_EVERY_S = 5.0
"""A connection that neither reports its end nor answers ``SELECT 1`` within this is replaced."""
PING_TIMEOUT_S = 2.0

logger = logging.getLogger("aftersales.live")

Connect = Callable[[], Awaitable[asyncpg.Connection]]


def asyncpg_dsn(database_url: str) -> str:
    """asyncpg wants a plain ``postgresql://`` DSN, not SQLAlchemy's ``postgresql+driver://``."""
    dsn = database_url
    for driver in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql+psycopg2://"):
        dsn = dsn.replace(driver, "postgresql://", 1)
    return dsn


def backoff(attempt: int) -> float:
    """Seconds to wait before reconnect attempt ``attempt`` (0, 1, …): 0.2, 0.4, … capped at 2
    (a stream is back at most 2 s after the database)."""
    return float(min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** min(attempt, 16)))


class ReconnectingPgChannelsBackend(ChannelsBackend):
    """A channels backend whose one LISTEN connection comes back after an outage."""

    def __init__(self, dsn: str, connect: Connect | None = None) -> None:
        self._connect: Connect = connect or partial(asyncpg.connect, dsn=dsn)
        self._channels: set[str] = set()
        self._conn: asyncpg.Connection | None = None
        self._queue: asyncio.Queue[tuple[str, bytes]] | None = None
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.reconnects = 0
        """How many times the connection came back after being lost (for tests and figures)."""

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def on_startup(self) -> None:
        self._queue = asyncio.Queue()
        self._lost = asyncio.Event()
        try:  # a database that is down at start-up is an outage like any other: keep trying
            await self._open()
        except Exception as error:
            logger.warning("LISTEN connection not available at start-up (%s); retrying", type(error).__name__)
        self._task = asyncio.create_task(self._supervise(), name="aftersales-listen")

    async def on_shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._conn.close(), PING_TIMEOUT_S)
            self._conn = None
        self._queue = None

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        conn = await self._connect()
        try:
            for channel in channels:
                await conn.execute("SELECT pg_notify($1, $2);", channel, data.decode("utf-8"))
        finally:
            await conn.close()

    async def subscribe(self, channels: Iterable[str]) -> None:
        new = set(channels) - self._channels
        self._channels |= new
        for channel in new:
            await self._on_connection("add_listener", channel)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        gone = set(channels) & self._channels
        self._channels -= gone
        for channel in gone:
            await self._on_connection("remove_listener", channel)

    async def _on_connection(self, method: str, channel: str) -> None:
        """LISTEN/UNLISTEN now if connected; a lost connection listens again on reconnect."""
        if not self.listening or self._conn is None:
            return
        try:
            await getattr(self._conn, method)(channel, self._listener)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            self._lost.set()

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        if self._queue is None:
            raise RuntimeError("the LISTEN backend is not started (on_startup was not called)")
        while True:
            channel, message = await self._queue.get()
            if channel in self._channels:
                yield channel, message

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        raise NotImplementedError("the journal (live_events) is the history: see api.live_stream")

    def _listener(self, connection: object, pid: int, channel: str, payload: object) -> None:
        if self._queue is not None and isinstance(payload, str):
            self._queue.put_nowait((channel, payload.encode("utf-8")))

    def _terminated(self, connection: object) -> None:
        self._lost.set()

    async def _open(self) -> None:
        conn = await self._connect()
        try:
            conn.add_termination_listener(self._terminated)
            for channel in self._channels:
                await conn.add_listener(channel, self._listener)
        except BaseException:
            conn.terminate()
            raise
        self._lost.clear()
        self._conn = conn

    async def _supervise(self) -> None:
        """Keep the connection: wait for its loss (or a failed ping), then reconnect with backoff."""
        attempt = 0
        while True:
            if not self.listening:
                await self._drop()
                try:
                    await self._open()
                except Exception as error:
                    logger.warning(
                        "LISTEN reconnect failed (%s); next try in %.1f s",
                        type(error).__name__,
                        backoff(attempt),
                    )
                    await asyncio.sleep(backoff(attempt))
                    attempt += 1
                    continue
                attempt = 0
                self.reconnects += 1
                logger.warning("LISTEN connection is back; streams resume from the journal")
                self._resync()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), PING_EVERY_S)
            if not self._lost.is_set() and not await self._ping():
                self._lost.set()
            if self._lost.is_set():
                await self._drop()

    async def _ping(self) -> bool:
        if self._conn is None:
            return False
        try:
            await asyncio.wait_for(self._conn.fetchval("SELECT 1"), PING_TIMEOUT_S)
        except (TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            return False
        return True

    async def _drop(self) -> None:
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None

    def _resync(self) -> None:
        if self._queue is not None:
            for channel in self._channels:
                self._queue.put_nowait((channel, RESYNC))


def reconnecting_channels(database_url: str, channels: list[str]) -> ChannelsPlugin:
    """The channels plugin on a :class:`ReconnectingPgChannelsBackend`."""
    return ChannelsPlugin(
        backend=ReconnectingPgChannelsBackend(asyncpg_dsn(database_url)),
        channels=channels,
        subscriber_max_backlog=1000,
        subscriber_backlog_strategy="dropleft",
    )


async def health_checks(engine: AsyncEngine, channels: ChannelsPlugin) -> dict[str, str]:
    """``{"database": "up"|"down", "live_listener": "up"|"down"}`` for ``/health``."""
    backend = getattr(channels, "_backend", None)
    listening = isinstance(backend, ReconnectingPgChannelsBackend) and backend.listening
    return {
        "database": "up" if await database_up(engine) else "down",
        "live_listener": "up" if listening else "down",
    }
