"""A ticket's entitlement through the API: covered / expired / excluded / exchange, with rule IDs
(R-WA-1 … R-WA-8), evaluated on ``reported_at`` in the customer's zone (Asia/Shanghai)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.warranty.helpers import create_plant, entitle, new_asset, new_ticket


def setup_vehicle(client: TestClient, auth: Auth) -> tuple[dict[str, str], str, str]:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    asset = new_asset(client, headers, plant["id"])  # registered 2025-01-15; wear_lines last day 2025-04-14
    return headers, plant["id"], asset["id"]


def by_class(entitlement: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["class"]: c for c in entitlement["components"]}


@pytest.mark.parametrize(
    ("reported_at", "status", "charge"),
    [
        ("2025-04-14T23:30:00+08:00", "covered", "free"),  # last covered day, late evening
        ("2025-04-15T00:30:00+08:00", "expired", "paid"),  # first uncovered day (still 04-14 in UTC)
    ],
)
def test_r_wa_1_boundary_on_reported_date_in_customer_zone(
    client: TestClient, auth: Auth, reported_at: str, status: str, charge: str
) -> None:  # type: ignore[type-arg]
    headers, plant_id, asset_id = setup_vehicle(client, auth)
    ticket = new_ticket(client, headers, plant_id, asset_id, ["wear_lines"], reported_at)
    got = entitle(client, headers, ticket["id"])
    assert got["charge"] == charge
    component = by_class(got)["wear_lines"]
    assert component["status"] == status
    assert component["ends_on"] == "2025-04-14"
    assert {"R-WA-1", "R-WA-2"} <= set(component["rules"])
    assert got["policy"] == {"name": "vehicle-components", "version": 1}
    assert "2025-04-14" in got["explanation"]
    blocked = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json()["blocked_by"]
    assert ("quote_unconfirmed" in blocked) is (charge == "paid")


def test_r_wa_7_mixed_ticket_is_paid_and_explained(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers, plant_id, asset_id = setup_vehicle(client, auth)
    ticket = new_ticket(
        client, headers, plant_id, asset_id, ["wear_lines", "reducer"], "2025-05-01T10:00:00+08:00"
    )
    got = client.get(f"/api/v1/tickets/{ticket['id']}/entitlement", headers=headers)
    assert got.status_code == 200, got.text  # evaluated at intake already
    classes = by_class(got.json())
    assert classes["wear_lines"]["status"] == "expired"
    assert classes["reducer"]["status"] == "covered"
    assert classes["reducer"]["ends_on"] == "2026-01-14"
    assert got.json()["charge"] == "paid"
    assert got.json()["visit_free_rule"] == "R-WA-6"
    assert "R-WA-7" in got.json()["rules"]


def test_unknown_component_class_is_400_naming_it(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers, plant_id, asset_id = setup_vehicle(client, auth)
    from tests.integration.helpers import call, site_at

    body = call(plant_id, site_at(100), asset_id=asset_id, components=["reducer", "flux_capacitor"])
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "components"
    assert "flux_capacitor" in response.json()["detail"]
    assert client.get("/api/v1/tickets", headers=headers).json()["total"] == 0
    no_asset = client.post(
        "/api/v1/tickets", json=call(plant_id, site_at(100), components=["reducer"]), headers=headers
    )
    assert no_asset.status_code == 400
    assert no_asset.json()["field"] == "components"


def test_r_wa_4_exclusion_recorded_audited_and_withdrawn(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers, plant_id, asset_id = setup_vehicle(client, auth)
    ticket = new_ticket(client, headers, plant_id, asset_id, ["reducer"], "2025-05-01T10:00:00+08:00")
    assert entitle(client, headers, ticket["id"])["charge"] == "free"
    denied = client.post(
        f"/api/v1/tickets/{ticket['id']}/exclusions",
        json={"rule": "accident", "reason": "x"},
        headers=auth("engineer"),
    )
    assert denied.status_code == 403
    bad = client.post(
        f"/api/v1/tickets/{ticket['id']}/exclusions",
        json={"rule": "bad_luck", "reason": "x"},
        headers=headers,
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "rule")
    qa = auth("qa")
    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/exclusions",
        json={"rule": "misuse", "reason": "overloaded beyond the manual's 12 t"},
        headers=qa,
    )
    assert response.status_code == 201, response.text
    exclusion = response.json()
    assert exclusion["recorded_by"] == "qa:dev"
    now = client.get(f"/api/v1/tickets/{ticket['id']}/entitlement", headers=headers).json()
    assert now["charge"] == "paid"
    assert by_class(now)["reducer"]["status"] == "excluded"
    assert set(by_class(now)["reducer"]["rules"]) == {
        "R-WA-4",
        "R-WA-6",
        "R-WA-7",
    }  # misuse: preferential parts
    assert now["preferential_parts"] is True
    assert (
        "quote_unconfirmed"
        in client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json()["blocked_by"]
    )
    withdrawn = client.post(
        f"/api/v1/tickets/{ticket['id']}/exclusions/{exclusion['id']}/withdraw",
        json={"reason": "appeal upheld: load sheet shows 10 t"},
        headers=qa,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["active"] is False
    again = client.post(
        f"/api/v1/tickets/{ticket['id']}/exclusions/{exclusion['id']}/withdraw",
        json={"reason": "x"},
        headers=qa,
    )
    assert again.status_code == 409
    assert (
        client.get(f"/api/v1/tickets/{ticket['id']}/entitlement", headers=headers).json()["charge"] == "free"
    )
    detail = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json()
    assert "quote_unconfirmed" not in detail["blocked_by"]
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds.count("exclusion_recorded") == 1 and kinds.count("exclusion_withdrawn") == 1
    assert kinds.count("entitlement_evaluated") == 4  # intake, POST, after exclusion, after withdrawal


def test_r_wa_5_exchange_within_one_month_of_purchase(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers, plant_id, asset_id = setup_vehicle(client, auth)  # sold 2025-01-10: last exchange day 2025-02-09
    claim = {
        "unrepairable_quality_fault": True,
        "unit_intact": True,
        "accessories_complete": True,
        "packaging_intact": True,
    }
    inside = new_ticket(client, headers, plant_id, asset_id, ["oil_pump"], "2025-02-09T18:00:00+08:00")
    got = entitle(client, headers, inside["id"], exchange_claim=claim)
    assert got["charge"] == "exchange"
    assert by_class(got)["oil_pump"]["rules"] == ["R-WA-5"]
    outside = new_ticket(client, headers, plant_id, asset_id, ["oil_pump"], "2025-02-10T08:00:00+08:00")
    late = entitle(client, headers, outside["id"], exchange_claim=claim)
    assert late["charge"] == "free"  # still covered by R-WA-1, but no exchange
    assert "No exchange" in late["explanation"]


def test_r_wa_8_two_free_visits_after_equipment_warranty(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    asset = new_asset(
        client,
        headers,
        plant["id"],
        product_line="equipment",
        warranty_policy="equipment-1y",
        sold_on="2024-01-05",
        acceptance_date="2024-01-10",
    )
    charges = []
    for day in ("2025-03-01", "2025-04-01", "2025-05-01"):
        ticket = new_ticket(client, headers, plant["id"], asset["id"], None, f"{day}T10:00:00+08:00")
        got = client.get(f"/api/v1/tickets/{ticket['id']}/entitlement", headers=headers).json()
        charges.append((got["charge"], got["visit_free_rule"], got["free_visits_left"]))
    assert charges == [("paid", "R-WA-8", 1), ("paid", "R-WA-8", 0), ("paid", None, 0)]
    status = client.get(f"/api/v1/assets/{asset['id']}/warranty", headers=headers).json()
    assert status["free_visits"] == {"granted": 2, "used": 2, "left": 0}


def test_r_wa_6_in_warranty_work_is_booked_as_internal_loss_and_r_wa_9_supplier_claim(
    client: TestClient, auth: Auth
) -> None:  # type: ignore[type-arg]
    headers, plant_id, asset_id = setup_vehicle(client, auth)
    ticket = new_ticket(
        client, headers, plant_id, asset_id, ["hydraulic_motor", "wear_lines"], "2025-05-01T10:00:00+08:00"
    )
    costs = client.get(f"/api/v1/tickets/{ticket['id']}/costs", headers=headers).json()
    assert [(c["component"], c["kind"]) for c in costs] == [("hydraulic_motor", "estimate")]
    assert costs[0]["amount"] > 0 and costs[0]["supplier"] is None
    entitle(client, headers, ticket["id"])  # re-evaluating replaces the estimate, never doubles it
    assert len(client.get(f"/api/v1/tickets/{ticket['id']}/costs", headers=headers).json()) == 1
    expired = client.post(
        f"/api/v1/tickets/{ticket['id']}/costs",
        json={"component": "wear_lines", "kind": "parts", "amount": 80},
        headers=headers,
    )
    assert expired.status_code == 409
    booked = client.post(
        f"/api/v1/tickets/{ticket['id']}/costs",
        json={"component": "hydraulic_motor", "kind": "parts", "amount": 1250.5},
        headers=headers,
    )
    assert booked.status_code == 201, booked.text
    claim = client.post(
        f"/api/v1/tickets/{ticket['id']}/supplier-claims",
        json={
            "component": "hydraulic_motor",
            "supplier": "Ningbo Hydraulics",
            "description": "shaft seal leak",
            "part_number": "HM-220",
        },
        headers=headers,
    )
    assert claim.status_code == 201, claim.text
    assert claim.json()["status"] == "open"
    duplicate = client.post(
        f"/api/v1/tickets/{ticket['id']}/supplier-claims",
        json={"component": "hydraulic_motor", "supplier": "Ningbo Hydraulics", "description": "again"},
        headers=headers,
    )
    assert duplicate.status_code == 409
    costs = client.get(f"/api/v1/tickets/{ticket['id']}/costs", headers=headers).json()
    assert {c["supplier"] for c in costs} == {"Ningbo Hydraulics"}
    kinds = [
        e["kind"] for e in client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json()["events"]
    ]
    assert "supplier_claim_opened" in kinds and "internal_loss_booked" in kinds


def test_entitlement_needs_an_asset(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    from tests.integration.helpers import call, site_at

    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    ticket = client.post("/api/v1/tickets", json=call(plant["id"], site_at(100)), headers=headers).json()
    response = client.post(f"/api/v1/tickets/{ticket['id']}/entitlement", headers=headers)
    assert response.status_code == 409
    assert response.json()["field"] == "asset_id"
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json()["blocked_by"] == []
