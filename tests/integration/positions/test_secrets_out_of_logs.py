"""Secrets out of logs: the access log of a real ``aftersales serve``, SQL errors, serve's output.

A device's ingest URL is its password; a tracking link's token is the customer's. Whoever reads the
service's logs must not find them there, nor a customer's name or phone from a failed SQL
statement, nor a ready-made dispatcher token printed at start-up.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text

from api.composition import make_engine
from api.settings import Settings
from tests.conftest import SECRET
from tests.integration.console.server import serve
from tests.integration.customer_tracking.served import live_job


def test_access_log_redacts_device_secrets_and_tracking_tokens(module_database: str, tmp_path: Path) -> None:
    with serve(module_database, tmp_path / "home", log_level="info") as served:
        job = live_job(served.base_url)
        device = httpx.post(
            f"{served.base_url}/api/v1/devices",
            json={"technician_id": job.technician_id, "protocol": "osmand"},
            headers=job.office,
            timeout=10,
        )
        assert device.status_code == 201, device.text
        ingest = urlsplit(device.json()["ingest_url"])
        secret = ingest.path.rsplit("/", 1)[-1]
        fix = httpx.get(
            f"{served.base_url}{ingest.path}",
            params={"id": "phone-1", "lat": 37.46, "lon": 121.45, "timestamp": int(time.time())},
            timeout=10,
        )
        assert fix.status_code == 200, fix.text
        token = job.link()["token"]
        assert httpx.get(f"{served.base_url}/api/v1/track/{token}", timeout=10).status_code == 200
        assert httpx.get(f"{served.base_url}/track/{token}", timeout=10).status_code == 200
        log = served.log.read_text()
    assert "GET /track/osmand/***?*** HTTP/1.1" in log  # the request was logged, redacted
    assert "/api/v1/track/*** HTTP/1.1" in log and "GET /track/*** HTTP/1.1" in log
    assert secret not in log
    assert token not in log
    assert "aftersales token --role dispatcher" in log  # how to get a token …
    assert "eyJ" not in log  # … but never a token (every JWT starts with eyJ)


def test_sql_errors_carry_no_parameter_values(database_url: str, tmp_path: Path) -> None:
    """The service's engine (``hide_parameters``): a failed statement's error, as logged with its
    stack, names the SQL but none of the bound values."""
    settings = Settings(home=tmp_path, database_url=database_url, secret_key=SECRET, db_pool_size=2)
    engine = make_engine(settings)  # the one the composition root builds for the app
    phone, name = "13800138000", "张伟 Zhang Wei"

    async def failing() -> BaseException:
        try:
            async with engine.connect() as connection:
                await connection.execute(
                    text("SELECT CAST(:phone AS integer), :name::text"), {"phone": phone, "name": name}
                )
        except Exception as error:
            return error
        finally:
            await engine.dispose()
        raise AssertionError("the statement should have failed")

    error = asyncio.run(failing())
    logged = "".join(traceback.format_exception(error))
    assert "CAST" in logged  # the statement is there …
    assert phone not in logged and "Zhang" not in logged  # … its values are not
