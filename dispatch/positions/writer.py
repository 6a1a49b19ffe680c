"""Group commit for position ingest (ADR 0017).

Phones send small, frequent requests; one transaction each spends most of its time on what every
transaction costs (a pooled connection, BEGIN, COMMIT with its WAL flush and live-event NOTIFY)
and serialises on the technicians' ``latest_positions`` rows. The writer stores all submissions
that are waiting at one moment together (``PositionIngest.store``: one statement reads, one
stores, on a connection in autocommit mode), and answers each request after that store
committed: an acknowledged position is still a stored one.

One group is in flight per process; what arrives meanwhile waits for the next, so the groups
grow with the load by themselves and nothing waits on a timer. A group that fails is stored
again submission by submission, so one request that the database refuses fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from dispatch.positions.ingest import BatchSubmission, IngestResult, Outcome, PositionIngest, Submission
from storage.repositories.positions import IngestStatements

MAX_GROUP_FIXES = 5_000
"""A group takes waiting submissions up to this many fixes (at least one submission)."""
IDLE_S = 0.05
"""A burst keeps its connection this long after its last group, for the requests still coming."""

_Waiting = tuple[Submission, asyncio.Future[IngestResult]]


class PositionWriter:
    """Per process, long-lived: ``await write(submission)`` answers once it is committed."""

    def __init__(
        self, engine: AsyncEngine, ingest: PositionIngest, max_group_fixes: int = MAX_GROUP_FIXES
    ) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._ingest = ingest
        self._max_fixes = max_group_fixes
        self._waiting: deque[_Waiting] = deque()
        self._draining: asyncio.Task[None] | None = None
        self._arrived: asyncio.Event | None = None
        self._closing = False

    async def write(self, submission: Submission) -> IngestResult:
        """Store ``submission`` with whatever else is waiting; its own result or refusal."""
        future: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
        self._waiting.append((submission, future))
        if self._arrived is not None:
            self._arrived.set()
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain(), name="aftersales-positions")
        return await future

    async def close(self) -> None:
        """Let the groups already waiting finish (the app is stopping)."""
        self._closing = True
        if self._arrived is not None:
            self._arrived.set()
        while (draining := self._draining) is not None:
            await asyncio.wait([draining])

    async def _drain(self) -> None:
        try:
            while self._waiting:
                await self._burst()
        except Exception as failure:  # a defect here: every request still waiting hears of it
            for _, future in self._waiting:
                _settle(future, failure)
            self._waiting.clear()
        except BaseException:
            _cancel(self._waiting)
            self._waiting.clear()
            raise
        finally:
            self._draining = None

    async def _burst(self) -> None:
        """Groups back to back on one connection while submissions keep coming (and for
        ``IDLE_S`` after the last): the pool's liveness check (three round trips) is paid once per
        burst, not once per group. A group that fails ends the burst (the connection may be what
        failed); its submissions are then stored one by one on connections of their own."""
        try:
            connection = await self._engine.connect()
        except Exception as failure:  # no database: the oldest group hears it, the next tries again
            for _, future in self._take():
                _settle(future, failure)
            return
        self._arrived = asyncio.Event()
        try:
            await self._groups(IngestStatements(connection))
        finally:
            self._arrived = None
            await connection.close()

    async def _groups(self, statements: IngestStatements) -> None:
        while self._waiting or await self._more_within(IDLE_S):
            group = self._take()
            try:
                outcomes = await self._ingest.store([submission for submission, _ in group], statements)
            except asyncio.CancelledError:
                _cancel(group)
                raise
            except Exception as failure:
                await self._alone(group, failure)
                return
            for (_, future), outcome in zip(group, outcomes, strict=True):
                _settle(future, outcome)

    async def _more_within(self, seconds: float) -> bool:
        """Whether a submission arrives within ``seconds`` (not when the app is stopping)."""
        if self._closing or self._arrived is None:
            return False
        self._arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), seconds)
        return bool(self._waiting) and not self._closing

    def _take(self) -> list[_Waiting]:
        """The oldest waiting submissions up to the group's size; abandoned ones dropped."""
        group: list[_Waiting] = []
        fixes = 0
        while self._waiting and (not group or fixes + _size(self._waiting[0][0]) <= self._max_fixes):
            submission, future = self._waiting.popleft()
            if not future.done():  # the caller went away before its turn: nothing to answer
                group.append((submission, future))
                fixes += _size(submission)
        return group

    async def _alone(self, group: Sequence[_Waiting], failure: Exception) -> None:
        """After a failed group: each submission on its own, so that only the one the database
        refuses fails (a group of one has its answer already)."""
        if len(group) == 1:
            _settle(group[0][1], failure)
            return
        for submission, future in group:
            try:
                async with self._engine.connect() as connection:
                    outcomes = await self._ingest.store([submission], IngestStatements(connection))
            except asyncio.CancelledError:
                _cancel(group)
                raise
            except Exception as refused:
                _settle(future, refused)
            else:
                _settle(future, outcomes[0])


def _cancel(group: Iterable[_Waiting]) -> None:
    for _, future in group:
        future.cancel()


def _size(submission: Submission) -> int:
    return max(1, len(submission.fixes)) if isinstance(submission, BatchSubmission) else 1


def _settle(future: asyncio.Future[IngestResult], outcome: Outcome | Exception) -> None:
    if future.done():  # the caller is gone: its fixes are stored, nobody waits for the count
        return
    if isinstance(outcome, IngestResult):
        future.set_result(outcome)
    else:
        future.set_exception(outcome)
