"""The one composition root: ``create_app(settings)`` wires everything; nothing connects at import."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from sqlalchemy.pool import NullPool

from api.auth import PUBLIC_PATHS, BearerAuthMiddleware
from api.controllers.customers import AssetController, CustomerController
from api.controllers.network import OutletController, PlantController, TechnicianController
from api.controllers.system import PolicyController, health
from api.controllers.tickets import DispatchController, TicketController
from api.deps import (
    provide_caller,
    provide_network_service,
    provide_policies,
    provide_preview_service,
    provide_read_session,
    provide_ticket_service,
)
from api.errors import exception_handlers, log_unexpected
from api.settings import Settings
from dispatch.policy import PolicyRegistry
from dispatch.preview import PlantFactsCache
from storage.database import embedded_url


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return embedded_url(settings.home, settings.database_name)


def engine_config(pool_size: int) -> EngineConfig:
    """A pool of ``pool_size`` connections; 0 opens one per session (tests, pgbouncer setups)."""
    if pool_size == 0:
        return EngineConfig(poolclass=NullPool)
    return EngineConfig(pool_size=pool_size, max_overflow=pool_size)


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
    auth = DefineMiddleware(BearerAuthMiddleware, exclude=[f"^{path}" for path in PUBLIC_PATHS])
    state: dict[str, Any] = {
        "settings": settings,
        "policies": policies,
        "secret": settings.resolved_secret(),
        "db_config": db,
        "plant_cache": PlantFactsCache(ttl_s=settings.plant_cache_seconds),
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
            PolicyController,
        ],
        plugins=[SQLAlchemyPlugin(config=db)],
        middleware=[auth],
        dependencies={
            "caller": Provide(provide_caller, sync_to_thread=False),
            "policies": Provide(provide_policies, sync_to_thread=False),
            "network": Provide(provide_network_service, sync_to_thread=False),
            "tickets": Provide(provide_ticket_service, sync_to_thread=False),
            "read_session": Provide(provide_read_session),
            "previews": Provide(provide_preview_service, sync_to_thread=False),
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
