"""SQLAlchemy models: the rows the product keeps. Schemas for the API live in ``api/schemas``."""

from storage.models.base import Base
from storage.models.customers import Asset, Customer
from storage.models.network import Outlet, Plant, Technician
from storage.models.tickets import DispatchDecision, Ticket, TicketEvent

__all__ = [
    "Asset",
    "Base",
    "Customer",
    "DispatchDecision",
    "Outlet",
    "Plant",
    "Technician",
    "Ticket",
    "TicketEvent",
]
