"""One served instance per module for the stream tests (starting the app costs seconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.console.server import Served, serve
from tests.postgis import TestDatabases


@pytest.fixture(scope="module")
def served(postgis: TestDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    name = postgis.create()
    try:
        with serve(postgis.cluster.url(name), tmp_path_factory.mktemp("track")) as instance:
            yield instance
    finally:
        postgis.drop(name)
