"""The OpenAPI document as the API really answers: error bodies and links between operations.

Litestar documents a 400 with its own ``{status_code, detail, extra}`` body; this API answers every
error as ``{error, detail, field?}`` (``api/errors.py``). :func:`document_truthfully` runs at start-up
and, for every operation,

- replaces the error responses with the statuses it can answer, all with the ``Error`` schema;
- adds OpenAPI ``links`` from each operation that creates an id, and each list of rows with ids,
  to the operations whose path takes it (``POST /api/v1/tickets`` → ``…/tickets/{ticket_id}``,
  ``GET /api/v1/tickets`` → the first row's), so generated clients and stateful fuzzers
  (``tests/integration/api_contract``) can follow a resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from litestar import Litestar
from litestar.openapi.spec import (
    Link,
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)

from api.auth import PUBLIC_PATHS

ERROR_SCHEMA = "Error"
ERROR_REF = Reference(ref=f"#/components/schemas/{ERROR_SCHEMA}")
METHODS = ("get", "put", "post", "delete", "patch")
WRITES = frozenset({"put", "post", "delete", "patch"})
PUBLIC_PREFIXES = (*PUBLIC_PATHS, "/api/v1/quotes/confirm/", "/api/v1/quotes/refuse/")

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Bad input: wrong shape or type, NUL or invalid UTF-8, a time outside 1900–2200, an integer "
    "beyond 64 bits, JSON nested too deep, or a value the rules refuse; `field` names it",
    401: "No bearer token, or a bad or expired one",
    403: "The token's role or scope may not do this",
    404: "Unknown id (or one outside the caller's scope)",
    409: "A duplicate or a state that does not allow this",
    410: "Gone (an expired quote)",
    413: "Body larger than allowed",
    422: "Well-formed but refused by the rules (idempotency key reused, insertion refused …)",
    429: "Too many requests; retry later",
    500: "A bug: `detail` carries the request id (also in the `X-Request-ID` header) to report",
    503: "A dependency (database, object store) is unavailable; retry later",
}


def error_schema() -> Schema:
    """``{"error", "detail", "field"?}`` plus extra keys some errors add (state, allowed, index …)."""
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["error", "detail"],
        properties={
            "error": Schema(type=OpenAPIType.STRING, description="machine-readable code"),
            "detail": Schema(type=OpenAPIType.STRING, description="what went wrong and what to do"),
            "field": Schema(type=OpenAPIType.STRING, description="the field or parameter at fault"),
        },
        description="Every error answer (docs/api.md, Errors)",
    )


@dataclass(frozen=True)
class Op:
    path: str
    method: str
    operation: Operation

    @property
    def public(self) -> bool:
        return self.path.startswith(PUBLIC_PREFIXES) and self.path != "/track/owntracks"

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


def operations(openapi: OpenAPI) -> Iterator[Op]:
    for path, item in (openapi.paths or {}).items():
        for method in METHODS:
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                yield Op(path, method, operation)


def error_statuses(op: Op) -> list[int]:
    """The error statuses an operation can answer (docs/api.md, Errors)."""
    statuses = {400, 403, 429, 500, 503}  # 403 also for a bad signed token on public operations
    if not op.public:
        statuses.add(401)
    if op.path_params or op.method in WRITES:
        statuses.add(404)
    if op.method in WRITES:
        statuses |= {409, 413, 422}
    if "quote" in op.path:
        statuses.add(410)
    return sorted(statuses)


def request_id_header() -> dict[str, OpenAPIHeader | Reference]:
    """Every answer carries ``X-Request-ID`` (api/request_id.py)."""
    description = "the client's X-Request-ID when sane, else a generated one; quoted in 500 answers"
    schema = Schema(type=OpenAPIType.STRING, max_length=128)
    return {"X-Request-ID": OpenAPIHeader(schema=schema, required=True, description=description)}


def document_errors(op: Op) -> None:
    responses = op.operation.responses if op.operation.responses is not None else {}
    for code in [code for code in responses if code.startswith(("4", "5"))]:
        del responses[code]
    for status in error_statuses(op):
        responses[str(status)] = OpenAPIResponse(
            description=ERROR_DESCRIPTIONS[status],
            content={"application/json": OpenAPIMediaType(schema=ERROR_REF)},
        )
    for response in responses.values():
        if isinstance(response, OpenAPIResponse):
            response.headers = {**(response.headers or {}), **request_id_header()}
    op.operation.responses = responses


def _resolve(openapi: OpenAPI, schema: Schema | Reference | None) -> Schema | None:
    if isinstance(schema, Reference):
        schema = (openapi.components.schemas or {}).get(schema.ref.rsplit("/", 1)[-1])
    return schema if isinstance(schema, Schema) else None


def _properties(schema: Schema | None) -> dict[str, Schema | Reference]:
    return dict(schema.properties or {}) if schema is not None else {}


@dataclass(frozen=True)
class Produced:
    """A success answer that carries ids: its properties, found at ``pointer`` in the body."""

    response: OpenAPIResponse
    properties: set[str]
    pointer: str


def _produced(openapi: OpenAPI, op: Op) -> Produced | None:
    """What a POST answers (the created row) or a list GET answers (its first item)."""
    if op.method not in ("post", "get"):
        return None
    for status, response in (op.operation.responses or {}).items():
        if not (status.startswith("2") and isinstance(response, OpenAPIResponse) and response.content):
            continue
        media = response.content.get("application/json")
        body = _resolve(openapi, media.schema if media is not None else None)
        if op.method == "post":
            return Produced(response, set(_properties(body)), "")
        items = _properties(body).get("items")
        listed = _resolve(openapi, items) if items is not None else None
        element = (
            listed.items if listed is not None and isinstance(listed.items, Schema | Reference) else None
        )
        if element is not None:
            return Produced(response, set(_properties(_resolve(openapi, element))), "/items/0")
    return None


def _noun_of(path: str) -> str:
    """``/api/v1/work-orders`` → ``work_order``; ``…/tickets/{ticket_id}/quote`` → ``quote``."""
    last = path.rstrip("/").rsplit("/", 1)[-1].replace("-", "_")
    return last.removesuffix("s") if last.endswith("s") and last != "evidence" else last


def _source_expression(param: str, noun: str, produced: Produced, source: Op, target: Op) -> str | None:
    body = f"$response.body#{produced.pointer}"
    if param == f"{noun}_id" and "id" in produced.properties:
        return f"{body}/id"
    if param in produced.properties and (param.endswith("_id") or _same_resource(noun, target.path)):
        return f"{body}/{param}"
    if param in source.path_params:
        return f"$request.path.{param}"
    return None


def _same_resource(noun: str, path: str) -> bool:
    """A ``token`` only links within its resource: a tracking link's token → ``/api/v1/track/…``."""
    parts = [part for part in path.split("/") if part and not part.startswith("{")]
    resource = parts[2] if parts[:2] == ["api", "v1"] and len(parts) > 2 else ""
    return bool(resource) and noun.startswith(resource.replace("-", "_"))


def link_operations(openapi: OpenAPI, ops: list[Op]) -> None:
    """Links from each POST that answers an id, and each list that answers rows with ids, to every
    operation whose path takes that id."""
    for source in ops:
        produced = _produced(openapi, source)
        if produced is None:
            continue
        noun = _noun_of(source.path)
        links: dict[str, Link | Reference] = dict(produced.response.links or {})
        for target in ops:
            params = target.path_params
            if not params or target is source or target.operation.operation_id is None:
                continue
            expressions = {p: _source_expression(p, noun, produced, source, target) for p in params}
            new = [p for p, e in expressions.items() if e is not None and not e.startswith("$request")]
            if not new or any(e is None for e in expressions.values()):
                continue
            links[target.operation.operation_id] = Link(
                operation_id=target.operation.operation_id,
                parameters={p: e for p, e in expressions.items() if e is not None},
                description=f"use the {', '.join(new)} this answer carries",
            )
        produced.response.links = links or None


def finish(openapi: OpenAPI) -> OpenAPI:
    components = openapi.components
    components.schemas = {**(components.schemas or {}), ERROR_SCHEMA: error_schema()}
    ops = list(operations(openapi))
    for op in ops:
        document_errors(op)
    link_operations(openapi, ops)
    return openapi


def document_truthfully(app: Litestar) -> None:
    """Start-up hook: finish the document before it is first served."""
    finish(app.openapi_schema)
