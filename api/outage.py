"""Database outages: a 503 with ``Retry-After`` instead of a 500, and what ``/health`` checks.

While PostgreSQL restarts or is unreachable every database call fails with a connection-level
error (asyncpg, psycopg or SQLAlchemy's wrapping of them). Those are not bugs: the caller should
retry shortly, so they answer ``503 {"error": "database_unavailable", "detail": …}`` with a
``Retry-After`` header. The engine pre-pings pooled connections (``api.composition.make_engine``), so
the first requests after PostgreSQL is back succeed instead of meeting a dead pooled connection.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import psycopg
from litestar import Request, Response
from litestar.types import ExceptionHandlersMap
from sqlalchemy import exc as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

RETRY_AFTER_S = 5
"""What ``Retry-After`` tells clients while the database is down (a restart takes seconds)."""
HEALTH_TIMEOUT_S = 2.0
"""``/health`` gives the database this long to answer ``SELECT 1`` before calling it down."""

OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    sa.OperationalError,  # psycopg/asyncpg connection failures, as SQLAlchemy wraps them
    sa.InterfaceError,  # "connection is closed" on a pooled connection the server dropped
    sa.DisconnectionError,
    sa.TimeoutError,  # no pooled connection came free (the server is not answering)
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08 (ConnectionDoesNotExistError, …)
    asyncpg.CannotConnectNowError,  # 57P03: the server is starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01: terminated by a fast shutdown / restart
    asyncpg.CrashShutdownError,
    asyncpg.InterfaceError,  # asyncpg's "connection was closed in the middle of operation"
    psycopg.OperationalError,
)
"""Errors that mean "the database is unreachable right now", never a bug of this service."""
DRIVER_MODULES = ("asyncpg", "psycopg", "sqlalchemy")
"""An ``OSError`` raised inside these (refused TCP connection, a unix socket gone during a
restart: ``FileNotFoundError``) is the database being away, not a missing file of ours."""

logger = logging.getLogger("aftersales.outage")


def _raised_by_driver(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return any(f"{os.sep}{name}{os.sep}" in frame.filename for frame in frames for name in DRIVER_MODULES)


def _causes(error: BaseException) -> list[BaseException]:
    """The error, what it wraps (``orig``) and its causes, outermost first (cycles cut)."""
    chain: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo and len(chain) < 20:
        current = todo.pop(0)
        if current is None or any(current is seen for seen in chain):
            continue
        chain.append(current)
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return chain


def is_outage(error: BaseException) -> bool:
    """A connection-level database failure, however wrapped (SQLAlchemy's ``DBAPIError`` around
    the driver's adapted error around asyncpg's ``CannotConnectNowError``, say)."""
    for found in _causes(error):
        if isinstance(found, OUTAGE_ERRORS):
            return True
        if isinstance(found, sa.DBAPIError) and found.connection_invalidated:
            return True
        if isinstance(found, OSError) and _raised_by_driver(found):
            return True
    return False


def unavailable_body(detail: str) -> dict[str, Any]:
    return {"error": "database_unavailable", "detail": detail}


def outage_response(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """503 + ``Retry-After`` in the house error body; the cause is logged once, without its SQL.

    Registered for broad classes (``DBAPIError``, ``OSError``): anything of them that is not an
    outage goes on to the app's handler for ``Exception`` (the house 500), or a plain 500."""
    if not is_outage(error):
        return _not_an_outage(request, error)
    logger.warning("database unavailable: %s", type(error).__name__)
    detail = (
        f"the database is unreachable right now; retry in {RETRY_AFTER_S} s (the request was not applied)"
    )
    return Response(unavailable_body(detail), status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})


def _not_an_outage(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    fallback = request.app.exception_handlers.get(Exception)
    if fallback is not None:
        return fallback(request, error)
    body = {"error": "internal_error", "detail": "an unexpected error; it has been logged"}
    return Response(body, status_code=500)


def outage_handlers() -> ExceptionHandlersMap:
    """Exception handlers for database outages (merged into ``api.errors.exception_handlers``)."""
    kinds: tuple[type[Exception], ...] = (*OUTAGE_ERRORS, sa.DBAPIError, OSError)
    return {kind: outage_response for kind in kinds}


async def database_up(engine: AsyncEngine, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """One ``SELECT 1`` within ``timeout_s``: False on any connection-level failure."""

    async def ping() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(ping(), timeout_s)
    except TimeoutError:
        return False
    except Exception as error:
        if is_outage(error) or isinstance(error, OSError):
            return False
        raise
    return True
