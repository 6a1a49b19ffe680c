"""One transaction scope for requests, background jobs, the CLI and the SSE streams alike.

``unit_of_work(sessions)`` opens a session, begins a transaction, commits when the block ends
normally and rolls back when it raises. A COMMIT the database refuses (a deferred constraint, a
unique or check violation found at COMMIT) raises ``CommitFailed`` out of the block, any other
database error propagates as it is; the request provider commits before the response is sent,
so a refused commit never answers 2xx (ADR 0011).

``read_only(sessions)`` is the hot-path variant (the dispatch preview, the customer's page): a
session in autocommit mode that never holds a transaction open; only reads go through it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.errors import StorageError


class CommitFailed(StorageError):
    """The database refused to COMMIT: nothing of the unit of work was saved."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the change was not saved, the database refused it: {reason}. Retry or fix the input"
        )
        self.reason = reason


def session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for units of work: objects stay readable after the commit (responses use them)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def read_only_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions outside any transaction (each statement on its own): for read-only paths."""
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(autocommit, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session in one transaction: commit on success, rollback on exception.

    A COMMIT refused by a constraint raises ``CommitFailed`` (nothing of the block was saved)."""
    async with sessions() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        try:
            await session.commit()
        except IntegrityError as error:
            await session.rollback()
            reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
            raise CommitFailed(reason) from error


@asynccontextmanager
async def read_only(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for reads that never holds a transaction (sessions from ``read_only_maker``)."""
    async with sessions() as session:
        yield session
