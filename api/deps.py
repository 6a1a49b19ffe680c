"""Request-scoped dependencies: the caller and the services built on the request's session."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.access import Principal
from dispatch.network import NetworkService
from dispatch.policy import PolicyRegistry
from dispatch.tickets import TicketService
from storage.repositories.customers import AssetRepository, CustomerRepository
from storage.repositories.network import OutletRepository, PlantRepository, TechnicianRepository
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


def provide_ticket_service(db_session: NamedDependency[AsyncSession], state: State) -> TicketService:
    return TicketService(
        PlantRepository(db_session),
        OutletRepository(db_session),
        TicketRepository(db_session),
        CustomerRepository(db_session),
        AssetRepository(db_session),
        state.policies,
    )
