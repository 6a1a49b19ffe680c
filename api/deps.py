"""Request-scoped dependencies: the caller and the services built on the request's session."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dispatch.access.principal import Principal
from dispatch.network.service import NetworkService
from dispatch.tickets.policy import PolicyRegistry
from dispatch.tickets.preview import PreviewService
from dispatch.tickets.service import TicketService
from storage.repositories.network import (
    AssetRepository,
    CustomerRepository,
    OutletRepository,
    PlantRepository,
    TechnicianRepository,
)
from storage.repositories.tickets import TicketRepository


def provide_caller(request: Request[Principal, Any, Any]) -> Principal:
    return request.user


def provide_policies(state: State) -> PolicyRegistry:
    registry: PolicyRegistry = state.policies
    return registry


def provide_network_service(db_session: NamedDependency[AsyncSession], state: State) -> NetworkService:
    return NetworkService(
        PlantRepository(db_session),
        OutletRepository(db_session),
        TechnicianRepository(db_session),
        state.policies,
    )


async def provide_read_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """A session outside any transaction (autocommit) for read-only hot paths."""
    maker: async_sessionmaker[AsyncSession] | None = state.get("read_sessions")
    if maker is None:
        engine: AsyncEngine = state.db_config.get_engine()
        maker = async_sessionmaker(
            engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )
        state.read_sessions = maker
    async with maker() as session:
        yield session


def provide_preview_service(read_session: NamedDependency[AsyncSession], state: State) -> PreviewService:
    return PreviewService(
        PlantRepository(read_session), OutletRepository(read_session), state.policies, state.plant_cache
    )


def provide_ticket_service(db_session: NamedDependency[AsyncSession], state: State) -> TicketService:
    return TicketService(
        PlantRepository(db_session),
        OutletRepository(db_session),
        TicketRepository(db_session),
        CustomerRepository(db_session),
        AssetRepository(db_session),
        state.policies,
    )
