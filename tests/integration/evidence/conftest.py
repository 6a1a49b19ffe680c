"""The API on both object store backends: filesystem under ``home`` and S3 on loopback.

``evidence_client`` is parametrised: every test using it runs once per backend. The S3 server
is moto's, started once per session (or a real MinIO: see ``tests/integration/s3server.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.integration.s3server import S3Server, s3_bucket, s3_server_session
from tests.job_worker import job_worker

BASE_URL = "http://testserver.local"


@pytest.fixture(scope="session")
def evidence_s3_server() -> Iterator[S3Server]:
    with s3_server_session() as server:
        yield server


@pytest.fixture(params=["filesystem", "s3"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def evidence_settings(settings: Settings, backend: str, request: pytest.FixtureRequest) -> Iterator[Settings]:
    base = replace(settings, public_url=BASE_URL)
    if backend == "filesystem":
        yield base
        return
    server: S3Server = request.getfixturevalue("evidence_s3_server")
    with s3_bucket(server) as bucket:
        yield replace(
            base,
            s3_endpoint=server.endpoint,
            s3_access_key=server.access_key,
            s3_secret_key=server.secret_key,
            s3_bucket=bucket,
            s3_region=server.region,
        )


@pytest.fixture
def evidence_client(evidence_settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    app = create_app(evidence_settings)
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def evidence_worker(evidence_settings: Settings) -> Iterator[None]:
    """A job worker on the same store: thumbnails are jobs (``dispatch/evidence/thumbnails.py``)."""
    with job_worker(evidence_settings):
        yield
