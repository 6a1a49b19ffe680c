"""``aftersales``: serve, migrate, load the demo, stop the embedded cluster, issue dev tokens,
import holiday notices."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from api.settings import Settings
from dispatch.access.principal import TOKEN_ROLES, Role

DEFAULT_SERVER = "uvicorn"
"""The ASGI server ``serve`` runs (``--server``). granian was measured against it and costs as
much CPU per request or more; it stays selectable (ADR 0016)."""

GRACEFUL_TIMEOUT_S = 10.0
"""On SIGTERM the server stops accepting, lets in-flight requests finish this long, then closes the
rest (live streams never finish by themselves; their clients reconnect to another process)."""


def _database(settings: Settings) -> str:
    """Bring the database up to date (starting the embedded cluster if that is the default)."""
    from storage.database import prepare_embedded
    from storage.migrate import upgrade

    if settings.database_url is None:
        return prepare_embedded(settings.home, settings.database_name)
    upgrade(settings.database_url)
    return settings.database_url


async def _load_demo(settings: Settings) -> bool:
    from api.composition import build_components, network_service, ticket_service
    from api.demo import load_demo
    from storage.unit_of_work import unit_of_work

    parts = build_components(settings)
    try:
        async with unit_of_work(parts.sessions) as session:
            return await load_demo(session, network_service(session, parts), ticket_service(session, parts))
    finally:
        await parts.engine.dispose()


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    url = _database(settings)
    print(f"database is up to date: {url.split('@')[-1]}")
    return 0


def cmd_demo(settings: Settings, _: argparse.Namespace) -> int:
    url = _database(settings)
    loaded = asyncio.run(_load_demo(settings.with_database(url)))
    print("demo data loaded" if loaded else "database already has plants: demo not loaded again")
    return 0


def with_served_public_url(settings: Settings, host: str, port: int, environ: Mapping[str, str]) -> Settings:
    """Without ``AFTERSALES_PUBLIC_URL``, links (device ingest, uploads, tracking pages) name the
    address actually served, not a default port. A wildcard host cannot be reached as such: the
    links then use loopback, and a deployment sets ``AFTERSALES_PUBLIC_URL``."""
    if environ.get("AFTERSALES_PUBLIC_URL", ""):
        return settings
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in reachable:
        reachable = f"[{reachable}]"
    return replace(settings, public_url=f"http://{reachable}:{port}")


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """Serve until SIGTERM/SIGINT; in-flight requests get ``--graceful-timeout`` seconds to finish.

    Never prints a token: a token is a credential, and this output ends up in terminals' scroll-back
    and service logs. It says how to get one instead."""
    from api.servers import ServeOptions, Server, run_granian, run_uvicorn

    url = _database(settings)
    settings = with_served_public_url(settings, args.host, args.port, os.environ)
    if args.demo:
        cmd_demo(settings, args)
    print(f"aftersales on http://{args.host}:{args.port}  (OpenAPI: /schema)")
    print(f"links it hands out start with {settings.public_url}  (AFTERSALES_PUBLIC_URL)")
    print("a token for trying it out: aftersales token --role dispatcher", flush=True)
    options = ServeOptions(args.host, args.port, args.workers, args.log_level, args.graceful_timeout)
    # the worker processes build the app from the environment (api.app:app_from_env)
    os.environ["AFTERSALES_DATABASE_URL"] = url
    os.environ["AFTERSALES_PUBLIC_URL"] = settings.public_url
    os.environ.setdefault("AFTERSALES_SECRET_KEY", settings.resolved_secret())
    job_workers = _spawn_job_workers(args.job_workers)
    try:
        if Server(args.server) is Server.GRANIAN:
            run_granian(options)
            return 0
        from api.app import served_app

        run_uvicorn(options, served_app(settings.with_database(url)) if args.workers == 1 else None)
        return 0
    finally:
        _stop_job_workers(job_workers, args.graceful_timeout)


def _spawn_job_workers(count: int) -> list[Any]:
    if count <= 0:
        return []
    from api.worker import spawn

    print(f"{count} job worker(s) beside the API (aftersales worker)", flush=True)
    return spawn(count, dict(os.environ))


def _stop_job_workers(processes: list[Any], timeout_s: float) -> None:
    if processes:
        from api.worker import stop

        stop(processes, timeout_s)


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Run the queue's jobs until SIGTERM/SIGINT (running jobs get ``--graceful-timeout``)."""
    from api.worker import QUEUES, run_worker

    queues = _comma_list(args.queues) if args.queues else list(QUEUES)
    unknown = sorted(set(queues) - set(QUEUES))
    if unknown:
        print(
            f"aftersales worker: unknown queue(s) {', '.join(unknown)}; known: {', '.join(QUEUES)}",
            file=sys.stderr,
        )
        return 2
    if args.concurrency is not None and args.concurrency < 1:
        print("aftersales worker: --concurrency must be at least 1", file=sys.stderr)
        return 2
    url = _database(settings)
    concurrency = args.concurrency or settings.worker_concurrency
    print(f"job worker on {', '.join(queues)} (concurrency {concurrency})", flush=True)
    asyncio.run(
        run_worker(
            settings.with_database(url),
            concurrency=args.concurrency,
            queues=queues,
            graceful_timeout_s=args.graceful_timeout,
        )
    )
    return 0


def _comma_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def cmd_stop(settings: Settings, _: argparse.Namespace) -> int:
    from storage.database import embedded_cluster

    if settings.database_url is not None:
        print("AFTERSALES_DATABASE_URL is set: no embedded cluster to stop")
        return 0
    embedded_cluster(settings.home).stop()
    print("embedded PostGIS cluster stopped")
    return 0


def _token(
    settings: Settings,
    role: Role,
    outlet: uuid.UUID | None = None,
    technician: uuid.UUID | None = None,
    subject: str = "dev",
) -> str:
    from api.auth import issue_token

    return issue_token(
        settings.resolved_secret(),
        role,
        subject=subject,
        outlet_id=outlet,
        technician_id=technician,
        ttl=timedelta(hours=settings.token_ttl_hours),
    )


def cmd_token(settings: Settings, args: argparse.Namespace) -> int:
    try:
        print(_token(settings, Role(args.role), args.outlet, args.technician, args.subject))
    except ValueError as error:
        print(f"aftersales token: {error}", file=sys.stderr)
        return 2
    return 0


async def _evidence_cleanup(settings: Settings, url: str, grace: timedelta, dry_run: bool) -> int:
    from datetime import UTC, datetime

    from anyio import to_thread
    from sqlalchemy.ext.asyncio import create_async_engine

    from api.composition import object_store
    from dispatch.evidence.cleanup import remove_orphans
    from storage.repositories.evidence import EvidenceRepository
    from storage.unit_of_work import session_maker, unit_of_work

    store = object_store(settings)
    await to_thread.run_sync(store.ensure_ready)
    engine = create_async_engine(url)
    try:
        async with unit_of_work(session_maker(engine)) as session:
            report = await remove_orphans(
                EvidenceRepository(session), store, grace=grace, now=datetime.now(UTC), dry_run=dry_run
            )
    finally:
        await engine.dispose()
    verb = "would remove" if dry_run else "removed"
    for key in report.removed:
        print(f"{verb} orphan object {key}")
    for row in report.expired_rows:
        print(f"expired pending evidence {row} (never completed)")
    print(
        f"scanned {report.scanned} objects: {len(report.removed)} orphans {verb}, "
        f"{report.referenced} in use, {report.young} younger than {grace}; "
        f"{len(report.expired_rows)} pending records expired"
    )
    return 0


def cmd_evidence_cleanup(settings: Settings, args: argparse.Namespace) -> int:
    url = _database(settings)
    grace = timedelta(hours=args.grace_hours)
    return asyncio.run(_evidence_cleanup(settings.with_database(url), url, grace, args.dry_run))


async def _positions_cleanup(url: str, days: int) -> int:
    from sqlalchemy.ext.asyncio import create_async_engine

    from dispatch.positions.service import remove_old_positions
    from storage.repositories.positions import PositionRepository
    from storage.unit_of_work import session_maker, unit_of_work

    engine = create_async_engine(url)
    try:
        async with unit_of_work(session_maker(engine)) as session:
            dropped, deleted = await remove_old_positions(PositionRepository(session), timedelta(days=days))
    finally:
        await engine.dispose()
    for name in dropped:
        print(f"dropped partition {name}")
    print(
        f"positions older than {days} days removed: {len(dropped)} partitions dropped, {deleted} rows deleted"
    )
    return 0


def cmd_positions_cleanup(settings: Settings, args: argparse.Namespace) -> int:
    url = _database(settings)
    days = args.older_than if args.older_than is not None else settings.position_retention_days
    return asyncio.run(_positions_cleanup(url, days))


async def _calendar_import(settings: Settings, notices: list[Any]) -> list[Any]:
    from api.composition import build_components, calendar_service
    from dispatch.access.principal import Principal
    from storage.unit_of_work import unit_of_work

    parts = build_components(settings)
    operator = Principal(subject=f"cli:{os.environ.get('USER', 'operator')}", role=Role.ADMIN)
    try:
        async with unit_of_work(parts.sessions) as session:
            return await calendar_service(session, parts).import_notices(operator, notices)
    finally:
        await parts.engine.dispose()


def cmd_calendar_import(settings: Settings, args: argparse.Namespace) -> int:
    """Check the whole file first (exit 2 naming the field), then keep every year in it."""
    from dispatch.calendar.errors import CalendarDataError
    from dispatch.calendar.notice import parse_notice_text

    try:
        notices = parse_notice_text(args.file.read_text(encoding="utf-8"))
    except OSError as error:
        print(f"aftersales calendar import: {error}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"aftersales calendar import: {args.file} is not UTF-8 text", file=sys.stderr)
        return 2
    except CalendarDataError as error:
        print(f"aftersales calendar import: {args.file}: {error}", file=sys.stderr)
        return 2
    url = _database(settings)
    for answer in asyncio.run(_calendar_import(settings.with_database(url), notices)):
        print(f"{answer.year}: imported (was {answer.replaced.value})")
    return 0


def cmd_bench(_: Settings, args: argparse.Namespace) -> int:
    import importlib

    module = importlib.import_module(f"bench.{args.suite}")
    main: Callable[[list[str]], int] = module.main
    return main(list(args.rest))


BENCH_SUITES = (
    "vrptw",
    "decisions",
    "http_preview",
    "evidence",
    "positions",
    "field_plan",
    "track_sse",
    "uploads",
)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="aftersales", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the embedded cluster if needed, migrate, serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo data first (once)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--server",
        default=DEFAULT_SERVER,
        choices=["granian", "uvicorn"],
        help=f"ASGI server (default {DEFAULT_SERVER}; docs/adr/0016-asgi-server-granian-or-uvicorn.md)",
    )
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.add_argument(
        "--graceful-timeout",
        type=float,
        default=GRACEFUL_TIMEOUT_S,
        metavar="SECONDS",
        help=f"on SIGTERM, let in-flight requests finish this long, then close (default {GRACEFUL_TIMEOUT_S:g})",
    )
    serve.add_argument(
        "--job-workers",
        type=int,
        default=0,
        metavar="N",
        help="also start N job workers (`aftersales worker`) that live and die with this server (make run: 1)",
    )
    serve.set_defaults(run=cmd_serve)

    worker = sub.add_parser("worker", help="run background jobs (plan solves, thumbnails, maintenance)")
    worker.add_argument(
        "--concurrency", type=int, metavar="N", help="jobs at once (default AFTERSALES_WORKER_CONCURRENCY)"
    )
    worker.add_argument(
        "--queues", metavar="Q1,Q2", help="only these queues (plans, evidence, notifications, maintenance)"
    )
    worker.add_argument(
        "--graceful-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="on SIGTERM, let running jobs finish this long, then abort them for a retry (default 30)",
    )
    worker.set_defaults(run=cmd_worker)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    sub.add_parser("demo", help="load the demo data (once)").set_defaults(run=cmd_demo)
    sub.add_parser("stop", help="stop the embedded PostGIS cluster").set_defaults(run=cmd_stop)

    cleanup = sub.add_parser("evidence-cleanup", help="find and remove orphan evidence objects")
    cleanup.add_argument("--grace-hours", type=float, default=24.0, help="leave younger objects (24)")
    cleanup.add_argument("--dry-run", action="store_true", help="only print what would be removed")
    cleanup.set_defaults(run=cmd_evidence_cleanup)

    retention = sub.add_parser("positions-cleanup", help="remove positions older than the retention")
    retention.add_argument(
        "--older-than", type=int, metavar="DAYS", help="default: AFTERSALES_POSITION_RETENTION_DAYS (400)"
    )
    retention.set_defaults(run=cmd_positions_cleanup)

    token = sub.add_parser("token", help="print a bearer token for development")
    token.add_argument("--role", required=True, choices=[role.value for role in TOKEN_ROLES])
    token.add_argument("--outlet", type=uuid.UUID, help="outlet scope (outlet role)")
    token.add_argument("--technician", type=uuid.UUID, help="technician scope (engineer role)")
    token.add_argument("--subject", default="dev", help="who the token names in audit trails")
    token.set_defaults(run=cmd_token)

    calendar = sub.add_parser("calendar", help="the working calendar (holiday notices)")
    calendar_sub = calendar.add_subparsers(dest="calendar_command", required=True)
    notice = calendar_sub.add_parser(
        "import", help="import published holiday notices (TOML, the format of holidays_cn.toml)"
    )
    notice.add_argument("file", type=Path, help="a TOML file with [years.YYYY] tables")
    notice.set_defaults(run=cmd_calendar_import)

    bench = sub.add_parser("bench", help="run a benchmark suite and print its figures")
    bench.add_argument("suite", choices=BENCH_SUITES)
    bench.add_argument("rest", nargs=argparse.REMAINDER, help="the suite's own arguments")
    bench.set_defaults(run=cmd_bench)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    run: Callable[[Settings, argparse.Namespace], int] = args.run
    return run(settings, args)


if __name__ == "__main__":
    sys.exit(main())
