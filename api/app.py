"""The app: ``create_app(settings)`` builds the components once (``api/composition.py``) and
wires the routes, middleware and providers; nothing connects at import."""

from __future__ import annotations

import gc
from contextlib import AbstractAsyncContextManager
from typing import Any

from litestar import Litestar
from litestar.logging.config import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from api.auth import PUBLIC_PATHS, BearerAuthMiddleware
from api.composition import (
    Components,
    build_components,
    database_url,
    dependencies,
    preview_service,
    running,
)
from api.controllers.calendar import CalendarController, PlantCalendarController
from api.controllers.console import ConsolePageController, ConsoleSessionController, asset_routers
from api.controllers.customer_tracking import (
    TicketTrackingLinkController,
    TrackController,
    TrackingLinkController,
    TrackPageController,
)
from api.controllers.evidence import EvidenceController, ObjectTransferController
from api.controllers.field_work import MeController, SyncController, WorkOrderController
from api.controllers.live import EventController, channels_plugin
from api.controllers.network import (
    AssetController,
    CustomerController,
    OutletController,
    PlantController,
    TechnicianController,
)
from api.controllers.notifications import WebhookController
from api.controllers.planning import AbsenceController, PlanController
from api.controllers.positions import (
    DeviceController,
    IngestController,
    PositionController,
    TechnicianPositionController,
)
from api.controllers.system import PolicyController, health
from api.controllers.tickets import DispatchController, TicketController
from api.controllers.warranty import (
    PUBLIC_QUOTE_PATHS,
    QuoteController,
    RecallController,
    TicketQuoteController,
    TicketWarrantyController,
)
from api.decoding import ApiRequest, InputGuardMiddleware
from api.errors import exception_handlers, log_unexpected
from api.openapi import document_truthfully
from api.preview_lane import PreviewLane
from api.rate_limits import RateLimits, rate_limit_middleware
from api.request_id import add_request_id
from api.security_headers import SecurityHeaders
from api.settings import Settings


def rate_limits(settings: Settings) -> RateLimits:
    return RateLimits(
        tracking_ip=settings.rate_limit_tracking_ip,
        tracking_token=settings.rate_limit_tracking_token,
        ingest_ip=settings.rate_limit_ingest_ip,
        objects_ip=settings.rate_limit_objects_ip,
        failed_auth_ip=settings.rate_limit_failed_auth_ip,
    )


class ServiceApp(Litestar):
    """Litestar with the dispatch preview's fast lane in front of its router: a valid preview
    is answered by the lane, every other request (and any preview the lane hands back) by the
    app (``api/preview_lane.py``)."""

    __slots__ = ("preview_lane",)

    preview_lane: PreviewLane | None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        lane = self.preview_lane
        if lane is not None and lane.takes(scope):
            replay = await lane.serve(scope, receive, send)
            if replay is None:
                return
            receive = replay
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, components: Components | None = None) -> Litestar:
    """Build the service. Policies are loaded and validated here: a bad preset stops start-up.
    ``components`` replaces the ones built from ``settings`` (tests swap a registry or the clock)."""
    parts = components if components is not None else build_components(settings)
    auth = DefineMiddleware(
        BearerAuthMiddleware,
        secret=parts.secret,
        exclude=[f"^{path}" for path in (*PUBLIC_PATHS, *PUBLIC_QUOTE_PATHS)],
    )

    def lifespan(_: Litestar) -> AbstractAsyncContextManager[None]:
        return running(parts)

    app = ServiceApp(
        route_handlers=[
            health,
            PlantController,
            PlantCalendarController,
            CalendarController,
            OutletController,
            TechnicianController,
            CustomerController,
            AssetController,
            DispatchController,
            TicketController,
            TicketWarrantyController,
            TicketQuoteController,
            QuoteController,
            RecallController,
            PolicyController,
            EvidenceController,
            ObjectTransferController,
            WorkOrderController,
            SyncController,
            PlanController,
            WebhookController,
            AbsenceController,
            MeController,
            DeviceController,
            PositionController,
            TechnicianPositionController,
            IngestController,
            ConsolePageController,
            ConsoleSessionController,
            EventController,
            TicketTrackingLinkController,
            TrackingLinkController,
            TrackController,
            TrackPageController,
            *asset_routers(),
        ],
        plugins=[channels_plugin(database_url(settings))],
        on_startup=[document_truthfully],
        lifespan=[lifespan],
        middleware=[
            *rate_limit_middleware(rate_limits(settings), parts.secret),
            auth,
            InputGuardMiddleware(),
        ],
        before_send=[add_request_id, SecurityHeaders(settings.tile_url)],
        request_class=ApiRequest,
        dependencies=dependencies(parts),
        exception_handlers=exception_handlers(),
        openapi_config=OpenAPIConfig(
            title="aftersales",
            version="0.1.0",
            description="After-sales field service: intake, dispatch decisions, deadlines.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        logging_config=LoggingConfig(log_exceptions="never"),
        after_exception=[log_unexpected],
        debug=False,
    )
    app.preview_lane = PreviewLane(parts.secret, preview_service(parts), app.before_send)
    return app


def app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory api.app:app_from_env`` (several worker processes)."""
    return served_app(Settings.from_env())


def served_app(settings: Settings) -> Litestar:
    """``create_app`` for a process that will serve until it stops (``aftersales serve``).

    The heap built so far — every imported module, the app, the components, about 250,000
    objects — lives as long as the process, yet the cyclic garbage collector walks all of it in
    each full collection (hundreds of milliseconds on a busy core, every few seconds under a
    position-ingest load). ``gc.freeze()`` moves it out of the collector's sight; what requests
    allocate is collected as before. Not in ``create_app``: tests build many apps in one process."""
    app = create_app(settings)
    app.on_startup.append(_freeze_heap)  # after the start-up work (the OpenAPI document)
    return app


def _freeze_heap() -> None:
    gc.collect()
    gc.freeze()
