"""Fixtures shared by the whole suite. Integration fixtures start real servers lazily."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.auth import issue_token
from api.settings import Settings
from dispatch.access.principal import Role
from tests.postgis import TestDatabases, postgis_session

if TYPE_CHECKING:
    from tests.integration.console.server import Served

SECRET = "test-secret-not-for-production-0123456789"

TESTS = Path(__file__).resolve().parent
MARKERS_BY_DIRECTORY: dict[str, tuple[str, ...]] = {
    "integration": ("integration",),
    "browser": ("browser", "integration"),
}
"""Top-level test folder → markers its tests get. Browser tests also start PostGIS and a server,
so ``-m "not integration"`` leaves them out too. Never mark these by hand."""


def markers_for(path: Path) -> tuple[str, ...]:
    """The markers a test file gets from the folder it lives in (``()`` outside ``tests/``)."""
    try:
        top = path.resolve().relative_to(TESTS).parts[0]
    except (ValueError, IndexError):
        return ()
    return MARKERS_BY_DIRECTORY.get(top, ())


@pytest.hookimpl(tryfirst=True)  # before tests/browser's hook, which reads the ``browser`` marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests are the map: the directory says what a test needs (``pyproject.toml`` lists markers)."""
    for item in items:
        for name in markers_for(item.path):
            item.add_marker(name)


@pytest.fixture(scope="session")
def postgis() -> Iterator[TestDatabases]:
    with postgis_session() as databases:
        yield databases


@pytest.fixture
def database_url(postgis: TestDatabases) -> Iterator[str]:
    name = postgis.create()
    try:
        yield postgis.cluster.url(name)
    finally:
        postgis.drop(name)


@pytest.fixture(scope="module")
def module_database(postgis: TestDatabases) -> Iterator[str]:
    """A database shared by one test module (for servers that take seconds to start)."""
    name = postgis.create()
    try:
        yield postgis.cluster.url(name)
    finally:
        postgis.drop(name)


@pytest.fixture(scope="module")
def served(module_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real ``aftersales serve`` process per test module, on the module's database."""
    from tests.integration.console.server import serve  # imports SECRET from here

    with serve(module_database, tmp_path_factory.mktemp("served")) as instance:
        yield instance


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # No pool: each request's connection closes while the TestClient's event loop still runs.
    return Settings(home=tmp_path, database_url=database_url, secret_key=SECRET, db_pool_size=0)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


Auth = Callable[..., dict[str, str]]


@pytest.fixture
def auth() -> Auth:
    """``auth("dispatcher", outlet=…)`` → the Authorization header of such a token.

    ``auth("outlet")`` / ``auth("engineer")`` without a claim get a random (stranger's) one."""

    def headers(
        role: str, outlet: uuid.UUID | str | None = None, technician: uuid.UUID | str | None = None
    ) -> dict[str, str]:
        # An outlet or engineer token always carries its scope (the door refuses one without):
        # unless the test names one, it is a stranger's.
        if role == "outlet" and outlet is None:
            outlet = uuid.uuid4()
        if role == "engineer" and technician is None:
            technician = uuid.uuid4()
        token = issue_token(
            SECRET,
            Role(role),
            outlet_id=uuid.UUID(str(outlet)) if outlet else None,
            technician_id=uuid.UUID(str(technician)) if technician else None,
        )
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """Collect after each test so a leaked connection is reported against the test that leaked."""
    yield
    gc.collect()
