"""The OSRM table adapter against a loopback HTTP server serving canned OSRM answers.

The answers follow the Table service response of the OSRM HTTP API (Project-OSRM/osrm-backend,
docs/http.md, "Table service": ``code``, ``durations``, ``distances``, ``sources``,
``destinations``; each waypoint has ``hint``, ``distance``, ``name``, ``location``; ``null`` for
pairs without a route). Layout and field order copy a verbatim osrm-routed answer; the
numbers are for the Shenzhen points below.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import numpy as np
import pytest

from geo.coordinates import LonLat
from geo.errors import TravelTimeUnavailable
from geo.traveltime import UNREACHABLE, OsrmTableModel, TravelModel

FUTIAN = LonLat(114.055036, 22.521541)
NANSHAN = LonLat(113.930478, 22.533013)
LUOHU = LonLat(114.131691, 22.548456)
NEILINGDING = LonLat(113.795, 22.418)  # island: OSRM finds no road from the mainland

_WAYPOINT = {
    FUTIAN: ("Fuhua 3rd Road", [114.055127, 22.521402], 17.44702719),
    NANSHAN: ("Nanhai Avenue", [113.930651, 22.533144], 22.58161322),
    LUOHU: ("Shennan East Road", [114.131573, 22.548601], 19.93871185),
    NEILINGDING: ("", [113.795219, 22.417794], 31.25098812),
}


def _waypoint(point: LonLat, distance: float | None = None) -> dict[str, Any]:
    name, location, snapped = _WAYPOINT[point]
    return {
        "hint": "jzMDgP___38YAAAAhwAAAAAAAAAAAAAAl5yAQfE5lEIAAAAAAAAAABgAAACHAAAAAAAAAAAAAAB-BQAA",
        "location": location,
        "name": name,
        "distance": snapped if distance is None else distance,
    }


# GET /table/v1/driving/FUTIAN;NANSHAN;LUOHU;NEILINGDING
#     ?sources=0;1&destinations=2;3&annotations=duration,distance
TABLE_WITH_ISLAND: dict[str, Any] = {
    "code": "Ok",
    "distances": [[9748.3, None], [24873.1, None]],
    "destinations": [_waypoint(LUOHU), _waypoint(NEILINGDING)],
    "durations": [[1032.4, None], [1707.9, None]],
    "sources": [_waypoint(FUTIAN), _waypoint(NANSHAN)],
}


@dataclass
class FakeOsrm:
    """What the loopback server answers, and the request paths it saw."""

    status: int = 200
    body: bytes = b""
    paths: list[str] = field(default_factory=list)
    base_url: str = ""

    def answer(self, payload: dict[str, Any], status: int = 200) -> None:
        self.status, self.body = status, json.dumps(payload).encode()


@pytest.fixture
def osrm() -> Iterator[FakeOsrm]:
    fake = FakeOsrm()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.paths.append(self.path)
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(fake.body)))
            self.end_headers()
            self.wfile.write(fake.body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_maps_the_table_and_null_cells(osrm: FakeOsrm) -> None:
    osrm.answer(TABLE_WITH_ISLAND)
    model: TravelModel = OsrmTableModel(osrm.base_url)
    result = model.matrix([FUTIAN, NANSHAN], [LUOHU, NEILINGDING])
    assert result.shape == (2, 2)
    assert result.meters.tolist() == [[9748, UNREACHABLE], [24873, UNREACHABLE]]
    assert result.seconds.tolist() == [[1032, UNREACHABLE], [1708, UNREACHABLE]]
    assert result.reachable.tolist() == [[True, False], [True, False]]


def test_sends_origins_then_destinations_selected_by_index(osrm: FakeOsrm) -> None:
    osrm.answer(TABLE_WITH_ISLAND)
    with httpx.Client() as client:
        OsrmTableModel(osrm.base_url, client).matrix([FUTIAN, NANSHAN], [LUOHU, NEILINGDING])
    (path,) = osrm.paths
    url = urlsplit(path)
    assert url.path == (
        "/table/v1/driving/"
        "114.055036,22.521541;113.930478,22.533013;114.131691,22.548456;113.795000,22.418000"
    )
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        "sources": "0;1",
        "destinations": "2;3",
        "annotations": "duration,distance",
    }


def test_points_snapped_far_away_are_unreachable(osrm: FakeOsrm) -> None:
    # OSRM snaps a point outside its extract to the nearest road it knows, however far.
    far = dict(TABLE_WITH_ISLAND)
    far["distances"] = [[9748.3, 181000.0], [24873.1, 180500.0]]
    far["durations"] = [[1032.4, 9000.0], [1707.9, 8900.0]]
    far["destinations"] = [_waypoint(LUOHU), _waypoint(NEILINGDING, distance=4724549.0)]
    osrm.answer(far)
    result = OsrmTableModel(osrm.base_url).matrix([FUTIAN, NANSHAN], [LUOHU, NEILINGDING])
    assert result.reachable.tolist() == [[True, False], [True, False]]
    assert np.all(result.meters[:, 1] == UNREACHABLE)


def test_error_codes_raise_travel_time_unavailable(osrm: FakeOsrm) -> None:
    osrm.answer({"code": "InvalidQuery", "message": "Query string malformed"}, status=400)
    with pytest.raises(TravelTimeUnavailable, match="InvalidQuery"):
        OsrmTableModel(osrm.base_url).matrix([FUTIAN], [LUOHU])


def test_non_json_answer_raises_travel_time_unavailable(osrm: FakeOsrm) -> None:
    osrm.status, osrm.body = 502, b"<html>Bad Gateway</html>"
    with pytest.raises(TravelTimeUnavailable, match="request failed"):
        OsrmTableModel(osrm.base_url).matrix([FUTIAN], [LUOHU])


def test_wrong_shape_raises_travel_time_unavailable(osrm: FakeOsrm) -> None:
    osrm.answer({"code": "Ok", "durations": [[1.0]], "distances": [[1.0]]})
    with pytest.raises(TravelTimeUnavailable, match="shape"):
        OsrmTableModel(osrm.base_url).matrix([FUTIAN, NANSHAN], [LUOHU])


def test_connection_refused_raises_travel_time_unavailable() -> None:
    with socket.socket() as sock:  # find a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TravelTimeUnavailable):
        OsrmTableModel(f"http://127.0.0.1:{port}", timeout_s=2.0).matrix([FUTIAN], [LUOHU])


def test_empty_inputs_make_no_request(osrm: FakeOsrm) -> None:
    result = OsrmTableModel(osrm.base_url).matrix([], [LUOHU])
    assert result.shape == (0, 1)
    assert osrm.paths == []
