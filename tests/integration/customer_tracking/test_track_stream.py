"""The tracking page's live stream against a real ``aftersales serve`` (R-TR-2, R-TR-3, R-TR-5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.integration.console.server import Served, sse
from tests.integration.customer_tracking.served import live_job


def test_r_tr_5_positions_are_pushed_filtered_and_resumable(served: Served) -> None:
    job = live_job(served.base_url)
    token = job.link()["token"]
    path = f"/api/v1/track/{token}/events"
    start = datetime.now(UTC) - timedelta(minutes=10)
    with sse(served.base_url, {}, path) as stream:
        first = json.loads(stream.until(lambda e: e.event == "track").data)
        assert first["state"] == "scheduled" and first["position"] is None
        job.drive(30_000, start)  # before departure: nothing the customer may see changes
        job.send("accept", at=start + timedelta(minutes=1))
        job.send("depart", at=start + timedelta(minutes=2))
        en_route = json.loads(stream.until(lambda e: e.event == "track").data)
        assert en_route["state"] == "en_route" and en_route["position"] is None
        job.drive(20_000, start + timedelta(minutes=8))
        moving = stream.until(lambda e: e.event == "track")
        body = json.loads(moving.data)
        assert body["position"] is not None and body["eta"] is not None
        assert moving.id is not None and int(moving.id) > 0
    # reconnecting with Last-Event-ID: nothing new → no snapshot; a new fix → pushed
    with sse(served.base_url, {"Last-Event-ID": str(moving.id)}, path) as again:
        job.drive(18_500, start + timedelta(minutes=9))  # 90 km/h: plausible
        nxt = again.next(timeout=5)
        assert nxt.event == "track" and int(str(nxt.id)) > int(moving.id)
        closer = json.loads(nxt.data)
        assert closer["eta"] < body["eta"]
    with sse(served.base_url, {"Last-Event-ID": "1"}, path) as replay:  # missed changes: the snapshot
        assert json.loads(replay.next(timeout=5).data)["eta"] == closer["eta"]
