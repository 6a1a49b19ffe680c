"""Who is calling: a role and the claim that bounds its reach (docs/security.md).

What each role may do is not decided here but in the access table, ``dispatch.access.policy``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    ENGINEER = "engineer"
    OUTLET = "outlet"
    QA = "qa"
    EXECUTIVE = "executive"
    CUSTOMER = "customer"
    """A tracking link's holder; never carried by a bearer token (the link is the credential)."""


TOKEN_ROLES = tuple(role for role in Role if role is not Role.CUSTOMER)
"""Roles a bearer token may carry."""

SCOPE_CLAIMS: dict[Role, str] = {Role.OUTLET: "outlet", Role.ENGINEER: "technician"}
"""Roles whose token is refused at the door without this claim (never read as "no limit")."""


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role
    outlet_id: uuid.UUID | None = None
    technician_id: uuid.UUID | None = None
    ticket_id: uuid.UUID | None = None
    """Set only for a tracking link's principal: the one ticket it shows."""

    @property
    def label(self) -> str:
        """How the audit trail names the actor."""
        return f"{self.role.value}:{self.subject}"

    def missing_claim(self) -> str | None:
        """The claim this principal's role needs and lacks, if any."""
        claim = SCOPE_CLAIMS.get(self.role)
        if claim == "outlet" and self.outlet_id is None:
            return claim
        if claim == "technician" and self.technician_id is None:
            return claim
        return None


def tracking_principal(link_id: uuid.UUID, ticket_id: uuid.UUID) -> Principal:
    """The holder of one tracking link: reaches that ticket's view and report only."""
    return Principal(subject=f"tracking-link:{link_id}", role=Role.CUSTOMER, ticket_id=ticket_id)
