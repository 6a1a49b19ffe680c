"""The working calendar over HTTP and the CLI: plants' working hours, working-time reckoning,
notice imports kept in the database, and ``/health`` (R-IN-4, R-IN-5, R-FU-3).

The app's clock is injected (28 November 2026, a Saturday in China): nothing here depends on the
day the suite runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.composition import build_components
from api.settings import Settings
from tests.conftest import SECRET, Auth
from tests.integration.helpers import create_plant

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
NOTICE_2027 = {
    "source": "国务院办公厅关于2027年部分节假日安排的通知 (test copy)",
    "holidays": [["2027-01-01", "2027-01-03"], ["2027-02-05", "2027-02-11"]],
    "workdays": ["2027-02-20"],
}


@pytest.fixture
def clocked(settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    app = create_app(settings, build_components(settings, clock=lambda: NOW))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _plant(client: TestClient, auth: Auth) -> str:  # type: ignore[type-arg]
    return str(create_plant(client, auth("admin"))["id"])


def _add(client: TestClient, auth: Auth, plant: str, **params: Any) -> Any:  # type: ignore[type-arg]
    return client.get(f"/api/v1/plants/{plant}/calendar/add", params=params, headers=auth("engineer"))


def test_default_hours_and_setting_them_r_in_4(clocked: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    plant = _plant(clocked, auth)
    url = f"/api/v1/plants/{plant}/working-hours"
    default = clocked.get(url, headers=auth("outlet"))
    assert default.status_code == 200, default.text
    assert default.json() == {
        "plant_id": plant,
        "zone": "Asia/Shanghai",
        "periods": [["08:30", "12:00"], ["13:30", "17:30"]],
        "hours_a_day": 7.5,
        "default": True,
    }
    body = {"zone": "Asia/Shanghai", "periods": [["13:00", "17:00"], ["08:00", "12:00"]]}
    assert clocked.put(url, json=body, headers=auth("dispatcher")).status_code == 403
    saved = clocked.put(url, json=body, headers=auth("admin"))
    assert saved.status_code == 200, saved.text
    assert saved.json()["periods"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert clocked.get(url, headers=auth("qa")).json()["default"] is False
    due = _add(clocked, auth, plant, start="2026-11-23T13:00:00+08:00", working_hours=4)
    assert due.json() == {"due_at": "2026-11-23T17:00:00+08:00", "estimated": False}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"zone": "Asia/Shanghai", "periods": [["08:30", "12:00"], ["11:00", "17:30"]]}, "periods[1]"),
        ({"zone": "Asia/Shanghai", "periods": [["17:30", "13:30"]]}, "periods[0]"),
        ({"zone": "Asia/Nowhere", "periods": [["08:30", "12:00"]]}, "zone"),
        ({"zone": "Asia/Shanghai", "periods": [["8.30", "12:00"]]}, "periods[0][0]"),
        ({"zone": "Asia/Shanghai", "periods": []}, "periods"),
    ],
)
def test_bad_hours_answer_400_naming_the_field(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    body: dict[str, Any],
    field: str,
) -> None:
    plant = _plant(clocked, auth)
    response = clocked.put(f"/api/v1/plants/{plant}/working-hours", json=body, headers=auth("admin"))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


def test_unknown_plant_is_404(clocked: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    missing = "00000000-0000-4000-8000-000000000000"
    body = {"zone": "Asia/Shanghai", "periods": [["08:30", "12:00"]]}
    assert (
        clocked.put(f"/api/v1/plants/{missing}/working-hours", json=body, headers=auth("admin")).status_code
        == 404
    )
    assert _add(clocked, auth, missing, start="2026-11-23T09:00:00+08:00", working_hours=1).status_code == 404


@pytest.mark.parametrize(
    ("start", "hours", "due", "estimated"),
    [
        ("2026-11-23T13:30:00+08:00", 4, "2026-11-23T17:30:00+08:00", False),  # the period's end
        ("2026-11-23T05:30:00Z", 4, "2026-11-23T17:30:00+08:00", False),  # given in UTC, answered local
        ("2026-11-20T17:15:00+08:00", 0.5, "2026-11-23T08:45:00+08:00", False),  # over the weekend
        ("2026-02-13T17:00:00+08:00", 1, "2026-02-14T09:00:00+08:00", False),  # make-up Saturday
        ("2026-12-31T16:00:00+08:00", 4, "2027-01-04T11:00:00+08:00", True),  # into estimated 2027
    ],
)
def test_add_working_hours_on_the_plants_calendar_r_in_4(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    start: str,
    hours: float,
    due: str,
    estimated: bool,
) -> None:
    response = _add(clocked, auth, _plant(clocked, auth), start=start, working_hours=hours)
    assert response.status_code == 200, response.text
    assert response.json() == {"due_at": due, "estimated": estimated}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-11-23T09:00:00+08:00"}, "working_hours"),
        ({"working_hours": "4"}, "start"),
        ({"start": "2026-11-23T09:00:00+08:00", "working_hours": "-1"}, "working_hours"),
        ({"start": "2026-11-23T09:00:00+08:00", "working_hours": "100000"}, "working_hours"),
        ({"start": "2026-11-23T09:00:00+08:00", "working_hours": "nan"}, "working_hours"),
        ({"start": "2026-11-23T09:00:00+08:00", "working_hours": "four"}, "working_hours"),
        ({"start": "23 Nov 2026 09:00", "working_hours": "4"}, "start"),
        ({"start": "2026-11-23T09:00:00", "working_hours": "4"}, "start"),  # no offset: ambiguous
        ({"start": "1999-11-23T09:00:00+08:00", "working_hours": "4"}, "start"),  # no calendar then
    ],
)
def test_bad_reckoning_input_answers_400_naming_the_field(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    params: dict[str, str],
    field: str,
) -> None:
    response = _add(clocked, auth, _plant(clocked, auth), **params)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


def test_elapsed_working_time_r_in_5(clocked: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    plant = _plant(clocked, auth)
    url = f"/api/v1/plants/{plant}/calendar/elapsed"
    params = {"start": "2026-11-20T16:00:00+08:00", "end": "2026-11-23T11:00:00+08:00"}
    response = clocked.get(url, params=params, headers=auth("dispatcher"))
    assert response.status_code == 200, response.text
    assert response.json() == {"working_hours": 4.0, "estimated": False}
    backwards = clocked.get(url, params={"start": params["end"], "end": params["start"]}, headers=auth("qa"))
    assert backwards.status_code == 400
    assert backwards.json()["field"] == "end"


def test_an_imported_notice_replaces_the_estimate_for_every_reader(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    plant = _plant(clocked, auth)
    before = clocked.get("/api/v1/calendar/years/2027", headers=auth("engineer")).json()
    assert (before["origin"], before["estimated"], before["workdays"]) == ("estimated", True, [])
    assert _add(clocked, auth, plant, start="2027-02-04T17:00:00+08:00", working_hours=1).json() == {
        "due_at": "2027-02-09T09:00:00+08:00",  # estimated: 除夕 … 初三, then back on Tuesday
        "estimated": True,
    }
    body = {"years": {"2027": NOTICE_2027}}
    assert clocked.post("/api/v1/calendar/notices", json=body, headers=auth("dispatcher")).status_code == 403
    imported = clocked.post("/api/v1/calendar/notices", json=body, headers=auth("admin"))
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": [{"year": 2027, "replaced": "estimated"}]}

    after = clocked.get("/api/v1/calendar/years/2027", headers=auth("engineer")).json()
    assert (after["origin"], after["estimated"], after["source"]) == (
        "imported",
        False,
        NOTICE_2027["source"],
    )
    assert _add(clocked, auth, plant, start="2027-02-04T17:00:00+08:00", working_hours=1).json() == {
        "due_at": "2027-02-12T09:00:00+08:00",  # the notice's week off
        "estimated": False,
    }
    again = clocked.post("/api/v1/calendar/notices", json=body, headers=auth("admin"))
    assert again.json() == {"imported": [{"year": 2027, "replaced": "imported"}]}


@pytest.mark.parametrize(
    ("year", "field"),
    [
        (
            {
                "2027": {
                    **NOTICE_2027,
                    "holidays": [["2027-02-05", "2027-02-11"], ["2027-02-10", "2027-02-12"]],
                }
            },
            "years.2027.holidays[1]",
        ),
        ({"2027": {**NOTICE_2027, "workdays": ["2027-02-06"]}}, "years.2027.workdays[0]"),
        ({"27": NOTICE_2027}, "years.27"),
    ],
)
def test_a_bad_notice_is_400_naming_the_field_and_nothing_is_kept(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    year: dict[str, Any],
    field: str,
) -> None:
    response = clocked.post("/api/v1/calendar/notices", json={"years": year}, headers=auth("admin"))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_calendar"
    assert response.json()["field"] == field
    assert clocked.get("/api/v1/calendar/years/2027", headers=auth("admin")).json()["origin"] == "estimated"


def test_health_says_whether_this_and_next_year_are_estimated(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    health = clocked.get("/health")
    assert health.status_code == 200, health.text
    assert health.json()["calendar"] == [
        {"year": 2026, "estimated": False, "origin": "packaged"},
        {"year": 2027, "estimated": True, "origin": "estimated"},
    ]
    clocked.post("/api/v1/calendar/notices", json={"years": {"2027": NOTICE_2027}}, headers=auth("admin"))
    assert clocked.get("/health").json()["calendar"][1] == {
        "year": 2027,
        "estimated": False,
        "origin": "imported",
    }


def _cli(database_url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AFTERSALES_HOME": str(home), "AFTERSALES_DATABASE_URL": database_url}
    env["AFTERSALES_SECRET_KEY"] = SECRET
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_import_persists_for_every_process_and_refuses_bad_files(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    database_url: str,
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[years.2027]\nsource = "x"\nholidays = [["2027-10-01", "2027-10-07"], ["2027-10-07", "2027-10-08"]]\n'
        "workdays = []\n",
        encoding="utf-8",
    )
    refused = _cli(database_url, tmp_path, "calendar", "import", str(bad))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "years.2027.holidays[1]" in refused.stderr and "overlaps" in refused.stderr

    good = tmp_path / "notice-2027.toml"
    good.write_text(
        '[years.2027]\nsource = "国务院办公厅关于2027年部分节假日安排的通知"\n'
        'holidays = [["2027-01-01", "2027-01-03"], ["2027-02-05", "2027-02-11"]]\nworkdays = ["2027-02-20"]\n',
        encoding="utf-8",
    )
    imported = _cli(database_url, tmp_path, "calendar", "import", str(good))
    assert imported.returncode == 0, imported.stderr
    assert "2027: imported (was estimated)" in imported.stdout
    year = clocked.get("/api/v1/calendar/years/2027", headers=auth("admin")).json()  # another process
    assert (year["origin"], year["workdays"]) == ("imported", ["2027-02-20"])
