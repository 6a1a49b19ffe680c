"""Reads never write (ADR 0011): ``GET /api/v1/plans/{id}`` leaves the database as it found it.

A plan whose worker died mid-solve stays ``running`` as its row says: the job queue gives the job
to another worker (``tests/integration/house/test_distributed_shape.py``); a read never decides
that a worker is lost, however late it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.composition import build_components
from api.settings import Settings
from storage.migrate import sync_url
from tests.conftest import Auth
from tests.integration.planning.helpers import plan_and_wait, small_world


class Clock:
    """Real time until a test moves it."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def clocked(settings: Settings, clock: Clock) -> Iterator[TestClient]:  # type: ignore[type-arg]
    app = create_app(settings, build_components(settings, clock=clock))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _database(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(sync_url(url).replace("+psycopg", ""), autocommit=True)


def _row(url: str, plan_id: str) -> str:
    with _database(url) as db:
        found = db.execute("SELECT row_to_json(p)::text FROM plans p WHERE id = %s", (plan_id,)).fetchone()
    assert found is not None
    return str(found[0])


def test_get_plan_leaves_the_database_unchanged_even_long_after_its_limit(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    clock: Clock,
    database_url: str,
) -> None:
    headers = auth("dispatcher")
    world = small_world(clocked, headers)
    plan = plan_and_wait(clocked, headers, {"plant_id": world["plant"]["id"]})
    assert plan["status"] == "done"
    with _database(database_url) as db:  # the worker died mid-solve (a restart)
        db.execute("UPDATE plans SET status = 'running', stage = 'solving' WHERE id = %s", (plan["id"],))
    before = _row(database_url, plan["id"])

    fresh = clocked.get(f"/api/v1/plans/{plan['id']}", headers=headers)
    clock.offset = timedelta(days=1)  # long past its time limit
    late = clocked.get(f"/api/v1/plans/{plan['id']}", headers=headers)

    for response in (fresh, late):
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["stage"]) == ("running", "solving")
    assert _row(database_url, plan["id"]) == before
