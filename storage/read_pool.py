"""Raw asyncpg connections for the read-only hot path (the dispatch preview).

An ORM session around one prepared statement cost more CPU than the statement: a session, a pool
checkout whose pre-ping is three round trips (BEGIN, ``;``, ROLLBACK on asyncpg), the greenlet
bridge, and asyncpg's own reset query on release. ``ReadPool`` keeps a few connections of its
own and hands them out bare: statements are prepared once per connection (asyncpg's statement
cache), nothing is reset on release because nothing here changes session state, and no
transaction is ever opened.

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
    ConnectionError,
)
"""Failures of a pooled connection that a fresh connection may not have."""


def connect_arguments(engine: AsyncEngine) -> dict[str, Any]:
    """asyncpg's ``connect`` arguments for the engine's database, as its own dialect reads the
    URL (unix socket ``?host=``, port, user, password, database)."""
    _, arguments = engine.dialect.create_connect_args(engine.url)
    return dict(arguments)


async def _keep_state(_: asyncpg.Connection) -> None:
    """The release hook: these connections never change session state, so nothing to reset."""


class ReadPool:
    """Up to ``max_size`` connections for single read-only statements, opened on first use;
    ``max_size`` 0 keeps none: each statement opens and closes its own (as ``db_pool_size`` 0
    does for the engine, e.g. behind pgbouncer)."""

    def __init__(self, connect: Mapping[str, Any], max_size: int) -> None:
        self._connect = dict(connect)
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    @classmethod
    def beside(cls, engine: AsyncEngine, max_size: int) -> ReadPool:
        """A pool to the engine's database (the engine's own pool is left alone)."""
        return cls(connect_arguments(engine), max_size)

    async def _opened(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        min_size=0,
                        max_size=self._max_size,
                        reset=_keep_state,
                        max_inactive_connection_lifetime=0,  # no timer armed on every release
                        **self._connect,
                    )
        return self._pool

    async def fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        """The rows of one read-only statement; retried once on a dead pooled connection."""
        if self._max_size == 0:
            return await self._fetch_unpooled(sql, *args)
        pool = await self._opened()
        try:
            async with pool.acquire() as connection:
                return list(await connection.fetch(sql, *args))
        except DISCONNECTED:
            async with pool.acquire() as connection:
                return list(await connection.fetch(sql, *args))

    async def _fetch_unpooled(self, sql: str, *args: object) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(**self._connect)
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()
