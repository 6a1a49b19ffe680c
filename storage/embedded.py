"""The embedded PostGIS cluster: a project-local PostgreSQL that the product runs itself.

`make run` and the test suite need a real PostGIS without asking anyone to install or configure a
server. This module initialises a cluster with the system's ``initdb``/``pg_ctl`` under a data
directory, starts it on a unix socket only (``listen_addresses=''``: nothing on the network), and
creates the application database with the PostGIS extension.

PostgreSQL refuses to run as root. When this process is root (CI, fresh servers), the server runs
as the ``postgres`` system user that the Debian package creates; the Python process stays root
and connects through the socket. A data directory the ``postgres`` user cannot reach (a 0700
checkout, say) is replaced by one under ``/var/lib/postgresql/aftersales/`` keyed by the home path.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storage.errors import EmbeddedClusterError

PG_BIN_CANDIDATES = (
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/14/bin",
)
SERVER_USER = "postgres"
# Unix socket paths are limited to 107 bytes; keep room for "/.s.PGSQL.5432".
MAX_SOCKET_DIR = 90


def find_pg_bin() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl`` of the newest installed PostgreSQL."""
    for candidate in PG_BIN_CANDIDATES:
        if (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise EmbeddedClusterError(
        "PostgreSQL server binaries not found: run `make setup` "
        "(installs postgresql and postgresql-15-postgis-3) or set AFTERSALES_DATABASE_URL"
    )


def _is_root() -> bool:
    return os.geteuid() == 0


def _server_user_can_reach(path: Path) -> bool:
    """Whether the ``postgres`` user can traverse every parent of ``path``."""
    probe = path if path.exists() else path.parent
    while not probe.exists():
        probe = probe.parent
    result = subprocess.run(
        ["runuser", "-u", SERVER_USER, "--", "test", "-x", str(probe)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@dataclass(frozen=True, slots=True)
class ClusterLayout:
    """Where one cluster keeps its data, socket and log."""

    data_dir: Path
    socket_dir: Path
    log_file: Path
    port: int = 5432

    @classmethod
    def under(cls, home: Path) -> ClusterLayout:
        """The layout for an ``$AFTERSALES_HOME``, relocated when the server user can't use it."""
        home = home.resolve()
        data_dir = home / "pgdata"
        socket_dir = home / "run"
        if _is_root() and not _server_user_can_reach(home):
            digest = hashlib.sha1(str(home).encode()).hexdigest()[:12]
            base = Path("/var/lib/postgresql/aftersales") / digest
            data_dir, socket_dir = base / "pgdata", base / "run"
        if len(str(socket_dir)) > MAX_SOCKET_DIR:
            digest = hashlib.sha1(str(home).encode()).hexdigest()[:12]
            socket_dir = Path("/tmp") / f"aftersales-{digest}"
        return cls(data_dir=data_dir, socket_dir=socket_dir, log_file=data_dir.parent / "pg.log")


@dataclass
class EmbeddedCluster:
    """Initialise, start and stop one project-local PostgreSQL + PostGIS cluster."""

    layout: ClusterLayout
    extra_settings: dict[str, str] = field(default_factory=dict)
    pg_bin: Path = field(default_factory=find_pg_bin)

    # -- commands, run as the server user when we are root -------------------------------
    def _as_server_user(self, argv: Sequence[str]) -> list[str]:
        if _is_root():
            return ["runuser", "-u", SERVER_USER, "--", *argv]
        return list(argv)

    def _run(self, argv: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self._as_server_user(argv), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise EmbeddedClusterError(
                f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-800:]}"
            )
        return result

    def _own_dirs(self) -> None:
        for directory in (self.layout.data_dir.parent, self.layout.socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
        if _is_root():
            user = pwd.getpwnam(SERVER_USER)
            for directory in (self.layout.data_dir.parent, self.layout.socket_dir):
                os.chown(directory, user.pw_uid, user.pw_gid)
            if self.layout.data_dir.exists():
                os.chown(self.layout.data_dir, user.pw_uid, user.pw_gid)
        self.layout.socket_dir.chmod(0o700)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def initialised(self) -> bool:
        return (self.layout.data_dir / "PG_VERSION").exists()

    def initdb(self) -> None:
        """Create the cluster once; a no-op when it exists."""
        self._own_dirs()
        if self.initialised:
            return
        self._run(
            [
                str(self.pg_bin / "initdb"),
                "-D",
                str(self.layout.data_dir),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            "initdb",
        )

    def is_running(self) -> bool:
        result = subprocess.run(
            self._as_server_user([str(self.pg_bin / "pg_ctl"), "status", "-D", str(self.layout.data_dir)]),
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def start(self, timeout_s: float = 30.0) -> None:
        """Start the server (initialising it first); waits until it accepts connections."""
        self.initdb()
        self._own_dirs()
        if self.is_running():
            return
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.layout.socket_dir}'",
            "port": str(self.layout.port),
            **self.extra_settings,
        }
        options = " ".join(f"-c {key}={value}" for key, value in settings.items())
        self._run(
            [
                str(self.pg_bin / "pg_ctl"),
                "start",
                "-D",
                str(self.layout.data_dir),
                "-l",
                str(self.layout.log_file),
                "-o",
                options,
                "-w",
                "-t",
                str(int(timeout_s)),
            ],
            "pg_ctl start",
        )

    def stop(self) -> None:
        if self.initialised and self.is_running():
            self._run(
                [
                    str(self.pg_bin / "pg_ctl"),
                    "stop",
                    "-D",
                    str(self.layout.data_dir),
                    "-m",
                    "fast",
                    "-w",
                ],
                "pg_ctl stop",
            )

    # -- databases ---------------------------------------------------------------------------
    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run one SQL string through ``psql`` on the socket; returns its output."""
        result = self._run(
            [
                str(self.pg_bin / "psql"),
                "-h",
                str(self.layout.socket_dir),
                "-p",
                str(self.layout.port),
                "-U",
                SERVER_USER,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAt",
                "-c",
                sql,
            ],
            f"psql ({sql[:60]})",
        )
        return result.stdout.strip()

    def ensure_database(self, name: str, template: str | None = None) -> None:
        """Create ``name`` with PostGIS if it is missing."""
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if exists == "1":
            return
        clause = f' TEMPLATE "{template}"' if template else ""
        self.psql(f'CREATE DATABASE "{name}"{clause}')
        if template is None:
            self.psql("CREATE EXTENSION IF NOT EXISTS postgis", database=name)

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        """A SQLAlchemy URL for a database of this cluster over its unix socket."""
        return f"{driver}://{SERVER_USER}@/{database}?host={self.layout.socket_dir}&port={self.layout.port}"
