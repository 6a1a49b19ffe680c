"""Health and the policy presets in force."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from api.live_listener import health_checks
from api.outage import RETRY_AFTER_S
from api.settings import Settings
from dispatch.access.principal import Principal
from dispatch.calendar.status import CHINA, CalendarStatus
from dispatch.tickets.policy import DispatchPolicyRegistry
from storage.job_queue import queue_health


class JobsOut(msgspec.Struct):
    """The job queue as the database sees it: a plan stays ``queued`` while ``workers`` is 0."""

    workers: int
    """Job workers with a recent heartbeat (``aftersales worker``)."""
    waiting: dict[str, int]
    """Jobs waiting, per queue (``plans``, ``evidence``, ``maintenance``)."""
    running: dict[str, int]


class CalendarYearHealth(msgspec.Struct):
    year: int
    estimated: bool
    """True: no published notice for the year; working-time deadlines in it are estimates
    (import the notice: ``aftersales calendar import``, docs/calendar.md)."""
    origin: str
    """``imported``, ``packaged``, ``estimated``, or ``unknown`` (the database is down)."""


class HealthOut(msgspec.Struct):
    status: str
    """``ok``, or ``degraded`` (answered with 503 + ``Retry-After``) when a dependency is down."""
    database: str
    """``ok`` or ``down`` (kept from the first version of this answer)."""
    checks: dict[str, str]
    """Each dependency: ``up`` or ``down`` (``database``, ``live_listener``: the LISTEN connection)."""
    jobs: JobsOut | None = None
    """The job queue (null while the database is down). No worker does not make the API unhealthy:
    requests are answered, background work waits."""
    calendar: list[CalendarYearHealth] = msgspec.field(default_factory=list)
    """This year's and next year's working calendar (the year in China, by the server's clock)."""


@get(
    "/health",
    summary="Liveness and dependencies: 200 when all are up, 503 naming the one that is down",
    tags=["system"],
    responses={503: ResponseSpec(HealthOut, description="A dependency is down; retry after Retry-After")},
)
async def health(
    engine: NamedDependency[AsyncEngine],
    channels: NamedDependency[ChannelsPlugin],
    settings: NamedDependency[Settings],
    calendar_status: NamedDependency[CalendarStatus],
) -> Response[HealthOut]:
    checks = await health_checks(engine, channels)
    up = all(value == "up" for value in checks.values())
    jobs = await _jobs(engine, settings.worker_stalled_after_s) if checks["database"] == "up" else None
    body = HealthOut(
        status="ok" if up else "degraded",
        database="ok" if checks["database"] == "up" else "down",
        checks=checks,
        jobs=jobs,
        calendar=await _calendar(calendar_status, checks["database"] == "up"),
    )
    headers = {} if up else {"Retry-After": str(RETRY_AFTER_S)}
    return Response(body, status_code=200 if up else 503, headers=headers)


async def _jobs(engine: AsyncEngine, stalled_after_s: float) -> JobsOut | None:
    try:
        async with engine.connect() as connection:
            found = await queue_health(connection, stalled_after_s)
    except (OSError, SQLAlchemyError):  # went down since the check: the checks say so
        return None
    return JobsOut(found.workers, found.waiting, found.running)


async def _calendar(status: CalendarStatus, database_up: bool) -> list[CalendarYearHealth]:
    """Imported notices are in the database: while it is down the origin is ``unknown``."""
    if database_up:
        try:
            return [
                CalendarYearHealth(y.year, y.estimated, y.origin.value if y.origin else "not_covered")
                for y in await status.years()
            ]
        except (SQLAlchemyError, OSError):
            pass
    this_year = status.clock().astimezone(CHINA).year
    return [CalendarYearHealth(year, True, "unknown") for year in (this_year, this_year + 1)]


class PolicyController(Controller):
    path = "/api/v1/policies"
    tags = ["dispatch"]

    @get("/", summary="Dispatch policy presets with their tiers")
    async def list_policies(
        self, caller: NamedDependency[Principal], policies: NamedDependency[DispatchPolicyRegistry]
    ) -> list[dict[str, Any]]:
        return [
            {
                "name": p.name,
                "version": p.version,
                "title": p.title,
                "rules": list(p.rules),
                "direct_radius_km": p.direct_radius_km,
                "response_minutes": dict(p.response_minutes),
                "at_risk_share": p.at_risk_share,
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
