"""Live positions: devices, our batch form, OsmAnd/Traccar and OwnTracks ingest, tracks.

The ingest endpoints under ``/track`` need no bearer token: the device's secret is in the URL
(``ingest_url`` from ``POST /api/v1/devices``), or, for OwnTracks, the Basic-auth password.
Every answer is sent after the framework committed, so a 200 means "stored".
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, QueryParameter
from litestar.params import JSONBody as Body

from api.decoding import check_raw_json
from api.schemas.positions import (
    DeviceIn,
    DeviceOut,
    IngestOut,
    PositionsIn,
    TechnicianPositionOut,
    TechnicianTrackOut,
)
from dispatch.access.principal import Principal
from dispatch.positions.errors import InvalidPosition, UnknownDevice
from dispatch.positions.service import DeviceCreate, IngestResult, PositionIntake, PositionService

FromTime = Annotated[
    datetime | None, QueryParameter(name="from", description="ISO-8601; default: to - 1 day")
]
ToTime = Annotated[datetime | None, QueryParameter(name="to", description="ISO-8601; default: now")]
INGEST_PATHS = {"osmand": "/track/osmand/", "owntracks": "/track/owntracks/", "app": "/track/osmand/"}


def _out(result: IngestResult) -> IngestOut:
    return IngestOut(result.received, result.stored, result.duplicates, result.flagged, list(result.arrivals))


class DeviceController(Controller):
    path = "/api/v1/devices"
    tags = ["positions"]

    @post("/", summary="Register a tracking client; its ingest_url carries its secret")
    async def create(
        self,
        data: Body[DeviceIn],
        caller: NamedDependency[Principal],
        positions: NamedDependency[PositionService],
    ) -> DeviceOut:
        device = await positions.register(
            caller, DeviceCreate(data.technician_id, data.protocol, data.speed_unit)
        )
        url = f"{positions.settings.public_url.rstrip('/')}{INGEST_PATHS[device.protocol]}{device.secret}"
        return DeviceOut.of(device, url)


class PositionController(Controller):
    path = "/api/v1/positions"
    tags = ["positions"]

    @post("/", status_code=200, summary="A batch of up to 1,000 positions (all stored, or 400 with index)")
    async def ingest(
        self,
        data: Body[PositionsIn],
        caller: NamedDependency[Principal],
        intake: NamedDependency[PositionIntake],
    ) -> IngestOut:
        return _out(await intake.ingest_batch(caller, data.positions))


class TechnicianPositionController(Controller):
    """Same prefix as the network's technician controller, distinct sub-paths."""

    path = "/api/v1/technicians"
    tags = ["positions"]

    @get("/{technician_id:uuid}/track", summary="Stored positions between from and to, oldest first")
    async def track(
        self,
        technician_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        positions: NamedDependency[PositionService],
        start: FromTime = None,
        end: ToTime = None,
    ) -> TechnicianTrackOut:
        rows = await positions.track(caller, technician_id, start, end)
        return TechnicianTrackOut(technician_id, [TechnicianPositionOut.of(r) for r in rows])

    @get("/{technician_id:uuid}/position", summary="The latest plausible position")
    async def latest(
        self,
        technician_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        positions: NamedDependency[PositionService],
    ) -> TechnicianPositionOut:
        return TechnicianPositionOut.of(await positions.latest(caller, technician_id))


class IngestController(Controller):
    """Stock tracking apps post here with no other credentials than the secret."""

    path = "/track"
    tags = ["positions"]

    @get("/osmand/{secret:str}", summary="Traccar Client / OsmAnd query-string form")
    async def osmand_get(
        self,
        request: Request[Any, Any, Any],
        secret: FromPath[str],
        intake: NamedDependency[PositionIntake],
    ) -> IngestOut:
        return _out(await intake.ingest_osmand(secret, query=dict(request.query_params)))

    @post("/osmand/{secret:str}", status_code=200, summary="Traccar Client / OsmAnd: query string or JSON")
    async def osmand_post(
        self,
        request: Request[Any, Any, Any],
        secret: FromPath[str],
        intake: NamedDependency[PositionIntake],
    ) -> IngestOut:
        query = dict(request.query_params)
        if query:
            return _out(await intake.ingest_osmand(secret, query=query))
        return _out(await intake.ingest_osmand(secret, body=_json(await request.body())))

    @post("/owntracks/{secret:str}", status_code=200, summary="OwnTracks HTTP mode (answers [])")
    async def owntracks(
        self,
        request: Request[Any, Any, Any],
        secret: FromPath[str],
        intake: NamedDependency[PositionIntake],
    ) -> list[Any]:
        body = await request.body()
        check_raw_json(body)
        await intake.ingest_owntracks(secret, body)
        return []

    @post("/owntracks", status_code=200, summary="OwnTracks HTTP mode with Basic auth (password = secret)")
    async def owntracks_basic(
        self, request: Request[Any, Any, Any], intake: NamedDependency[PositionIntake]
    ) -> list[Any]:
        secret = _basic_password(request.headers.get("authorization", ""))
        body = await request.body()
        check_raw_json(body)
        try:
            await intake.ingest_owntracks(secret, body)
        except UnknownDevice:
            raise NotAuthorizedException(
                "unknown device credentials", headers={"WWW-Authenticate": 'Basic realm="aftersales"'}
            ) from None
        return []


def _json(body: bytes) -> object:
    if not body.strip():
        raise InvalidPosition("body", "send the position as query parameters or a JSON body")
    check_raw_json(body)
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise InvalidPosition("body", f"is not JSON: {exc}") from None


def _basic_password(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            _, sep, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
            if sep and password:
                return password
        except (binascii.Error, UnicodeDecodeError):
            pass
    raise NotAuthorizedException(
        "OwnTracks: send Basic auth with the device secret as password",
        headers={"WWW-Authenticate": 'Basic realm="aftersales"'},
    )
