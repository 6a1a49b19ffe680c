"""One served instance: ``aftersales serve`` on a free loopback port, ready once ``/health`` is ok.

Shared by the tests that need a real server process (live streams, browser, crash tests) and by
the HTTP benchmarks in ``bench/``, so "start a server and wait until healthy" exists once::

    with served({"AFTERSALES_DATABASE_URL": url, "AFTERSALES_SECRET_KEY": key}, workers=2) as s:
        httpx.get(f"{s.base_url}/health")

The server runs in its own process group (its workers included); leaving the block stops the
whole group (SIGTERM, then SIGKILL after ``stop_timeout_s``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


class ServerDidNotStart(RuntimeError):
    """The served instance exited or never answered ``/health`` with 200 in time."""


@dataclass(frozen=True, slots=True)
class Served:
    base_url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path | None
    """Where the server's stdout and stderr go (``None``: discarded)."""

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log and self.log.exists() else ""


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(
    base_url: str, process: subprocess.Popen[bytes] | None = None, timeout_s: float = 60.0
) -> None:
    """Poll ``GET /health`` until it answers 200; fail early when ``process`` has exited."""
    deadline = time.monotonic() + timeout_s
    while True:
        if process is not None and process.poll() is not None:
            raise ServerDidNotStart(f"the server exited with {process.returncode} during start-up")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise ServerDidNotStart(f"{base_url}/health did not answer 200 within {timeout_s:.0f} s")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL if it is still there."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout_s)
            return
        except subprocess.TimeoutExpired:
            continue
    process.wait()


@contextmanager
def served(
    env: Mapping[str, str],
    *,
    workers: int = 1,
    job_workers: int = 0,
    log_level: str = "warning",
    log: Path | None = None,
    timeout_s: float = 60.0,
    stop_timeout_s: float = 15.0,
    server: str | None = None,
) -> Iterator[Served]:
    """``aftersales serve --port P`` with ``env`` over this process's environment, and
    ``job_workers`` job workers beside it (``--job-workers``).

    ``server`` picks the ASGI server (``--server``); ``None`` serves with the default.
    ``AFTERSALES_PUBLIC_URL`` defaults to the served address. The start-up failure message carries
    the tail of ``log`` when one is given.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "AFTERSALES_PUBLIC_URL": base_url, **env}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)]
    command += ["--log-level", log_level, "--job-workers", str(job_workers)]
    if server is not None:
        command += ["--server", server]
    with contextlib.ExitStack() as files:
        out = files.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    instance = Served(base_url, port, process, log)
    try:
        try:
            wait_healthy(base_url, process, timeout_s)
        except ServerDidNotStart as err:
            raise ServerDidNotStart(f"{err}\n{instance.log_tail()}") from None
        yield instance
    finally:
        stop(process, stop_timeout_s)
