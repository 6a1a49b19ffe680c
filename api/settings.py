"""Settings: the one place that reads the environment (prefix ``AFTERSALES_``).

Tests and tools build ``Settings(...)`` directly; the service builds it with ``Settings.from_env()``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PREFIX = "AFTERSALES_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be configured with. Defaults serve the embedded demo."""

    home: Path = Path("var")
    """Where the embedded PostGIS cluster, the photo store and the dev secret live."""
    database_url: str | None = None
    """External PostGIS (``postgresql+asyncpg://…``); unset = the embedded cluster under ``home``."""
    database_name: str = "aftersales"
    secret_key: str | None = None
    """Signs bearer tokens and upload links; unset = generated once into ``home/secret.key``."""
    public_url: str = "http://127.0.0.1:8000"
    """The address clients use to reach this service (absolute links are built from it)."""
    policy_dir: Path | None = None
    """Extra dispatch policy presets (``*.toml``) loaded beside the built-in ones."""
    default_timezone: str = "Asia/Shanghai"
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_bucket: str = "aftersales"
    s3_region: str = "us-east-1"
    token_ttl_hours: int = 12
    db_pool_size: int = 10
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(PREFIX + name)
            return value if value not in (None, "") else None

        defaults = cls()
        policy_dir = get("POLICY_DIR")
        return cls(
            home=Path(get("HOME") or defaults.home),
            database_url=get("DATABASE_URL"),
            database_name=get("DATABASE_NAME") or defaults.database_name,
            secret_key=get("SECRET_KEY"),
            public_url=(get("PUBLIC_URL") or defaults.public_url).rstrip("/"),
            policy_dir=Path(policy_dir) if policy_dir else None,
            default_timezone=get("TIMEZONE") or defaults.default_timezone,
            s3_endpoint=get("S3_ENDPOINT"),
            s3_access_key=get("S3_ACCESS_KEY"),
            s3_secret_key=get("S3_SECRET_KEY"),
            s3_bucket=get("S3_BUCKET") or defaults.s3_bucket,
            s3_region=get("S3_REGION") or defaults.s3_region,
            token_ttl_hours=int(get("TOKEN_TTL_HOURS") or defaults.token_ttl_hours),
            db_pool_size=int(get("DB_POOL_SIZE") or defaults.db_pool_size),
        )

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    def resolved_secret(self) -> str:
        """The token-signing secret; a development secret is created once under ``home``."""
        if self.secret_key:
            return self.secret_key
        path = self.home / "secret.key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def with_database(self, url: str) -> Settings:
        return replace(self, database_url=url)
