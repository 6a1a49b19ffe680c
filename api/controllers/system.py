"""Health and the policy presets in force."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.access.principal import Principal
from dispatch.tickets.policy import PolicyRegistry


class HealthOut(msgspec.Struct):
    status: str
    database: str


@get("/health", summary="Liveness and database reachability (no login)", tags=["system"])
async def health(db_session: NamedDependency[AsyncSession]) -> HealthOut:
    await db_session.execute(text("SELECT 1"))
    return HealthOut(status="ok", database="ok")


class PolicyController(Controller):
    path = "/api/v1/policies"
    tags = ["dispatch"]

    @get("/", summary="Dispatch policy presets with their tiers")
    async def list_policies(
        self, caller: NamedDependency[Principal], policies: NamedDependency[PolicyRegistry]
    ) -> list[dict[str, Any]]:
        return [
            {
                "name": p.name,
                "version": p.version,
                "title": p.title,
                "rules": list(p.rules),
                "direct_radius_km": p.direct_radius_km,
                "response_minutes": dict(p.response_minutes),
                "tiers": [
                    {
                        "from_km": t.from_km,
                        "to_km": t.to_km,
                        "arrival_hours": t.arrival_hours,
                        "gap": t.gap,
                        "appointment": t.appointment,
                        "response_minutes": t.response_minutes,
                        "note": t.note,
                    }
                    for t in p.tiers
                ],
            }
            for p in policies.listed(caller)
        ]
