"""The one table from error classes to HTTP answers, and the one error body shape.

Every error answer is ``{"error": code, "detail": message, "field": name?}``. Domain errors carry
no HTTP; this module decides. Anything not in the table is a bug and stays a 500.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_410_GONE,
    HTTP_422_UNPROCESSABLE_ENTITY,
)
from litestar.types import ExceptionHandlersMap

from api.decoding import InvalidRequest
from api.outage import is_outage, outage_handlers
from api.request_id import request_id_of
from dispatch.calendar.errors import CalendarDataError
from dispatch.customer_tracking.errors import UnknownTrackingLink
from dispatch.errors import InvalidInput, NotPermitted, StateConflict, UnknownPolicy
from dispatch.evidence.errors import (
    ContentRejected,
    EvidenceIncomplete,
    EvidenceNotUploaded,
    ReportFontMissing,
)
from dispatch.field_work.errors import EventMismatch, EventRejected, NotDispatchable
from dispatch.planning.errors import InsertionRefused, PlanNotCommittable, PlanStale
from dispatch.planning.routing.errors import InvalidRoutingInput
from dispatch.positions.errors import InvalidPosition, UnknownDevice
from dispatch.warranty.errors import (
    PolicyNotInForce,
    QuoteAlreadyDecided,
    QuoteExpired,
    UnknownComponentClass,
    UnknownFaultType,
    UnknownWarrantyPolicy,
    WarrantyConflict,
    WarrantyFactsError,
)
from geo.errors import InvalidCoordinate, InvalidGeometry, UnknownDatum
from storage.errors import Conflict, NotFound
from storage.objectstore import (
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStoreUnavailable,
    ObjectTooLarge,
    UploadAlreadyUsed,
    UploadMismatch,
    UploadTokenExpired,
    UploadTokenInvalid,
)
from storage.unit_of_work import CommitFailed

STATUS_BY_ERROR: dict[type[Exception], tuple[int, str]] = {
    InvalidRequest: (HTTP_400_BAD_REQUEST, "invalid_request"),  # api/decoding.py: NUL, UTF-8, depth …
    InvalidCoordinate: (HTTP_400_BAD_REQUEST, "invalid_coordinate"),
    UnknownDatum: (HTTP_400_BAD_REQUEST, "unknown_datum"),
    InvalidGeometry: (HTTP_400_BAD_REQUEST, "invalid_geometry"),
    InvalidInput: (HTTP_400_BAD_REQUEST, "invalid_input"),
    UnknownPolicy: (HTTP_400_BAD_REQUEST, "unknown_policy"),
    CalendarDataError: (HTTP_400_BAD_REQUEST, "invalid_calendar"),  # a notice to import, naming the field
    UnknownWarrantyPolicy: (HTTP_400_BAD_REQUEST, "unknown_policy"),
    PolicyNotInForce: (HTTP_422_UNPROCESSABLE_ENTITY, "policy_not_in_force"),
    UnknownComponentClass: (HTTP_400_BAD_REQUEST, "unknown_component_class"),
    UnknownFaultType: (HTTP_400_BAD_REQUEST, "unknown_fault_type"),
    WarrantyFactsError: (HTTP_400_BAD_REQUEST, "invalid_input"),
    WarrantyConflict: (HTTP_409_CONFLICT, "conflict"),
    QuoteAlreadyDecided: (HTTP_409_CONFLICT, "quote_already_decided"),
    QuoteExpired: (HTTP_410_GONE, "quote_expired"),
    NotPermitted: (HTTP_403_FORBIDDEN, "forbidden"),
    NotFound: (HTTP_404_NOT_FOUND, "not_found"),
    Conflict: (HTTP_409_CONFLICT, "conflict"),
    StateConflict: (HTTP_409_CONFLICT, "conflict"),
    # evidence
    ContentRejected: (422, "content_rejected"),
    EvidenceNotUploaded: (HTTP_409_CONFLICT, "not_uploaded"),
    EvidenceIncomplete: (HTTP_409_CONFLICT, "evidence_incomplete"),
    ReportFontMissing: (503, "report_unavailable"),
    InvalidObjectKey: (HTTP_400_BAD_REQUEST, "invalid_object_key"),
    ObjectNotFound: (HTTP_404_NOT_FOUND, "not_found"),
    ObjectTooLarge: (413, "too_large"),
    UploadMismatch: (HTTP_400_BAD_REQUEST, "upload_mismatch"),
    UploadTokenExpired: (HTTP_403_FORBIDDEN, "upload_url_expired"),
    UploadTokenInvalid: (HTTP_403_FORBIDDEN, "upload_url_invalid"),
    UploadAlreadyUsed: (HTTP_409_CONFLICT, "upload_url_used"),
    ObjectStoreUnavailable: (503, "storage_unavailable"),
    # field work; ``extra`` adds state/allowed, blocked_by, index to the body
    EventRejected: (HTTP_409_CONFLICT, "transition_not_allowed"),
    EventMismatch: (HTTP_422_UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
    NotDispatchable: (HTTP_409_CONFLICT, "not_dispatchable"),
    InvalidPosition: (HTTP_400_BAD_REQUEST, "invalid_position"),
    UnknownDevice: (HTTP_400_BAD_REQUEST, "unknown_device"),
    # route plans; ``extra`` adds changed / status / reason to the body
    PlanStale: (HTTP_409_CONFLICT, "plan_stale"),
    PlanNotCommittable: (HTTP_409_CONFLICT, "plan_not_committable"),
    InsertionRefused: (HTTP_422_UNPROCESSABLE_ENTITY, "insertion_refused"),
    InvalidRoutingInput: (HTTP_400_BAD_REQUEST, "invalid_input"),
    # customer tracking page: unknown and expired links look the same
    UnknownTrackingLink: (HTTP_404_NOT_FOUND, "not_found"),
    # the unit of work's COMMIT refused by a (deferred) constraint: nothing saved (ADR 0011)
    CommitFailed: (HTTP_409_CONFLICT, "not_saved"),
}


logger = logging.getLogger("aftersales")


def _expected(error: Exception) -> bool:
    if isinstance(error, HTTPException) and (error.status_code < 500 or _misfiled_body_error(error)):
        return True
    return isinstance(error, ValidationException) or any(
        kind in STATUS_BY_ERROR for kind in type(error).__mro__
    )


async def log_unexpected(error: Exception, scope: Any) -> None:
    """Log bugs (anything not in the table) with their stack and request id; 4xx stay quiet."""
    if _expected(error):
        return
    if is_outage(error):  # a 503 (api.outage), logged there as one line
        return
    logger.error(
        "unexpected error on %s %s request_id=%s",
        scope.get("method"),
        scope.get("path"),
        request_id_of(scope),
        exc_info=error,
    )


def error_body(code: str, detail: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "detail": detail}
    if field is not None:
        body["field"] = field
    body.update(extra)
    return body


def _domain_error(_: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            status, code = STATUS_BY_ERROR[kind]
            break
    else:  # pragma: no cover - registered only for the classes above
        raise error
    field = getattr(error, "field", None)
    extra = getattr(error, "extra", None)
    extra = extra if isinstance(extra, dict) else {}
    return Response(error_body(code, str(error), field, **extra), status_code=status)


MISSING_FIELD = re.compile(r"(?:missing required|contains unknown) field `([^`]+)`")


def _field_of(item: dict[str, Any]) -> str | None:
    """Litestar's validation errors give ``key`` (``data`` = the body itself) and msgspec's
    message; a missing field is named in the message, so join it to the key's path."""
    key = str(item.get("key") or "")
    path = [] if key in ("", "data") else [key.removeprefix("data.")]
    missing = MISSING_FIELD.search(str(item.get("message", "")))
    if missing:
        path.append(missing.group(1))
    return ".".join(path) or None


MISSING_PARAMETER = re.compile(r"^Missing required \w+ parameter '([^']+)'")


def _validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[dict[str, Any]]:
    items = [item for item in error.extra if isinstance(item, dict)] if isinstance(error.extra, list) else []
    if not items:
        missing = MISSING_PARAMETER.match(
            error.detail
        )  # Litestar names a missing query parameter in text only
        field = missing.group(1) if missing else None
        detail = f"{field}: is required" if field else error.detail
        return Response(error_body("invalid_request", detail, field), status_code=error.status_code)
    field = _field_of(items[0])
    message = str(items[0].get("message", error.detail)).split(" - at `")[0]
    detail = f"{field}: {message}" if field else message
    return Response(error_body("invalid_request", detail, field), status_code=error.status_code)


BODY_PATH = re.compile(r"^(?P<message>.*) - at `\$\.data(?:\.(?P<field>[^`]*))?`$")


def _misfiled_body_error(error: HTTPException) -> re.Match[str] | None:
    """Litestar calls a body field's validation error a server error when the field shares its name
    with a dependency (``{"positions": 5}`` vs the ``positions`` service); it is the client's."""
    cause = error.__cause__
    return BODY_PATH.match(str(cause)) if isinstance(cause, msgspec.ValidationError) else None


def _body_error_named_like_a_dependency(error: HTTPException) -> Response[dict[str, Any]] | None:
    found = _misfiled_body_error(error)
    if found is None:
        return None
    field, message = found.group("field"), found.group("message")
    detail = f"{field}: {message}" if field else message
    return Response(error_body("invalid_request", detail, field), status_code=HTTP_400_BAD_REQUEST)


def _internal_error(request: Request[Any, Any, Any], _: Exception) -> Response[dict[str, Any]]:
    """A bug: ``{error, detail}`` with the request id, never the exception's text (it may hold SQL
    or customer data); the log line has the stack under the same id."""
    request_id = request_id_of(request.scope)
    detail = f"unexpected server error; report request id {request_id} to the operator"
    return Response(error_body("internal_error", detail), status_code=500)


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    if error.status_code == 500:
        body_error = _body_error_named_like_a_dependency(error)
        return body_error or _internal_error(request, error)
    code = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
    }.get(error.status_code, "http_error")
    return Response(error_body(code, error.detail), status_code=error.status_code, headers=error.headers)


def exception_handlers() -> ExceptionHandlersMap:
    handlers: ExceptionHandlersMap = {kind: _domain_error for kind in STATUS_BY_ERROR}
    handlers[ValidationException] = _validation_error
    handlers[HTTPException] = _http_error
    handlers.update(outage_handlers())  # database outages: 503 + Retry-After (api/outage.py)
    handlers[Exception] = _internal_error
    return handlers
