"""Builders for warranty API tests: a plant, an asset bound to a policy, a call about it."""

from __future__ import annotations

import itertools
from typing import Any

from litestar.testing import TestClient

from tests.integration.helpers import call, create_plant, site_at

_serials = itertools.count(1)


def new_asset(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    plant_id: str,
    **fields: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "serial": f"SN-{next(_serials):05d}",
        "model": "ZLJ5180GQX",
        "product_line": "vehicle",
        "plant_id": plant_id,
        "sold_on": "2025-01-10",
        "registration_date": "2025-01-15",
        "warranty_policy": "vehicle-components",
        "customer": {"name": "Qingdao Sanitation", "phone": "0532-1234567"},
    }
    body.update(fields)
    if body["product_line"] == "equipment" and "registration_date" not in fields:
        del body["registration_date"]
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post("/api/v1/assets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def new_ticket(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    plant_id: str,
    asset_id: str,
    components: list[str] | None,
    reported_at: str,
    km: float = 100.0,
) -> dict[str, Any]:
    body = call(plant_id, site_at(km), asset_id=asset_id, reported_at=reported_at)
    if components is not None:
        body["components"] = components
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def entitle(client: TestClient, headers: dict[str, str], ticket_id: str, **body: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post(f"/api/v1/tickets/{ticket_id}/entitlement", json=body or None, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


__all__ = ["create_plant", "entitle", "new_asset", "new_ticket"]
