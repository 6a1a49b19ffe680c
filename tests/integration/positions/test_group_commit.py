"""Group commit (ADR 0017): requests waiting at the same moment are stored in one unit of work,
each answered on its own; one the database refuses fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from litestar.testing import TestClient

from api.composition import build_components, tracking_settings, work_orders_on
from api.settings import Settings
from dispatch.access.principal import Principal, Role
from dispatch.positions.ingest import IngestResult, Outcome, PositionIngest, Submission
from dispatch.positions.service import PositionIntake
from dispatch.positions.writer import PositionWriter
from storage.repositories.positions import IngestStatements
from tests.conftest import Auth
from tests.integration.field_work.helpers import create_technician
from tests.integration.helpers import create_plant

ADMIN = Principal(subject="test", role=Role.ADMIN)
T0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


class CountingIngest(PositionIngest):
    """The real ingest, remembering how many submissions each group held."""

    groups: list[int]

    async def store(self, group: Sequence[Submission], statements: IngestStatements) -> list[Outcome]:
        self.groups.append(len(group))
        return await super().store(group, statements)


def batch(technician: str, seconds: Sequence[int], **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "technician_id": technician,
            "lon": 121.4,
            "lat": 37.5,
            "fix_time": (T0 + timedelta(seconds=s)).isoformat(),
            **extra,
        }
        for s in seconds
    ]


async def ingest_together(
    settings: Settings, bodies: Sequence[list[dict[str, Any]]]
) -> tuple[list[IngestResult | BaseException], list[int]]:
    parts = build_components(settings)
    ingest = CountingIngest(
        parts.sessions, partial(work_orders_on, clock=parts.clock), tracking_settings(settings)
    )
    ingest.groups = []
    writer = PositionWriter(parts.engine, ingest)
    intake = PositionIntake(writer)
    try:
        answers = await asyncio.gather(
            *(intake.ingest_batch(ADMIN, body) for body in bodies), return_exceptions=True
        )
    finally:
        await writer.close()
        await parts.read_pool.close()
        await parts.engine.dispose()
    return list(answers), ingest.groups


def test_waiting_requests_share_one_unit_of_work_and_a_refused_one_fails_alone(
    client: TestClient,
    auth: Auth,
    settings: Settings,  # type: ignore[type-arg]
) -> None:
    dispatcher = auth("dispatcher")
    plant = create_plant(client, dispatcher)
    wang = create_technician(client, dispatcher, plant["id"], "Wang")
    li = create_technician(client, dispatcher, plant["id"], "Li")
    bodies = [
        batch(wang, [0, 10]),
        batch(li, [0], accuracy_m=1e39),  # finite, so valid input, but too large for a REAL column
        batch(li, [5, 15]),
        batch(wang, [10, 20]),  # repeats Wang's fix at 10 s: stored once, for the first request
    ]
    answers, groups = asyncio.run(ingest_together(settings, bodies))
    assert groups[0] == 4  # all four waited together
    first, refused, second, third = answers
    assert isinstance(refused, Exception)
    assert first == IngestResult(received=2, stored=2, duplicates=0, flagged=0)
    assert second == IngestResult(received=2, stored=2, duplicates=0, flagged=0)
    assert third == IngestResult(received=2, stored=1, duplicates=1, flagged=0)
    tracks = {
        tech: client.get(
            f"/api/v1/technicians/{tech}/track",
            params={"from": T0.isoformat(), "to": (T0 + timedelta(minutes=1)).isoformat()},
            headers=dispatcher,
        ).json()["positions"]
        for tech in (wang, li)
    }
    assert len(tracks[wang]) == 3 and len(tracks[li]) == 2
