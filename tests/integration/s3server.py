"""An S3 server on loopback for the integration tests (R-NW-1 evidence storage).

By default the test session starts moto's S3 server in-process
(``ThreadedMotoServer(ip_address="127.0.0.1", port=0)``, about 0.3 s) and talks real S3 HTTP
to it through the ``minio`` SDK and ``httpx``. moto does not verify SigV4 signatures or
presigned-URL expiry, so the tests that need that are skipped on moto.

Running the same tests against a real MinIO
-------------------------------------------
Set one variable (the keys default to MinIO's ``minioadmin``/``minioadmin``)::

    AFTERSALES_TEST_S3_ENDPOINT=http://127.0.0.1:9000 \\
    AFTERSALES_TEST_S3_ACCESS_KEY=minioadmin AFTERSALES_TEST_S3_SECRET_KEY=minioadmin \\
    .venv/bin/pytest -m integration tests/integration/objectstore

Optional: ``AFTERSALES_TEST_S3_REGION`` (default ``us-east-1``). Each test then works in its
own fresh bucket (``aftersales-test-<random>``) which is emptied (all versions) and removed
afterwards; the signature- and expiry-checking tests run too. The test code reads these
variables itself: application code reads settings only through ``api`` settings.

The lead's ``tests/integration/conftest.py`` can import ``s3_server_session`` and
``s3_bucket`` from here to build its own fixtures.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from minio import Minio
from minio.error import S3Error

from storage.objectstore.s3 import parse_endpoint

ENV_ENDPOINT = "AFTERSALES_TEST_S3_ENDPOINT"
ENV_ACCESS_KEY = "AFTERSALES_TEST_S3_ACCESS_KEY"
ENV_SECRET_KEY = "AFTERSALES_TEST_S3_SECRET_KEY"
ENV_REGION = "AFTERSALES_TEST_S3_REGION"


@dataclass(frozen=True, slots=True)
class S3Server:
    """How to reach the S3 server the tests use."""

    endpoint: str
    access_key: str
    secret_key: str
    region: str
    kind: Literal["moto", "external"]

    @property
    def verifies_signatures(self) -> bool:
        """moto accepts any signature and expired presigned URLs; real servers do not."""
        return self.kind == "external"

    def client(self) -> Minio:
        """A minio client for test set-up and inspection."""
        host, secure = parse_endpoint(self.endpoint)
        return Minio(host, self.access_key, self.secret_key, secure=secure, region=self.region)


@contextmanager
def moto_s3_server() -> Iterator[S3Server]:
    """Start moto's S3 server on 127.0.0.1 with a free port; stop it afterwards."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Server(f"http://{host}:{port}", "testing", "testing-secret", "us-east-1", "moto")
    finally:
        server.stop()


@contextmanager
def s3_server_session() -> Iterator[S3Server]:
    """The external server named by ``AFTERSALES_TEST_S3_ENDPOINT``, else a fresh moto."""
    endpoint = os.environ.get(ENV_ENDPOINT, "").strip()
    if endpoint:
        yield S3Server(
            endpoint=endpoint,
            access_key=os.environ.get(ENV_ACCESS_KEY, "minioadmin"),
            secret_key=os.environ.get(ENV_SECRET_KEY, "minioadmin"),
            region=os.environ.get(ENV_REGION, "us-east-1"),
            kind="external",
        )
        return
    with moto_s3_server() as server:
        yield server


def unique_bucket_name(prefix: str = "aftersales-test") -> str:
    """A bucket name no other test uses (S3 rules: lower case, 3–63 characters)."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@contextmanager
def s3_bucket(server: S3Server) -> Iterator[str]:
    """A unique bucket name; the bucket (if the test created it) is removed afterwards."""
    name = unique_bucket_name()
    try:
        yield name
    finally:
        remove_bucket(server.client(), name)


def remove_bucket(client: Minio, bucket: str) -> None:
    """Delete every object version and delete marker, then the bucket itself."""
    try:
        if not client.bucket_exists(bucket):
            return
        for obj in client.list_objects(bucket, recursive=True, include_version=True):
            if obj.object_name is not None:
                client.remove_object(bucket, obj.object_name, version_id=obj.version_id)
        client.remove_bucket(bucket)
    except S3Error as exc:  # best effort: a leftover test bucket must not fail the test
        logging.getLogger(__name__).warning("could not remove bucket %s: %s", bucket, exc)
