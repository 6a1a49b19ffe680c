"""The console's client-side rules checked against the Python ones they mirror.

The map converts WGS-84 to the tiles' datum in the browser (``console/src/datum.js``): it must
give what ``geo.datums`` gives. The risk colours (``console/src/risk.js``) must follow
``dispatch.live.service.deadline_risk`` (R-DI-2). Node runs the ES modules as the browser would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dispatch.live.service import DeadlineRisk, LiveMessage, deadline_risk, parse_notification, parse_topics
from geo.datums import wgs84_to_bd09, wgs84_to_gcj02

SRC = Path(__file__).resolve().parents[3] / "console" / "src"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is missing: `make setup` installs nodejs")

POINTS = [
    (121.447, 37.464),
    (104.066, 30.572),
    (116.397, 39.909),
    (87.6, 43.8),
    (2.35, 48.85),
    (-73.98, 40.75),
]


def _node(script: str) -> object:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    return json.loads(done.stdout)


@needs_node
def test_js_datum_transforms_match_geo_datums() -> None:
    """Every point drawn on GCJ-02/BD-09 tiles lands where geo.datums puts it (< 1e-9°, ~0.1 mm)."""
    got = _node(
        f"import {{ fromWgs84 }} from '{SRC / 'datum.js'}';"
        f"const pts = {json.dumps(POINTS)};"
        "console.log(JSON.stringify(pts.map(([x, y]) => [fromWgs84(x, y, 'GCJ02'), fromWgs84(x, y, 'BD09'),"
        " fromWgs84(x, y, 'WGS84')])));"
    )
    assert isinstance(got, list)
    for (lon, lat), (gcj, bd, wgs) in zip(POINTS, got, strict=True):
        assert gcj == pytest.approx(wgs84_to_gcj02(lon, lat), abs=1e-9)
        assert bd == pytest.approx(wgs84_to_bd09(lon, lat), abs=1e-9)
        assert wgs == [lon, lat]
    assert got[0][0] != [POINTS[0][0], POINTS[0][1]]  # inside China the shift is real


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
RISK_CASES = [
    # (hours since reported, hours left, status) → risk
    (20, 4, "new", DeadlineRisk.AT_RISK),  # 4 h of a 24 h window: under 25 %
    (12, 12, "new", DeadlineRisk.OK),
    (2, 1.5, "dispatched", DeadlineRisk.AT_RISK),  # 3.5 h window: 25 % is < 2 h, the floor rules
    (60, 10, "in_progress", DeadlineRisk.AT_RISK),  # 10 h of 70 h: under 25 %
    (30, 42, "new", DeadlineRisk.OK),
    (25, -1, "dispatched", DeadlineRisk.LATE),
    (25, -1, "resolved", DeadlineRisk.DONE),
    (1, None, "needs_deadline", DeadlineRisk.NO_DEADLINE),
]


def _case(since: float, left: float | None) -> tuple[datetime, datetime | None]:
    return NOW - timedelta(hours=since), (NOW + timedelta(hours=left) if left is not None else None)


@pytest.mark.parametrize(("since", "left", "status", "expected"), RISK_CASES)
def test_deadline_risk_r_di_2(since: float, left: float | None, status: str, expected: DeadlineRisk) -> None:
    """R-DI-2: at risk under 25 % of the promised window or under 2 h; late past the deadline."""
    reported, deadline = _case(since, left)
    assert deadline_risk(NOW, reported, deadline, status) is expected


@needs_node
def test_js_deadline_risk_follows_the_python_rule() -> None:
    cases = []
    for since, left, status, expected in RISK_CASES:
        reported, deadline = _case(since, left)
        cases.append(
            [reported.isoformat(), deadline.isoformat() if deadline else None, status, expected.value]
        )
    got = _node(
        f"import {{ deadlineRisk }} from '{SRC / 'risk.js'}';"
        f"const cases = {json.dumps(cases)}; const now = Date.parse('{NOW.isoformat()}');"
        "console.log(JSON.stringify(cases.map(([r, d, s]) => deadlineRisk(now, r, d, s))));"
    )
    assert got == [case[3] for case in cases]


def test_notification_payload_round_trips() -> None:
    payload = (
        '{"id": 7, "topic": "tickets", "kind": "ticket.created", '
        '"subject": "5b0f3c1e-1d3f-4a4e-9a55-0e0b7c1d2e3f", "at": "2026-03-02T12:00:00+00:00", '
        '"data": {"id": "5b0f3c1e-1d3f-4a4e-9a55-0e0b7c1d2e3f", "status": "new"}}'
    )
    message = parse_notification(payload.encode())
    assert isinstance(message, LiveMessage)
    assert (message.id, message.topic, message.data["status"]) == (7, "tickets", "new")
    assert json.loads(message.to_json())["subject"] == "5b0f3c1e-1d3f-4a4e-9a55-0e0b7c1d2e3f"


def test_topics_are_checked() -> None:
    assert parse_topics(None) is None
    assert parse_topics("tickets, positions") == {"tickets", "positions"}
    with pytest.raises(ValueError, match="weather"):
        parse_topics("tickets,weather")


def test_channel_name_matches_the_migration() -> None:
    """The API listens on the channel the triggers notify (two copies of one string)."""
    from dispatch.live.service import CHANNEL

    migration = (Path(__file__).resolve().parents[3] / "migrations" / "versions" / "0005_live.py").read_text()
    assert f'CHANNEL = "{CHANNEL}"' in migration
