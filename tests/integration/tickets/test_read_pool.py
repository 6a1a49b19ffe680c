"""The preview's read pool (``storage/read_pool.py``) on a real PostgreSQL: bounded, reused, and
a dead pooled connection costs no failed read."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import create_async_engine

from storage.read_pool import ReadPool, connect_arguments

PID = "SELECT pg_backend_pid() AS pid"


def _with_pool(
    url: str, max_size: int, scenario: Callable[[ReadPool, dict[str, object]], Awaitable[None]]
) -> None:
    async def run() -> None:
        engine = create_async_engine(url)
        pool = ReadPool.beside(engine, max_size)
        try:
            await scenario(pool, connect_arguments(engine))
        finally:
            await pool.close()
            await engine.dispose()

    asyncio.run(run())


def test_connections_are_reused_and_bounded(database_url: str) -> None:
    async def scenario(pool: ReadPool, _: dict[str, object]) -> None:
        first = (await pool.fetch(PID))[0]["pid"]
        assert (await pool.fetch(PID))[0]["pid"] == first  # the same connection, kept
        busy = "SELECT pg_backend_pid() AS pid, pg_sleep(0.05)"
        rows = await asyncio.gather(*(pool.fetch(busy) for _ in range(8)))
        assert len({found[0]["pid"] for found in rows}) <= 2

    _with_pool(database_url, 2, scenario)


def test_a_connection_killed_by_the_server_is_replaced_without_a_failed_read(database_url: str) -> None:
    async def scenario(pool: ReadPool, connect: dict[str, object]) -> None:
        killed = (await pool.fetch(PID))[0]["pid"]
        admin = await asyncpg.connect(**connect)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", killed)
        finally:
            await admin.close()
        assert (await pool.fetch(PID))[0]["pid"] != killed

    _with_pool(database_url, 2, scenario)


def test_size_zero_keeps_no_connection(database_url: str) -> None:
    async def scenario(pool: ReadPool, _: dict[str, object]) -> None:
        first = (await pool.fetch(PID))[0]["pid"]
        assert (await pool.fetch(PID))[0]["pid"] != first  # a new connection each time

    _with_pool(database_url, 0, scenario)


def test_a_statement_error_keeps_the_connection(database_url: str) -> None:
    async def scenario(pool: ReadPool, _: dict[str, object]) -> None:
        first = (await pool.fetch(PID))[0]["pid"]
        try:
            await pool.fetch("SELECT 1 / 0")
        except asyncpg.DivisionByZeroError:
            pass
        else:
            raise AssertionError("the statement should have failed")
        assert (await pool.fetch(PID))[0]["pid"] == first

    _with_pool(database_url, 1, scenario)
