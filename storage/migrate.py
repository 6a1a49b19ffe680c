"""Apply the Alembic migrations in ``migrations/`` to a database (the schema's one source)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


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
