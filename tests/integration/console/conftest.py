"""One served instance per module on its own PostGIS database (starting the app costs seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.console.server import Served, serve
from tests.postgis import TestDatabases


@pytest.fixture(scope="module")
def live_database(postgis: TestDatabases) -> Iterator[str]:
    name = postgis.create()
    try:
        yield postgis.cluster.url(name)
    finally:
        postgis.drop(name)


@pytest.fixture(scope="module")
def served(live_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(live_database, tmp_path_factory.mktemp("served")) as instance:
        yield instance


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path
