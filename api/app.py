"""The one composition root: ``create_app(settings)`` wires everything; nothing connects at import."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from anyio import to_thread
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from sqlalchemy.pool import NullPool

from api.auth import PUBLIC_PATHS, BearerAuthMiddleware
from api.controllers.console import (
    ConsolePageController,
    ConsoleSessionController,
    asset_routers,
    console_state,
)
from api.controllers.customer_tracking import (
    TicketTrackingLinkController,
    TrackController,
    TrackPageController,
    provide_tracking_service,
)
from api.controllers.evidence import (
    UPLOADS_PATH,
    EvidenceController,
    ObjectTransferController,
    provide_evidence_service,
)
from api.controllers.field_work import (
    MeController,
    SyncController,
    WorkOrderController,
    provide_work_order_service,
)
from api.controllers.live import EventController, channels_plugin
from api.controllers.network import (
    AssetController,
    CustomerController,
    OutletController,
    PlantController,
    TechnicianController,
)
from api.controllers.planning import AbsenceController, PlanController, plan_workers, provide_plan_service
from api.controllers.positions import (
    DeviceController,
    IngestController,
    PositionController,
    TechnicianPositionController,
    provide_position_service,
)
from api.controllers.system import PolicyController, health
from api.controllers.tickets import DispatchController, TicketController
from api.controllers.warranty import (
    PUBLIC_QUOTE_PATHS,
    QuoteController,
    RecallController,
    TicketQuoteController,
    TicketWarrantyController,
    provide_charge_service,
    provide_recall_service,
    provide_warranty_service,
)
from api.decoding import ApiRequest, InputGuardMiddleware
from api.deps import (
    provide_caller,
    provide_network_service,
    provide_policies,
    provide_preview_service,
    provide_read_session,
    provide_ticket_service,
)
from api.errors import exception_handlers, log_unexpected
from api.openapi import document_truthfully
from api.request_id import add_request_id
from api.settings import Settings
from dispatch.evidence.policy import TrustPolicy
from dispatch.evidence.service import EvidenceConfig
from dispatch.tickets.policy import PolicyRegistry
from dispatch.tickets.preview import PlantFactsCache
from dispatch.warranty.registry import builtin_registry
from storage.database import embedded_url
from storage.objectstore import FilesystemObjectStore, ObjectStore, S3ObjectStore


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return embedded_url(settings.home, settings.database_name)


def engine_config(pool_size: int) -> EngineConfig:
    """A pool of ``pool_size`` connections; 0 opens one per session (tests, pgbouncer setups)."""
    if pool_size == 0:
        return EngineConfig(poolclass=NullPool)
    return EngineConfig(pool_size=pool_size, max_overflow=pool_size)


def object_store(settings: Settings) -> ObjectStore:
    """S3 when ``s3_endpoint`` is set, else files under ``home/objects``. Nothing connects here."""
    if settings.s3_endpoint:
        return S3ObjectStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key or "",
            secret_key=settings.s3_secret_key or "",
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            public_endpoint=settings.s3_public_endpoint,
        )
    base = f"{settings.public_url.rstrip('/')}{UPLOADS_PATH}"
    return FilesystemObjectStore(
        settings.home / "objects",
        secret=hashlib.sha256(b"aftersales-objectstore:" + settings.resolved_secret().encode()).digest(),
        upload_url_base=f"{base}/uploads",
        download_url_base=f"{base}/downloads",
    )


def evidence_config(settings: Settings) -> EvidenceConfig:
    return EvidenceConfig(
        max_bytes=settings.evidence_max_bytes,
        upload_ttl=timedelta(seconds=settings.evidence_upload_ttl_s),
        download_ttl=timedelta(seconds=settings.evidence_download_ttl_s),
        policy=TrustPolicy(threshold=settings.evidence_trust_threshold),
        required_kinds=settings.evidence_required_kinds,
    )


def create_app(settings: Settings) -> Litestar:
    """Build the service. Policies are loaded and validated here: a bad preset stops start-up."""
    policies = PolicyRegistry.load(settings.policy_dir)
    db = SQLAlchemyAsyncConfig(
        connection_string=database_url(settings),
        before_send_handler="autocommit",
        session_config=AsyncSessionConfig(expire_on_commit=False),
        engine_config=engine_config(settings.db_pool_size),
        set_default_exception_handler=False,
        enable_touch_updated_timestamp_listener=False,
    )
    store = object_store(settings)

    async def prepare_store() -> None:
        """Create the bucket / folders on start-up (never at import or construction)."""
        await to_thread.run_sync(store.ensure_ready)

    auth = DefineMiddleware(
        BearerAuthMiddleware, exclude=[f"^{path}" for path in (*PUBLIC_PATHS, *PUBLIC_QUOTE_PATHS)]
    )
    state: dict[str, Any] = {
        "settings": settings,
        "policies": policies,
        "warranty_policies": builtin_registry(),
        "secret": settings.resolved_secret(),
        "object_store": store,
        "evidence_config": evidence_config(settings),
        "evidence_db": db,
        "db_config": db,
        "plant_cache": PlantFactsCache(ttl_s=settings.plant_cache_seconds),
        **console_state(settings),
    }
    return Litestar(
        route_handlers=[
            health,
            PlantController,
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
            TrackController,
            TrackPageController,
            *asset_routers(),
        ],
        plugins=[SQLAlchemyPlugin(config=db), channels_plugin(database_url(settings))],
        on_startup=[prepare_store, document_truthfully],
        lifespan=[plan_workers],
        middleware=[auth, InputGuardMiddleware()],
        before_send=[add_request_id],
        request_class=ApiRequest,
        dependencies={
            "caller": Provide(provide_caller, sync_to_thread=False),
            "policies": Provide(provide_policies, sync_to_thread=False),
            "network": Provide(provide_network_service, sync_to_thread=False),
            "tickets": Provide(provide_ticket_service, sync_to_thread=False),
            "warranty": Provide(provide_warranty_service, sync_to_thread=False),
            "charges": Provide(provide_charge_service, sync_to_thread=False),
            "recalls": Provide(provide_recall_service, sync_to_thread=False),
            "evidence": Provide(provide_evidence_service, sync_to_thread=False),
            "read_session": Provide(provide_read_session),
            "previews": Provide(provide_preview_service, sync_to_thread=False),
            "work_orders": Provide(provide_work_order_service, sync_to_thread=False),
            "positions": Provide(provide_position_service, sync_to_thread=False),
            "plans": Provide(provide_plan_service, sync_to_thread=False),
            "tracking": Provide(provide_tracking_service, sync_to_thread=False),
        },
        exception_handlers=exception_handlers(),
        openapi_config=OpenAPIConfig(
            title="aftersales",
            version="0.1.0",
            description="After-sales field service: intake, dispatch decisions, deadlines.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        state=State(state),
        logging_config=LoggingConfig(log_exceptions="never"),
        after_exception=[log_unexpected],
        debug=False,
    )


def app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory api.app:app_from_env`` (several worker processes)."""
    return create_app(Settings.from_env())
