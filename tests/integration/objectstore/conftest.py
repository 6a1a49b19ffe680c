"""Fixtures for the object store integration tests (R-NW-1).

``s3_server`` is one S3 server for the session: moto on loopback, or the real server named by
``AFTERSALES_TEST_S3_ENDPOINT`` (see ``tests/integration/s3server.py``). ``s3_store`` is an
``S3ObjectStore`` on a fresh bucket per test; ``fs_store`` a ``FilesystemObjectStore`` in
``tmp_path`` with a controllable clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.objectstore import FilesystemObjectStore, S3ObjectStore
from tests.integration.objectstore.support import TOKEN_SECRET, FakeClock
from tests.integration.s3server import S3Server, s3_bucket, s3_server_session


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with s3_server_session() as server:
        yield server


@pytest.fixture
def s3_store(s3_server: S3Server) -> Iterator[S3ObjectStore]:
    with s3_bucket(s3_server) as bucket:
        store = S3ObjectStore(
            endpoint=s3_server.endpoint,
            access_key=s3_server.access_key,
            secret_key=s3_server.secret_key,
            bucket=bucket,
            region=s3_server.region,
        )
        store.ensure_ready()
        yield store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 6, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def fs_store(tmp_path: Path, clock: FakeClock) -> FilesystemObjectStore:
    store = FilesystemObjectStore(
        tmp_path / "objects",
        secret=TOKEN_SECRET,
        upload_url_base="https://api.example.test/api/v1/uploads",
        download_url_base="https://api.example.test/api/v1/downloads",
        clock=clock,
    )
    store.ensure_ready()
    return store
