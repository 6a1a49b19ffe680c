"""Assets bound to a policy and their last covered day, through the API (R-WA-1, R-WA-2, R-WA-3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.composition import build_components
from api.settings import Settings
from dispatch.warranty.registry import BUILTIN_POLICIES_DIR, load_policies
from tests.conftest import Auth
from tests.integration.warranty.helpers import create_plant, new_asset


def status(client: TestClient, headers: dict[str, str], asset_id: str, on: str) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/assets/{asset_id}/warranty", params={"on": on}, headers=headers)
    assert response.status_code == 200, response.text
    return {c["class"]: c for c in response.json()["components"]} | {"_": response.json()}


@pytest.mark.parametrize(
    ("class_id", "last_day", "first_uncovered"),
    [
        ("wear_lines", "2025-04-14", "2025-04-15"),
        ("oil_hose", "2025-07-14", "2025-07-15"),
        ("reducer", "2026-01-14", "2026-01-15"),
    ],
)
def test_r_wa_1_r_wa_2_last_covered_day_by_class_from_registration(
    client: TestClient, auth: Auth, class_id: str, last_day: str, first_uncovered: str
) -> None:  # type: ignore[type-arg]
    """Registered 2025-01-15 (sold 2025-01-10: the registration date starts the clock, R-WA-2)."""
    headers = auth("dispatcher")
    asset = new_asset(client, headers, create_plant(client, headers)["id"])
    on_last = status(client, headers, asset["id"], last_day)
    assert on_last[class_id]["ends_on"] == last_day
    assert on_last[class_id]["covered"] is True
    assert on_last["_"]["start"] == "2025-01-15"
    assert on_last["_"]["basis"] == "registration_date"
    assert status(client, headers, asset["id"], first_uncovered)[class_id]["covered"] is False


def test_r_wa_1_leap_year_month_end_is_clamped(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """2023-11-30 + 3 months = 2024-02-29 (clamped) → last covered day 2024-02-28."""
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    asset = new_asset(client, headers, plant["id"], sold_on="2023-11-30", registration_date="2023-11-30")
    assert status(client, headers, asset["id"], "2024-02-28")["wear_lines"]["covered"] is True
    assert status(client, headers, asset["id"], "2024-02-29")["wear_lines"]["covered"] is False
    assert status(client, headers, asset["id"], "2024-02-29")["wear_lines"]["ends_on"] == "2024-02-28"


def test_r_wa_2_equipment_from_acceptance_on_leap_day(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """Accepted 2024-02-29: + 12 months = 2025-02-28 (clamped) → last covered day 2025-02-27."""
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    asset = new_asset(
        client,
        headers,
        plant["id"],
        product_line="equipment",
        warranty_policy="equipment-1y",
        sold_on="2024-02-20",
        registration_date=None,
        acceptance_date="2024-02-29",
    )
    got = status(client, headers, asset["id"], "2025-02-27")
    assert got["_"]["basis"] == "acceptance_date"
    assert got["whole_unit"] == {**got["whole_unit"], "ends_on": "2025-02-27", "covered": True}
    assert status(client, headers, asset["id"], "2025-02-28")["whole_unit"]["covered"] is False


def test_r_wa_3_downtime_extends_equipment_warranty(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """Accepted 2025-03-01 → last day 2026-02-28. Down 1 Jun 09:00 → 3 Jun 08:00 (+08:00): three
    started days → last covered day 2026-03-03, first uncovered 2026-03-04."""
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    asset = new_asset(
        client,
        headers,
        plant["id"],
        product_line="equipment",
        warranty_policy="equipment-1y",
        sold_on="2025-02-20",
        acceptance_date="2025-03-01",
    )
    assert status(client, headers, asset["id"], "2026-02-28")["whole_unit"]["covered"] is True
    assert status(client, headers, asset["id"], "2026-03-01")["whole_unit"]["covered"] is False
    response = client.post(
        f"/api/v1/assets/{asset['id']}/downtime",
        json={
            "from": "2025-06-01T09:00:00+08:00",
            "to": "2025-06-03T08:00:00+08:00",
            "reason": "pump seized",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["days"] == 3
    assert response.json()["extends_warranty"] is True
    extended = status(client, headers, asset["id"], "2026-03-03")["whole_unit"]
    assert extended["ends_on"] == "2026-03-03"
    assert extended["downtime_days"] == 3
    assert extended["covered"] is True
    assert status(client, headers, asset["id"], "2026-03-04")["whole_unit"]["covered"] is False
    listed = client.get(f"/api/v1/assets/{asset['id']}/downtime", headers=headers).json()
    assert [d["reason"] for d in listed] == ["pump seized"]


def test_r_wa_3_vehicle_policy_records_but_does_not_extend(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    asset = new_asset(client, headers, create_plant(client, headers)["id"])
    response = client.post(
        f"/api/v1/assets/{asset['id']}/downtime",
        json={"from": "2025-02-01T09:00:00+08:00", "to": "2025-02-05T09:00:00+08:00", "reason": "hose"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["extends_warranty"] is False
    assert status(client, headers, asset["id"], "2025-04-15")["wear_lines"]["ends_on"] == "2025-04-14"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "2025-06-03T09:00:00+08:00", "to": "2025-06-01T09:00:00+08:00", "reason": "x"}, "to"),
        ({"from": "2025-06-01T09:00:00", "to": "2025-06-03T09:00:00+08:00", "reason": "x"}, "from"),
        ({"from": "2025-06-01T09:00:00+08:00", "to": "2025-06-03T09:00:00+08:00", "reason": " "}, "reason"),
        ({"to": "2025-06-03T09:00:00+08:00", "reason": "x"}, "from"),
    ],
)
def test_bad_downtime_is_400_naming_the_field(client: TestClient, auth: Auth, body: dict, field: str) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    asset = new_asset(client, headers, create_plant(client, headers)["id"])
    response = client.post(f"/api/v1/assets/{asset['id']}/downtime", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert client.get(f"/api/v1/assets/{asset['id']}/downtime", headers=headers).json() == []


def test_asset_keeps_policy_version_and_appears_in_the_asset_list(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    asset = new_asset(client, headers, create_plant(client, headers)["id"], batch="B-2025-01")
    assert asset["warranty_policy"] == "vehicle-components"
    assert asset["warranty_policy_version"] == 1
    assert asset["customer_id"] is not None
    assert client.get(f"/api/v1/assets/{asset['id']}", headers=headers).json()["serial"] == asset["serial"]
    assert client.get("/api/v1/assets", headers=headers).json()["total"] == 1


@pytest.mark.parametrize(
    ("fields", "status_code", "error", "field"),
    [
        ({"sold_on": "2019-12-31"}, 422, "policy_not_in_force", "sold_on"),
        ({"warranty_policy": "gold-plated"}, 400, "unknown_policy", "warranty_policy"),
        ({"product_line": "equipment"}, 400, "invalid_input", "warranty_policy"),
        ({"product_line": "boat"}, 400, "invalid_input", "product_line"),
        ({"registration_date": "2025-01-01"}, 400, "invalid_input", "registration_date"),
    ],
)
def test_bad_asset_is_refused_not_guessed(
    client: TestClient, auth: Auth, fields: dict, status_code: int, error: str, field: str
) -> None:  # type: ignore[type-arg]
    """An asset sold before its policy existed gets a clear error, not the nearest version."""
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    body = {
        "serial": "SN-X",
        "model": "M",
        "product_line": "vehicle",
        "plant_id": plant["id"],
        "sold_on": "2025-01-10",
        "registration_date": "2025-01-15",
        "warranty_policy": "vehicle-components",
        **fields,
    }
    response = client.post("/api/v1/assets", json=body, headers=headers)
    assert response.status_code == status_code, response.text
    assert response.json()["error"] == error
    assert response.json()["field"] == field
    assert client.get("/api/v1/assets", headers=headers).json()["total"] == 0


def test_duplicate_serial_is_409_and_engineer_may_not_register(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    asset = new_asset(client, headers, plant["id"])
    again = client.post(
        "/api/v1/assets",
        json={
            "serial": asset["serial"],
            "model": "M",
            "product_line": "vehicle",
            "plant_id": plant["id"],
            "sold_on": "2025-01-10",
            "warranty_policy": "vehicle-components",
        },
        headers=headers,
    )
    assert again.status_code == 409
    assert again.json()["field"] == "serial"
    denied = client.post(
        "/api/v1/assets",
        json={
            "serial": "SN-E",
            "model": "M",
            "product_line": "vehicle",
            "plant_id": plant["id"],
            "sold_on": "2025-01-10",
            "warranty_policy": "vehicle-components",
        },
        headers=auth("engineer"),
    )
    assert denied.status_code == 403


def test_later_policy_version_never_changes_an_old_asset(
    settings: Settings, auth: Auth, tmp_path: Path
) -> None:
    """v2 (wear lines 6 months, from 2026-01-01): an asset sold in 2025 keeps v1's 3 months."""
    policies = tmp_path / "warranty"
    policies.mkdir()
    v1 = (BUILTIN_POLICIES_DIR / "vehicle-components-v1.toml").read_text()
    (policies / "vehicle-components-v1.toml").write_text(v1)
    v2 = v1.replace("version = 1", "version = 2").replace(
        "effective_from = 2020-01-01", "effective_from = 2026-01-01"
    )
    v2 = v2.replace("[classes.wear_lines]\nmonths = 3", "[classes.wear_lines]\nmonths = 6")
    (policies / "vehicle-components-v2.toml").write_text(v2)
    app = create_app(settings, build_components(settings, warranty_policies=load_policies(policies)))
    headers = auth("dispatcher")
    with TestClient(app, raise_server_exceptions=False) as client:
        plant = create_plant(client, headers)
        old = new_asset(client, headers, plant["id"], sold_on="2025-12-31", registration_date="2025-12-31")
        new = new_asset(client, headers, plant["id"], sold_on="2026-01-01", registration_date="2026-01-01")
        assert (old["warranty_policy_version"], new["warranty_policy_version"]) == (1, 2)
        assert status(client, headers, old["id"], "2026-05-01")["wear_lines"]["months"] == 3
        assert status(client, headers, new["id"], "2026-05-01")["wear_lines"]["months"] == 6
