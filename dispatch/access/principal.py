"""Who is calling, and what their role and scope allow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from dispatch.errors import NotPermitted


class Role(StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    ENGINEER = "engineer"
    OUTLET = "outlet"
    QA = "qa"
    EXECUTIVE = "executive"


OFFICE = (Role.ADMIN, Role.DISPATCHER)
"""Roles that run the service network and take calls."""
READERS = (Role.ADMIN, Role.DISPATCHER, Role.QA, Role.EXECUTIVE, Role.OUTLET, Role.ENGINEER)


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role
    outlet_id: uuid.UUID | None = None
    technician_id: uuid.UUID | None = None

    @property
    def label(self) -> str:
        """How the audit trail names the actor."""
        return f"{self.role.value}:{self.subject}"

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(role.value for role in roles)
            raise NotPermitted(f"role {self.role.value!r} may not do this (allowed: {allowed})")

    @property
    def outlet_scope(self) -> uuid.UUID | None:
        """An outlet-role token sees only its own outlet's tickets."""
        return self.outlet_id if self.role is Role.OUTLET else None
