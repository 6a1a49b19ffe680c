"""Raw asyncpg connections for the read-only hot path (the dispatch preview).

An ORM session around one prepared statement cost more CPU than the statement: a session, a pool
checkout whose pre-ping is three round trips (BEGIN, ``;``, ROLLBACK on asyncpg), the greenlet
bridge, and a reset query on release. ``ReadPool`` keeps a few connections of its own and hands
them out bare: statements are prepared once per connection (asyncpg's statement cache), nothing
is reset on release because nothing here changes session state, and no transaction is ever
opened.

What the pre-ping bought the ORM pool — a request after a database restart does not meet a dead
pooled connection — ``fetch`` gets by retrying a read once on a connection-level failure (a
fresh connection replaces the dead one). A database that stays down raises asyncpg's errors,
which the API answers 503 like any outage (``api/outage.py``). Nothing connects before the first
statement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncEngine

DISCONNECTED: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08: the connection is gone
    asyncpg.AdminShutdownError,  # 57P01: terminated by a restart
    asyncpg.InterfaceError,  # "connection was closed in the middle of operation"
    asyncpg.InternalClientError,  # a termination notice that arrived while the connection idled
    ConnectionError,
)
"""Failures of a pooled connection that a fresh connection may not have."""


def connect_arguments(engine: AsyncEngine) -> dict[str, Any]:
    """asyncpg's ``connect`` arguments for the engine's database, as its own dialect reads the
    URL (unix socket ``?host=``, port, user, password, database)."""
    _, arguments = engine.dialect.create_connect_args(engine.url)
    return dict(arguments)


class ReadPool:
    """Up to ``max_size`` connections for single read-only statements, opened on first use;
    ``max_size`` 0 keeps none: each statement opens and closes its own (as ``db_pool_size`` 0
    does for the engine, e.g. behind pgbouncer).

    Deliberately smaller than asyncpg's ``Pool``: a semaphore bounds the connections, idle ones
    wait in a list. asyncpg's pool shields every release in a new task and resets the
    connection; on the hot path that was a tenth of the preview's CPU, for state these
    connections never change."""

    def __init__(self, connect: Mapping[str, Any], max_size: int) -> None:
        self._connect = dict(connect)
        self._max_size = max_size
        self._idle: list[asyncpg.Connection] = []
        self._slots: asyncio.Semaphore | None = None

    @classmethod
    def beside(cls, engine: AsyncEngine, max_size: int) -> ReadPool:
        """A pool to the engine's database (the engine's own pool is left alone)."""
        return cls(connect_arguments(engine), max_size)

    async def fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        """The rows of one read-only statement; retried once on a fresh connection when the
        pooled one turns out dead (then every idle one is dropped: a restart killed them all)."""
        if self._max_size == 0:
            return await self._fetch_unpooled(sql, *args)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_size)
        async with self._slots:
            try:
                return await self._fetch_on(await self._take(), sql, args)
            except DISCONNECTED:
                self._drop_idle()
                return await self._fetch_on(await self._take(), sql, args)

    async def _take(self) -> asyncpg.Connection:
        """An idle live connection, else a new one (the caller holds a slot)."""
        while self._idle:
            connection = self._idle.pop()
            if not connection.is_closed():
                return connection
        return await asyncpg.connect(**self._connect)

    async def _fetch_on(
        self, connection: asyncpg.Connection, sql: str, args: tuple[object, ...]
    ) -> list[asyncpg.Record]:
        """Run the statement; the connection goes back to the idle list unless something went
        wrong with it (a statement error leaves it usable; anything else — a dead connection,
        a cancellation mid-statement — leaves it in an unknown state, so it is terminated)."""
        try:
            rows: list[asyncpg.Record] = await connection.fetch(sql, *args)
        except asyncpg.PostgresError as error:
            if isinstance(error, DISCONNECTED):
                connection.terminate()
            else:
                self._idle.append(connection)
            raise
        except BaseException:
            connection.terminate()
            raise
        self._idle.append(connection)
        return rows

    def _drop_idle(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.terminate()

    async def _fetch_unpooled(self, sql: str, *args: object) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(**self._connect)
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    async def close(self) -> None:
        """Close the idle connections (at the app's shutdown, when none is in use)."""
        idle, self._idle = self._idle, []
        self._slots = None
        for connection in idle:
            await connection.close()
