"""``aftersales``: serve, migrate, load the demo, stop the embedded cluster, issue dev tokens."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta

from api.settings import Settings
from dispatch.access import Role
from dispatch.policy import PolicyRegistry


def _database(settings: Settings) -> str:
    """Bring the database up to date (starting the embedded cluster if that is the default)."""
    from storage.database import prepare_embedded
    from storage.migrate import upgrade

    if settings.database_url is None:
        return prepare_embedded(settings.home, settings.database_name)
    upgrade(settings.database_url)
    return settings.database_url


async def _load_demo(url: str, policies: PolicyRegistry) -> bool:
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    from api.demo import load_demo

    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            return await load_demo(session, policies)
    finally:
        await engine.dispose()


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    url = _database(settings)
    print(f"database is up to date: {url.split('@')[-1]}")
    return 0


def cmd_demo(settings: Settings, _: argparse.Namespace) -> int:
    url = _database(settings)
    loaded = asyncio.run(_load_demo(url, PolicyRegistry.load(settings.policy_dir)))
    print("demo data loaded" if loaded else "database already has plants: demo not loaded again")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    url = _database(settings)
    if args.demo:
        cmd_demo(settings, args)
    token = _token(settings, Role.DISPATCHER)
    print(f"aftersales on http://{args.host}:{args.port}  (OpenAPI: /schema)")
    print(f"dispatcher token for trying it out:\n  {token}", flush=True)
    if args.workers > 1:
        os.environ["AFTERSALES_DATABASE_URL"] = url
        os.environ.setdefault("AFTERSALES_SECRET_KEY", settings.resolved_secret())
        uvicorn.run(
            "api.app:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
        )
        return 0
    from api.app import create_app

    uvicorn.run(
        create_app(settings.with_database(url)), host=args.host, port=args.port, log_level=args.log_level
    )
    return 0


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
    print(_token(settings, Role(args.role), args.outlet, args.technician, args.subject))
    return 0


def cmd_bench(_: Settings, args: argparse.Namespace) -> int:
    import importlib

    module = importlib.import_module(f"bench.{args.suite}")
    main: Callable[[list[str]], int] = module.main
    return main(list(args.rest))


BENCH_SUITES = ("vrptw", "decisions", "http_preview")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="aftersales", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the embedded cluster if needed, migrate, serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo data first (once)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(run=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    sub.add_parser("demo", help="load the demo data (once)").set_defaults(run=cmd_demo)
    sub.add_parser("stop", help="stop the embedded PostGIS cluster").set_defaults(run=cmd_stop)

    token = sub.add_parser("token", help="print a bearer token for development")
    token.add_argument("--role", required=True, choices=[role.value for role in Role])
    token.add_argument("--outlet", type=uuid.UUID, help="outlet scope (outlet role)")
    token.add_argument("--technician", type=uuid.UUID, help="technician scope (engineer role)")
    token.add_argument("--subject", default="dev", help="who the token names in audit trails")
    token.set_defaults(run=cmd_token)

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
