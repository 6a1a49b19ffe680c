"""A real PostGIS for the test session: the product's own embedded-cluster code in a temp dir.

One cluster per session, one template database migrated with Alembic (``alembic upgrade head``,
never ``create_all``), and a fresh clone of the template for each test (~40 ms).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from storage.embedded import ClusterLayout, EmbeddedCluster
from storage.migrate import sync_url, upgrade

TEMPLATE = "aftersales_template"
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class TestDatabases:
    """Clones of the migrated template, one per test."""

    def __init__(self, cluster: EmbeddedCluster) -> None:
        self.cluster = cluster
        self._counter = itertools.count(1)
        admin_url = sync_url(cluster.url("postgres")).replace("postgresql+psycopg://", "postgresql://")
        self._admin = psycopg.connect(admin_url, autocommit=True)

    def create(self) -> str:
        name = f"test_{os.getpid()}_{next(self._counter)}"
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return name

    def drop(self, name: str) -> None:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._admin.close()


@contextmanager
def postgis_session() -> Iterator[TestDatabases]:
    home = Path(tempfile.mkdtemp(prefix="aftersales-test-"))
    home.chmod(0o755)  # the server runs as `postgres` when we are root
    cluster = EmbeddedCluster(ClusterLayout.under(home), extra_settings=FAST_SETTINGS)
    try:
        cluster.start()
        cluster.ensure_database(TEMPLATE)
        upgrade(cluster.url(TEMPLATE))
        databases = TestDatabases(cluster)
        try:
            yield databases
        finally:
            databases.close()
    finally:
        cluster.stop()
        shutil.rmtree(cluster.layout.data_dir.parent, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
