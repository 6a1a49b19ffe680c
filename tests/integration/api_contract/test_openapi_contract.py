"""Property-based fuzzing of the served OpenAPI document with schemathesis (ADR 0013).

Every operation, with valid tokens of every role, against a real served instance with the demo
data: no 5xx, and every answer (status, content type, body, headers) as the document says. The
stateful run follows the document's links so created ids flow into the operations that use them.
Examples are bounded so the module stays within about two minutes on a shared 2-core machine.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.openapi import operations
from api.settings import Settings
from tests.integration.console.server import Served

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
STREAMS = (
    r"/events$"  # server-sent event streams never end: their contract is tested in tests/integration/live
)
STATELESS_EXAMPLES = 8
STATEFUL_SCENARIOS = 50
MIN_REACHED_BY_LINKS = 1  # without links: 0 (ids are UUIDs); with them 2–5 per run, varying with server state
SETTINGS = hypothesis.settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


@pytest.fixture(scope="module")
def contract_schema(demo_served: Served) -> Any:
    schema = schemathesis.openapi.from_url(f"{demo_served.base_url}/schema/openapi.json")
    return schema.exclude(path_regex=STREAMS)


def _labels() -> list[str]:
    """``METHOD /path`` of every operation, from the document the app builds (no server needed)."""
    app = create_app(Settings(home=Path("/nonexistent"), database_url="postgresql+asyncpg://-@127.0.0.1:1/-"))
    labels = [f"{op.method.upper()} {op.path}" for op in operations(app.openapi_schema)]
    return [label for label in labels if not re.search(STREAMS, label)]


_ROLES = itertools.cycle(["admin", "dispatcher", "outlet", "engineer", "qa", "executive"])


@pytest.mark.parametrize("label", _labels())
def test_every_operation_answers_as_documented(
    contract_schema: Any, role_headers: dict[str, dict[str, str]], label: str
) -> None:
    operation = contract_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the served document"

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(SETTINGS, max_examples=STATELESS_EXAMPLES)
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=role_headers[next(_ROLES)], checks=CHECKS, timeout=30)

    fuzz()


def test_linked_operations_answer_as_documented(
    contract_schema: Any, role_headers: dict[str, dict[str, str]]
) -> None:
    """Stateful: created ids flow through the document's links (POST /tickets → …/{ticket_id}),
    so operations on an id are reached past 404."""
    roles = itertools.cycle(["admin", "dispatcher", "admin", "qa"])
    reached: set[str] = set()

    class Workflow(contract_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": role_headers[next(roles)], "timeout": 30}

        def after_call(self, response: Any, case: Any) -> None:
            if "{" in case.operation.path and response.status_code < 300:
                reached.add(f"{case.method} {case.operation.path}")

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=hypothesis.settings(SETTINGS, max_examples=STATEFUL_SCENARIOS, stateful_step_count=6)
    )
    print(f"operations on a created id answered 2xx: {sorted(reached)}")
    assert len(reached) >= MIN_REACHED_BY_LINKS, sorted(reached)
