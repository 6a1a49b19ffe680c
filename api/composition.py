"""The composition root: what is built once, and how each request's services are built.

``build_components(settings)`` builds the long-lived parts once at start (engine and session
makers, policy registries, object store, caches, the clock) into one frozen
``Components``. Request-scoped services are built by the ``*_service`` functions below from one
unit of work's session (``storage/unit_of_work.py``) — every collaborator passed in a constructor,
nothing looked up by a string key. ``dependencies(components)`` turns them into Litestar
providers; controllers receive services and the caller only. The CLI and the demo loader build
services through the same functions (ADR 0011).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from anyio import to_thread
from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.controllers.console import ConsoleConfig, console_config
from api.controllers.customer_tracking import ViewCache
from api.controllers.evidence import UPLOADS_PATH
from api.settings import Settings
from dispatch.access.principal import Principal
from dispatch.calendar.service import CalendarService
from dispatch.calendar.status import CalendarStatus
from dispatch.customer_tracking.links import TrackingService
from dispatch.customer_tracking.reads import TrackingReads
from dispatch.evidence.policy import TrustPolicy
from dispatch.evidence.service import EvidenceConfig, EvidenceService
from dispatch.field_work.service import WorkOrderService
from dispatch.live.journal import Journal
from dispatch.network.service import NetworkService
from dispatch.notifications.service import WebhookService
from dispatch.planning.load import SnapshotLoader
from dispatch.planning.service import PlanService
from dispatch.positions.ingest import PositionIngest
from dispatch.positions.service import PositionIntake, PositionService, TrackingSettings
from dispatch.positions.writer import PositionWriter
from dispatch.tickets.clock_service import TicketClockService
from dispatch.tickets.ending import TicketEnding
from dispatch.tickets.policy import DispatchPolicyRegistry
from dispatch.tickets.preview import PlantFactsCache, PreviewService
from dispatch.tickets.service import TicketService
from dispatch.warranty.charges import ChargeService
from dispatch.warranty.recalls import RecallService
from dispatch.warranty.registry import WarrantyPolicyRegistry, builtin_registry
from dispatch.warranty.service import WarrantyService
from geo.traveltime import GeodesicTravelModel, TravelModel
from storage.database import embedded_url
from storage.job_queue import JobQueue
from storage.objectstore import FilesystemObjectStore, ObjectStore, S3ObjectStore
from storage.read_pool import ReadPool
from storage.repositories.calendar import CalendarRepository
from storage.repositories.customer_tracking import TrackingLinkRepository
from storage.repositories.evidence import EvidenceRepository
from storage.repositories.field_work import WorkOrderRepository
from storage.repositories.network import (
    AssetRepository,
    CustomerRepository,
    OutletRepository,
    PlantRepository,
    PreviewReads,
    TechnicianRepository,
)
from storage.repositories.notifications import WebhookRepository
from storage.repositories.planning import PlanRepository
from storage.repositories.positions import DeviceRepository, PositionRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.warranty import WarrantyRepository
from storage.unit_of_work import read_only, read_only_maker, session_maker, unit_of_work

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return embedded_url(settings.home, settings.database_name)


def make_engine(settings: Settings) -> AsyncEngine:
    """A pool of ``db_pool_size`` connections; 0 opens one per session (tests, pgbouncer setups).
    Nothing connects here.

    ``hide_parameters``: SQL errors never carry bound values (customers' names, phones) into logs.
    ``pool_pre_ping``: a pooled connection that died with a database restart is replaced, not used."""
    url = database_url(settings)
    if settings.db_pool_size == 0:
        return create_async_engine(url, poolclass=NullPool, hide_parameters=True)
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
        hide_parameters=True,
    )


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


@dataclass(frozen=True, slots=True)
class Components:
    """Everything long-lived, built once per app by ``build_components``."""

    settings: Settings
    secret: str
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    """Units of work (requests, background jobs)."""
    read_sessions: async_sessionmaker[AsyncSession]
    """Autocommit sessions for read paths (health, the customer's page, SSE)."""
    policies: DispatchPolicyRegistry
    warranty_policies: WarrantyPolicyRegistry
    object_store: ObjectStore
    evidence_config: EvidenceConfig
    plant_cache: PlantFactsCache
    read_pool: ReadPool
    """Bare connections for the dispatch preview (``storage/read_pool.py``)."""
    travel_model: TravelModel
    journal: Journal
    tracking_reads: TrackingReads
    track_views: ViewCache
    console_config: ConsoleConfig
    calendar_status: CalendarStatus
    position_writer: PositionWriter
    """Group commit of position ingest (ADR 0017): one per process, like the pool."""


def build_components(
    settings: Settings,
    *,
    warranty_policies: WarrantyPolicyRegistry | None = None,
    clock: Clock = utc_now,
) -> Components:
    """Build the long-lived parts. Dispatch policies are loaded and validated here: a bad preset
    stops start-up. ``warranty_policies`` replaces the built-in registry (tests of new versions)."""
    engine = make_engine(settings)
    sessions = session_maker(engine)
    read_sessions = read_only_maker(engine)
    travel_model = GeodesicTravelModel()

    def tracking(session: AsyncSession) -> TrackingService:
        return TrackingService(
            TrackingLinkRepository(session),
            travel_model,
            settings.public_url,
            timedelta(days=settings.tracking_link_max_days),
        )

    reads = TrackingReads(read_sessions, tracking, clock)

    return Components(
        settings=settings,
        secret=settings.resolved_secret(),
        clock=clock,
        engine=engine,
        sessions=sessions,
        read_sessions=read_sessions,
        policies=DispatchPolicyRegistry.load(settings.policy_dir),
        warranty_policies=warranty_policies if warranty_policies is not None else builtin_registry(),
        object_store=object_store(settings),
        evidence_config=evidence_config(settings),
        plant_cache=PlantFactsCache(ttl_s=settings.plant_cache_seconds),
        read_pool=ReadPool.beside(engine, max_size=settings.db_pool_size),
        travel_model=travel_model,
        journal=Journal(read_sessions),
        tracking_reads=reads,
        track_views=ViewCache(reads),
        console_config=console_config(settings),
        calendar_status=CalendarStatus(read_sessions, clock),
        position_writer=PositionWriter(
            engine,
            PositionIngest(sessions, partial(work_orders_on, clock=clock), tracking_settings(settings)),
        ),
    )


@asynccontextmanager
async def running(components: Components) -> AsyncIterator[None]:
    """The app's lifespan (and a job worker's): prepare the object store; on exit finish the
    positions being stored, then close the connection pools. Background work runs on the job
    queue, never in this process's tasks."""
    await to_thread.run_sync(components.object_store.ensure_ready)
    try:
        yield
    finally:
        await components.position_writer.close()
        await components.read_pool.close()
        await components.engine.dispose()


# -- request-scoped services, built from one unit of work's session ---------------------------


def network_service(session: AsyncSession, c: Components) -> NetworkService:
    return NetworkService(
        PlantRepository(session),
        OutletRepository(session),
        TechnicianRepository(session),
        CustomerRepository(session),
        AssetRepository(session),
        c.policies,
    )


def calendar_service(session: AsyncSession, c: Components) -> CalendarService:
    return CalendarService(CalendarRepository(session), PlantRepository(session))


def ticket_clock_service(session: AsyncSession, c: Components) -> TicketClockService:
    return TicketClockService(
        TicketRepository(session),
        WorkOrderRepository(session),
        WarrantyRepository(session),
        calendar_service(session, c),
        c.policies,
        c.clock,
    )


def warranty_service(session: AsyncSession, c: Components) -> WarrantyService:
    return WarrantyService(
        WarrantyRepository(session),
        TicketRepository(session),
        AssetRepository(session),
        CustomerRepository(session),
        PlantRepository(session),
        c.warranty_policies,
    )


def ticket_service(session: AsyncSession, c: Components) -> TicketService:
    return TicketService(
        PlantRepository(session),
        OutletRepository(session),
        TicketRepository(session),
        CustomerRepository(session),
        AssetRepository(session),
        WarrantyRepository(session),
        warranty_service(session, c),
        c.policies,
        c.warranty_policies,
        c.clock,
    )


def preview_service(c: Components) -> PreviewService:
    """Built once per app: the preview reads on the read pool, not on a request's session."""
    return PreviewService(PreviewReads(c.read_pool), c.policies, c.plant_cache)


def charge_service(session: AsyncSession, c: Components) -> ChargeService:
    return ChargeService(
        WarrantyRepository(session), TicketRepository(session), AssetRepository(session), c.warranty_policies
    )


def recall_service(session: AsyncSession, c: Components) -> RecallService:
    return RecallService(
        WarrantyRepository(session),
        TicketRepository(session),
        AssetRepository(session),
        PlantRepository(session),
        c.warranty_policies,
        warranty_service(session, c),
    )


def evidence_service(session: AsyncSession, c: Components) -> EvidenceService:
    return EvidenceService(
        EvidenceRepository(session),
        TicketRepository(session),
        c.object_store,
        c.evidence_config,
        JobQueue(session),
        c.clock,
    )


def work_order_service(session: AsyncSession, c: Components) -> WorkOrderService:
    return work_orders_on(session, c.clock)


def work_orders_on(session: AsyncSession, clock: Clock) -> WorkOrderService:
    return WorkOrderService(
        WorkOrderRepository(session),
        TicketRepository(session),
        TechnicianRepository(session),
        WarrantyRepository(session),
        CalendarRepository(session),
        clock,
    )


def tracking_settings(settings: Settings) -> TrackingSettings:
    return TrackingSettings(
        arrival_radius_m=settings.geofence_radius_m,
        max_speed_kmh=settings.max_speed_kmh,
        max_accuracy_m=settings.max_accuracy_m,
        public_url=settings.public_url,
    )


def position_service(session: AsyncSession, c: Components) -> PositionService:
    return PositionService(
        DeviceRepository(session),
        PositionRepository(session),
        TechnicianRepository(session),
        tracking_settings(c.settings),
    )


def plan_service(session: AsyncSession, c: Components) -> PlanService:
    return PlanService(
        PlanRepository(session),
        PlantRepository(session),
        OutletRepository(session),
        TechnicianRepository(session),
        TicketRepository(session),
        work_order_service(session, c),
        SnapshotLoader(PlanRepository(session), PositionRepository(session), WarrantyRepository(session)),
        JobQueue(session),
        c.clock,
    )


def ticket_ending(session: AsyncSession, c: Components) -> TicketEnding:
    return TicketEnding(
        TicketRepository(session),
        WorkOrderRepository(session),
        work_order_service(session, c),
        evidence_service(session, c),
        c.clock,
    )


def webhook_service(session: AsyncSession, c: Components) -> WebhookService:
    s = c.settings
    return WebhookService(WebhookRepository(session), s.webhook_allow_private, s.smtp(), c.clock)


def tracking_service(session: AsyncSession, c: Components) -> TrackingService:
    return TrackingService(
        TrackingLinkRepository(session),
        c.travel_model,
        c.settings.public_url,
        timedelta(days=c.settings.tracking_link_max_days),
    )


# -- Litestar providers ----------------------------------------------------------------------

T = TypeVar("T")

SERVICES: dict[str, Callable[[AsyncSession, Components], object]] = {
    "network": network_service,
    "tickets": ticket_service,
    "calendar": calendar_service,
    "clocks": ticket_clock_service,
    "warranty": warranty_service,
    "charges": charge_service,
    "recalls": recall_service,
    "evidence": evidence_service,
    "work_orders": work_order_service,
    "positions": position_service,
    "plans": plan_service,
    "tracking": tracking_service,
    "webhooks": webhook_service,
    "ending": ticket_ending,
}
"""Dependency name → builder on the request's unit of work (``previews`` reads outside one)."""


def provide_caller(request: Request[Principal, Any, Any]) -> Principal:
    return request.user


def _session_provider(components: Components) -> Callable[[], AsyncGenerator[AsyncSession, None]]:
    async def provide_session() -> AsyncGenerator[AsyncSession, None]:
        """The request's unit of work: committed after the handler returned and before the
        response is sent (a refused COMMIT answers an error, never 2xx); rolled back when the
        handler raised."""
        async with unit_of_work(components.sessions) as session:
            yield session

    return provide_session


def _read_session_provider(components: Components) -> Callable[[], AsyncGenerator[AsyncSession, None]]:
    async def provide_read_session() -> AsyncGenerator[AsyncSession, None]:
        """No transaction at all: for the read-only hot paths."""
        async with read_only(components.read_sessions) as session:
            yield session

    return provide_read_session


def _on_session(build: Callable[[AsyncSession, Components], T], components: Components) -> Provide:
    def provide(session: NamedDependency[AsyncSession]) -> T:
        return build(session, components)

    return Provide(provide, sync_to_thread=False)


def _constant(value: Any) -> Provide:
    def provide() -> Any:
        return value

    return Provide(provide, sync_to_thread=False, use_cache=True)


def dependencies(components: Components) -> dict[str, Provide]:
    """Every dependency a controller may name; all built here, none elsewhere."""
    provided: dict[str, Provide] = {
        "caller": Provide(provide_caller, sync_to_thread=False),
        "session": Provide(_session_provider(components)),
        "read_session": Provide(_read_session_provider(components)),
        "settings": _constant(components.settings),
        "policies": _constant(components.policies),
        "engine": _constant(components.engine),
        "journal": _constant(components.journal),
        "tracking_reads": _constant(components.tracking_reads),
        "track_views": _constant(components.track_views),
        "console_config": _constant(components.console_config),
        "calendar_status": _constant(components.calendar_status),
        "intake": _constant(PositionIntake(components.position_writer)),
    }
    provided["previews"] = _constant(preview_service(components))
    for name, build in SERVICES.items():
        provided[name] = _on_session(build, components)
    return provided
