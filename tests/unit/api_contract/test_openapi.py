"""The served document tells the truth: the error body and the links (api/openapi.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.settings import Settings


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app(Settings(home=Path("/nonexistent"), database_url="postgresql+asyncpg://-@127.0.0.1:1/-"))
    for hook in app.on_startup:  # the documentation hook only; prepare_store would touch the disk
        if getattr(hook, "__name__", "") == "document_truthfully":
            hook(app)  # type: ignore[call-arg]
    return app.openapi_schema.to_schema()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "put", "post", "patch", "delete")
    ]


def test_every_error_response_has_the_error_body(document: dict[str, Any]) -> None:
    assert document["components"]["schemas"]["Error"]["required"] == ["error", "detail"]
    for path, method, op in _operations(document):
        errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
        assert {"400", "500", "503"} <= set(errors), (method, path)
        for response in errors.values():
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_authenticated_operations_document_401_and_public_ones_do_not(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v1/tickets"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(responses)
    assert "401" not in document["paths"]["/health"]["get"]["responses"]


def test_creating_operations_link_to_the_operations_that_use_their_id(document: dict[str, Any]) -> None:
    links = document["paths"]["/api/v1/tickets"]["post"]["responses"]["201"]["links"]
    assert links["ApiV1TicketsTicketIdDetail"]["parameters"] == {"ticket_id": "$response.body#/id"}
    withdraw = document["paths"]["/api/v1/tickets/{ticket_id}/exclusions"]["post"]["responses"]["201"][
        "links"
    ]
    target = "ApiV1TicketsTicketIdExclusionsExclusionIdWithdrawWithdrawExclusion"
    assert withdraw[target]["parameters"] == {
        "ticket_id": "$response.body#/ticket_id",
        "exclusion_id": "$response.body#/id",
    }
    ids = {op["operationId"] for _, _, op in _operations(document)}
    for _, _, op in _operations(document):
        for response in op["responses"].values():
            assert set(response.get("links", {})) <= ids


def test_lists_link_their_first_row_to_the_operations_on_it(document: dict[str, Any]) -> None:
    links = document["paths"]["/api/v1/tickets"]["get"]["responses"]["200"]["links"]
    assert links["ApiV1TicketsTicketIdDetail"]["parameters"] == {"ticket_id": "$response.body#/items/0/id"}
    assert links["ApiV1PlantsPlantIdDetail"]["parameters"] == {"plant_id": "$response.body#/items/0/plant_id"}
