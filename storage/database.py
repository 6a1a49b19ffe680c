"""Which database the service talks to: an external URL, or the embedded cluster under home."""

from __future__ import annotations

from pathlib import Path

from storage.embedded import ClusterLayout, EmbeddedCluster
from storage.migrate import upgrade


def embedded_cluster(home: Path) -> EmbeddedCluster:
    return EmbeddedCluster(ClusterLayout.under(home))


def embedded_url(home: Path, database: str) -> str:
    """The URL of the embedded cluster's database (the cluster need not be running yet)."""
    return embedded_cluster(home).url(database)


def prepare_embedded(home: Path, database: str) -> str:
    """Start the embedded cluster if needed, create the database, apply migrations."""
    cluster = embedded_cluster(home)
    cluster.start()
    cluster.ensure_database(database)
    url = cluster.url(database)
    upgrade(url)
    return url
