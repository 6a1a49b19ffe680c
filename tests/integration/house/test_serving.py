"""``api.serving``: the one helper that starts ``aftersales serve`` and waits for ``/health``."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from api.serving import ServerDidNotStart, served
from tests.conftest import SECRET


def group_gone(pgid: int, timeout_s: float = 10.0) -> bool:
    """Whether no live process is left in the group (zombies being reaped by init do not count)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        alive = [p for p in Path("/proc").glob("[0-9]*") if _live_member(p, pgid)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _live_member(proc: Path, pgid: int) -> bool:
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and int(fields[2]) == pgid


@pytest.mark.parametrize("server", [None, "granian"])
def test_served_instance_answers_health_and_stops_its_process_group(
    database_url: str, tmp_path: Path, server: str | None
) -> None:
    """With the default server and with ``--server granian`` (ADR 0016), two workers."""
    env = {
        "AFTERSALES_HOME": str(tmp_path),
        "AFTERSALES_DATABASE_URL": database_url,
        "AFTERSALES_SECRET_KEY": SECRET,
    }
    with served(env, log=tmp_path / "serve.log", workers=2, server=server) as instance:
        answer = httpx.get(f"{instance.base_url}/health", timeout=5)
        assert answer.status_code == 200
        assert answer.json()["status"] == "ok"
        pid = instance.process.pid
    assert instance.process.poll() is not None
    assert group_gone(pid), "a process of the served instance's group outlived it"


def test_a_server_that_cannot_start_fails_fast_with_its_log(database_url: str, tmp_path: Path) -> None:
    env = {
        "AFTERSALES_HOME": str(tmp_path),
        "AFTERSALES_DATABASE_URL": database_url,
        "AFTERSALES_DB_POOL_SIZE": "plenty",
    }
    with (
        pytest.raises(ServerDidNotStart, match="AFTERSALES_DB_POOL_SIZE"),
        served(env, log=tmp_path / "serve.log", timeout_s=30),
    ):
        pass


def test_granian_access_log_is_redacted_like_uvicorns(database_url: str, tmp_path: Path) -> None:
    """granian hands path and query to the access log apart; the filter redacts them as one."""
    env = {
        "AFTERSALES_HOME": str(tmp_path),
        "AFTERSALES_DATABASE_URL": database_url,
        "AFTERSALES_SECRET_KEY": SECRET,
    }
    log = tmp_path / "serve.log"
    with served(env, log=log, log_level="info", server="granian") as instance:
        httpx.get(f"{instance.base_url}/track/osmand/dev-s3cr3t?id=1&lat=37.4", timeout=5)
        httpx.get(f"{instance.base_url}/api/v1/events?topics=tickets&token=abc", timeout=5)
    text = log.read_text()
    assert '"GET /track/osmand/***?*** HTTP/1.1"' in text
    assert '"GET /api/v1/events?topics=tickets&token=*** HTTP/1.1"' in text
    assert "dev-s3cr3t" not in text and "token=abc" not in text
