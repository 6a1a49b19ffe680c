"""SIGTERM drains: a request in flight when ``serve`` is told to stop still gets its answer.

A deployment stops a process with SIGTERM (systemd, a rolling update). uvicorn then stops
accepting connections and lets the requests it is serving finish within
``aftersales serve --graceful-timeout`` (docs/operations.md "Processes and shutdown"). The
request here is a phone's photo upload whose body is still arriving when the signal comes.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import Auth
from tests.integration.console.server import serve
from tests.integration.helpers import YANTAI, call, site_at

PART = 64 * 1024
PARTS = 16


def _post(base_url: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(f"{base_url}{path}", json=body, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _upload_target(base_url: str, office: dict[str, str], data: bytes) -> dict[str, Any]:
    plant = _post(
        base_url, "/api/v1/plants", {"name": "Yantai", "location": YANTAI, "policy": "vehicle-500km"}, office
    )
    ticket = _post(base_url, "/api/v1/tickets", call(str(plant["id"]), site_at(40)), office)
    announced = {
        "kind": "before",
        "filename": "IMG_0001.jpg",
        "content_type": "image/jpeg",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "source": "camera",
    }
    return _post(base_url, f"/api/v1/tickets/{ticket['id']}/evidence", announced, office)


def test_sigterm_lets_an_upload_in_flight_finish(module_database: str, tmp_path: Path, auth: Auth) -> None:
    data = bytes(range(256)) * (PART * PARTS // 256)
    with serve(module_database, tmp_path / "home") as served:
        target = _upload_target(served.base_url, auth("dispatcher"), data)
        half_sent = threading.Event()
        carry_on = threading.Event()

        def body() -> Iterator[bytes]:
            for index in range(PARTS):
                if index == PARTS // 2:
                    half_sent.set()
                    assert carry_on.wait(10), "the test never let the upload go on"
                yield data[index * PART : (index + 1) * PART]

        answer: dict[str, httpx.Response] = {}

        def upload() -> None:
            headers = {**target["headers"], "Content-Length": str(len(data))}
            answer["response"] = httpx.put(target["upload_url"], content=body(), headers=headers, timeout=30)

        uploading = threading.Thread(target=upload)
        uploading.start()
        assert half_sent.wait(10), "the upload did not start"
        served.process.send_signal(signal.SIGTERM)
        carry_on.set()
        uploading.join(30)
        assert "response" in answer, "the upload got no answer"
        assert answer["response"].status_code == 200, answer["response"].text
        # then it ends by itself; uvicorn re-raises the signal after its graceful shutdown
        assert served.process.wait(timeout=20) in (0, -signal.SIGTERM)
