"""A real ``aftersales serve`` process on a free loopback port, for live streams and browser tests.

SSE through Litestar's ``TestClient`` is buffered until the stream ends (ADR 0002), so live
behaviour is tested against the service started as the README starts it, on the test's database.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.serving import Served, served
from tests.conftest import SECRET

__all__ = ["Served", "SseEvent", "SseReader", "serve", "sse"]


@contextmanager
def serve(
    database_url: str,
    home: Path,
    extra_env: dict[str, str] | None = None,
    log_level: str = "warning",
    job_workers: int = 0,
) -> Iterator[Served]:
    """``aftersales serve`` (``api.serving``) with ``AFTERSALES_DATABASE_URL`` = the test's database."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "AFTERSALES_HOME": str(home),
        "AFTERSALES_DATABASE_URL": database_url,
        "AFTERSALES_SECRET_KEY": SECRET,
        "AFTERSALES_DB_POOL_SIZE": "2",
        **(extra_env or {}),
    }
    with served(
        env, log=home / "serve.log", timeout_s=30, log_level=log_level, job_workers=job_workers
    ) as instance:
        yield instance


@dataclass
class SseEvent:
    id: str | None
    event: str
    data: str


@dataclass
class SseReader:
    """Reads an SSE stream in a thread; ``next()`` waits for the next event (or fails)."""

    response: httpx.Response
    events: queue.Queue[SseEvent] = field(default_factory=queue.Queue)

    def start(self) -> SseReader:
        threading.Thread(target=self._run, daemon=True).start()
        return self

    def _run(self) -> None:
        current: dict[str, Any] = {"id": None, "event": "message", "data": []}
        try:
            for line in self.response.iter_lines():
                if line == "":
                    if current["data"]:
                        self.events.put(SseEvent(current["id"], current["event"], "\n".join(current["data"])))
                    current = {"id": None, "event": "message", "data": []}
                elif line.startswith(":"):
                    continue
                else:
                    name, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if name == "data":
                        current["data"].append(value)
                    elif name in ("id", "event"):
                        current[name] = value
        except Exception:  # the test closed the stream under the reader: that ends it
            return

    def next(self, timeout: float = 5.0) -> SseEvent:
        return self.events.get(timeout=timeout)

    def until(self, predicate: Any, timeout: float = 5.0) -> SseEvent:
        """The first event matching ``predicate`` within ``timeout`` seconds."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("no matching event in time")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                raise AssertionError("no matching event in time") from None
            if predicate(event):
                return event


@contextmanager
def sse(base_url: str, headers: dict[str, str], path: str = "/api/v1/events") -> Iterator[SseReader]:
    with (
        httpx.Client(base_url=base_url, timeout=httpx.Timeout(5.0, read=30.0)) as client,
        client.stream("GET", path, headers={**headers, "Accept": "text/event-stream"}) as response,
    ):
        assert response.status_code == 200, response.read()
        reader = SseReader(response).start()
        hello = reader.next()
        assert hello.event == "hello"
        yield reader
