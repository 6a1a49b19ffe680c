"""Recall campaigns through the API (R-WA-9): every affected asset gets exactly one ticket."""

from __future__ import annotations

import psycopg
import pytest
from litestar.testing import TestClient

from storage.migrate import sync_url
from tests.conftest import Auth
from tests.integration.warranty.helpers import create_plant, new_asset


def recall(client: TestClient, headers: dict[str, str], **body: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.post("/api/v1/recalls", json=body, headers=headers)
    return response.status_code, response.json()


def test_r_wa_9_batch_recall_opens_one_ticket_per_asset_idempotently(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    in_batch = [new_asset(client, headers, plant["id"], batch="B-2025-07") for _ in range(3)]
    new_asset(client, headers, plant["id"], batch="B-2025-08")
    body = {"batch": "B-2025-07", "defect": "sub-frame weld cracks", "component": "sub_frame"}
    status, first = recall(client, headers, **body)
    assert status == 201, first
    assert first["created"] is True and first["tickets_opened"] == 3
    assert sorted(a["asset_id"] for a in first["assets"]) == sorted(a["id"] for a in in_batch)
    assert all(a["ticket_id"] for a in first["assets"])
    status, second = recall(client, headers, **body)
    assert (status, second["id"], second["tickets_opened"]) == (200, first["id"], 0)
    assert client.get("/api/v1/tickets", headers=headers).json()["total"] == 3
    late = new_asset(client, headers, plant["id"], batch="B-2025-07")  # found after the first call
    status, third = recall(client, headers, **body)
    assert (status, third["tickets_opened"], len(third["assets"])) == (200, 1, 4)
    assert client.get("/api/v1/tickets", headers=headers).json()["total"] == 4
    ticket_id = next(a["ticket_id"] for a in third["assets"] if a["asset_id"] == late["id"])
    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()
    assert ticket["channel"] == "recall" and ticket["asset_id"] == late["id"]
    entitlement = client.get(f"/api/v1/tickets/{ticket_id}/entitlement", headers=headers).json()
    assert (entitlement["charge"], entitlement["rules"]) == ("free", ["R-WA-9"])
    assert "quote_unconfirmed" not in ticket["blocked_by"]
    shown = client.get(f"/api/v1/recalls/{first['id']}", headers=headers).json()
    assert len(shown["assets"]) == 4


def test_r_wa_9_duplicate_recall_items_are_refused_by_the_database(
    client: TestClient, auth: Auth, database_url: str
) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    new_asset(client, headers, plant["id"], batch="B1")
    _, campaign = recall(client, headers, batch="B1", defect="seal", component="oil_pump")
    url = sync_url(database_url).replace("+psycopg", "")
    with psycopg.connect(url, autocommit=True) as db, pytest.raises(psycopg.errors.UniqueViolation):
        db.execute(
            "INSERT INTO recall_items (campaign_id, asset_id) VALUES (%s, %s)",
            (campaign["id"], campaign["assets"][0]["asset_id"]),
        )


def test_r_wa_9_model_and_production_range(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    inside = new_asset(client, headers, plant["id"], model="ZLJ-9", factory_date="2025-01-02")
    new_asset(client, headers, plant["id"], model="ZLJ-9", factory_date="2024-12-31", sold_on="2025-01-10")
    new_asset(client, headers, plant["id"], model="OTHER", factory_date="2025-01-02")
    status, body = recall(
        client,
        headers,
        model="ZLJ-9",
        **{"from": "2025-01-01", "to": "2025-01-31"},
        defect="pump",
        component="oil_pump",
    )
    assert status == 201, body
    assert [a["asset_id"] for a in body["assets"]] == [inside["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"defect": "x", "component": "sub_frame"}, "model"),
        ({"batch": "B", "model": "M", "defect": "x", "component": "sub_frame"}, "batch"),
        (
            {"model": "M", "from": "2025-02-01", "to": "2025-01-01", "defect": "x", "component": "sub_frame"},
            "to",
        ),
        ({"batch": "B", "defect": "x", "component": "warp_core"}, "component"),
    ],
)
def test_bad_recall_is_400(client: TestClient, auth: Auth, body: dict, field: str) -> None:  # type: ignore[type-arg]
    response = client.post("/api/v1/recalls", json=body, headers=auth("qa"))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert client.post("/api/v1/recalls", json=body, headers=auth("engineer")).status_code == 403
