"""A benchmark network: one plant in Yantai and N outlets scattered over China (seeded RNG)."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import psycopg

from storage.database import embedded_cluster
from storage.migrate import upgrade

CHINA = (97.0, 22.0, 123.0, 45.0)  # west, south, east, north: mostly land, mostly China
YANTAI = (121.447, 37.464)


def random_site(rng: random.Random) -> tuple[float, float]:
    west, south, east, north = CHINA
    return rng.uniform(west, east), rng.uniform(south, north)


def prepare(home: Path, database: str, outlets: int, seed: int = 7) -> tuple[str, uuid.UUID]:
    """(url, plant id) of a migrated database with ``outlets`` outlets; reused when it exists."""
    cluster = embedded_cluster(home)
    cluster.start()
    cluster.ensure_database(database)
    url = cluster.url(database)
    upgrade(url)
    sync = url.replace("postgresql+asyncpg://", "postgresql://")
    with psycopg.connect(sync) as connection:
        row = connection.execute("SELECT id FROM plants WHERE name = 'bench plant'").fetchone()
        if row is not None:
            count = connection.execute("SELECT count(*) FROM outlets").fetchone()
            if count is not None and count[0] == outlets:
                return url, row[0]
            connection.execute("DELETE FROM outlets; DELETE FROM plants")
        plant_id = uuid.uuid4()
        connection.execute(
            "INSERT INTO plants (id, name, location, policy) VALUES "
            "(%s, 'bench plant', ST_GeogFromText(%s), 'vehicle-500km')",
            (plant_id, f"SRID=4326;POINT({YANTAI[0]} {YANTAI[1]})"),
        )
        rng = random.Random(seed)
        rows = []
        for index in range(outlets):
            lon, lat = random_site(rng)
            radius = rng.choice([None, 150, 300, 600])
            rows.append((uuid.uuid4(), plant_id, f"outlet {index}", f"SRID=4326;POINT({lon} {lat})", radius))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO outlets (id, plant_id, name, location, service_radius_km) "
                "VALUES (%s, %s, %s, ST_GeogFromText(%s), %s)",
                rows,
            )
        connection.execute("ANALYZE outlets")
        return url, plant_id
