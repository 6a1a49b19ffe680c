"""Apply the Alembic migrations in ``migrations/`` to a database (the schema's one source)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from geoalchemy2 import alembic_helpers

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent
POSITION_PARTITION = re.compile(r"^positions_\d{4}m\d{2}(_|$)")
"""Monthly partitions of ``positions`` (and their indexes), made at run time by
``ensure_positions_partition`` (migration 0003), not declared as models."""


JOB_QUEUE_PREFIX = "procrastinate_"
"""The job queue's tables belong to procrastinate's schema (``storage/job_queue.py``), not to our models."""


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate's filter: geoalchemy2's (PostGIS's own objects), and no position partitions."""
    table = obj.table.name if type_ == "index" and getattr(obj, "table", None) is not None else name
    if table and (POSITION_PARTITION.match(table) or table.startswith(JOB_QUEUE_PREFIX)):
        return False
    return bool(alembic_helpers.include_object(obj, name, type_, reflected, compare_to))  # type: ignore[no-untyped-call]


def sync_url(url: str) -> str:
    """Alembic runs synchronously: swap the asyncpg driver for psycopg 3."""
    return url.replace("postgresql+asyncpg://", "postgresql+psycopg://", 1)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)
