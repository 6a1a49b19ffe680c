"""The models (``storage/models``) and the migrations (``migrations/versions``) describe one schema.

Alembic's autogenerate comparison runs against a freshly migrated test database, with
geoalchemy2's helpers so PostGIS's own tables and the spatial indexes it manages are not reported
(ADR 0003). Anything listed here is a migration nobody wrote, or a model that lies.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, pool

from storage.migrate import include_object, sync_url
from storage.models import Base


def schema_differences(database_url: str, metadata: MetaData = Base.metadata) -> list[Any]:
    engine = create_engine(sync_url(database_url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "target_metadata": metadata,
                    "include_object": include_object,
                    "compare_type": True,
                },
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    differences = schema_differences(database_url)
    assert differences == [], (
        "models and migrations disagree; write a migration (alembic revision --autogenerate) "
        f"or fix the model: {differences}"
    )


def test_the_check_sees_a_model_without_migration(database_url: str) -> None:
    """The comparison is not blind: a table only the models know is reported."""
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    Table("not_migrated", metadata, Column("id", Integer, primary_key=True))
    kinds = [d[0] for d in schema_differences(database_url, metadata)]
    assert kinds == ["add_table"]
