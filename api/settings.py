"""Settings: the one place that reads the environment (prefix ``AFTERSALES_``).

Tests and tools build ``Settings(...)`` directly; the service builds it with ``Settings.from_env()``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
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
    s3_public_endpoint: str | None = None
    """The S3 address phones reach (presigned URLs are signed for it); unset = ``s3_endpoint``."""
    evidence_max_bytes: int = 20 * 1024 * 1024
    """Largest evidence file accepted (default 20 MB)."""
    evidence_upload_ttl_s: int = 900
    """How long an upload URL stays valid (seconds)."""
    evidence_download_ttl_s: int = 300
    """How long a download URL stays valid (seconds; default 5 minutes)."""
    evidence_trust_threshold: float = 0.6
    """Trust score an item needs to count towards "evidence complete"."""
    evidence_required_kinds: tuple[str, ...] = ("before", "after", "notice")
    """Kinds an outlet warranty job needs before it is "evidence complete"."""
    token_ttl_hours: int = 12
    db_pool_size: int = 10
    geofence_radius_m: float = 150.0
    """Issue 5: a plausible fix this close to an en-route job's site marks arrival."""
    max_speed_kmh: float = 200.0
    """Issue 5: a fix implying a faster move since the last plausible one is flagged ``jump``."""
    max_accuracy_m: float = 100.0
    """Issue 5: a fix reporting a worse accuracy radius is flagged ``inaccurate``."""
    position_retention_days: int = 400
    """Positions older than this are removed by ``aftersales positions-cleanup``."""
    plant_cache_seconds: float = 30.0
    """How long an API process reuses a plant's location/policy for previews."""
    tile_url: str | None = None
    """Issue 7: the console's base-map tile URL template (``…/{z}/{x}/{y}.png``); unset = plain background."""
    tile_datum: str = "WGS84"
    """Issue 7: the datum the tiles are drawn in (WGS84, GCJ02 for AMap/Tencent, BD09 for Baidu)."""
    tile_attribution: str = ""
    # -- edge: abuse limits and link lifetime (docs/operations.md#rate-limits, docs/security.md) --
    rate_limit_tracking_ip: int = 1200
    """Customer tracking requests (page, JSON, stream, report) per client IP per minute (0 = off)."""
    rate_limit_tracking_token: int = 600
    """Requests per tracking link per minute, from any address (0 = off)."""
    rate_limit_ingest_ip: int = 3000
    """Device ingest requests (OsmAnd, OwnTracks) per client IP per minute (0 = off)."""
    rate_limit_objects_ip: int = 600
    """Filesystem-store upload/download URL requests per client IP per minute (0 = off)."""
    rate_limit_failed_auth_ip: int = 120
    """Requests with a bearer token that does not verify, per client IP per minute (0 = off)."""
    tracking_link_max_days: int = 14
    """R-TR-1: a tracking link ends this many days after it was made, whatever else it says."""

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
            s3_public_endpoint=get("S3_PUBLIC_ENDPOINT"),
            evidence_max_bytes=int(get("EVIDENCE_MAX_BYTES") or defaults.evidence_max_bytes),
            evidence_upload_ttl_s=int(get("EVIDENCE_UPLOAD_TTL_S") or defaults.evidence_upload_ttl_s),
            evidence_download_ttl_s=int(get("EVIDENCE_DOWNLOAD_TTL_S") or defaults.evidence_download_ttl_s),
            evidence_trust_threshold=float(
                get("EVIDENCE_TRUST_THRESHOLD") or defaults.evidence_trust_threshold
            ),
            evidence_required_kinds=tuple(
                kind.strip()
                for kind in (
                    get("EVIDENCE_REQUIRED_KINDS") or ",".join(defaults.evidence_required_kinds)
                ).split(",")
                if kind.strip()
            ),
            token_ttl_hours=int(get("TOKEN_TTL_HOURS") or defaults.token_ttl_hours),
            db_pool_size=int(get("DB_POOL_SIZE") or defaults.db_pool_size),
            geofence_radius_m=float(get("GEOFENCE_RADIUS_M") or defaults.geofence_radius_m),
            max_speed_kmh=float(get("MAX_SPEED_KMH") or defaults.max_speed_kmh),
            max_accuracy_m=float(get("MAX_ACCURACY_M") or defaults.max_accuracy_m),
            position_retention_days=int(get("POSITION_RETENTION_DAYS") or defaults.position_retention_days),
            plant_cache_seconds=float(get("PLANT_CACHE_SECONDS") or defaults.plant_cache_seconds),
            tile_url=get("TILE_URL"),
            tile_datum=(get("TILE_DATUM") or defaults.tile_datum).upper().replace("-", ""),
            tile_attribution=get("TILE_ATTRIBUTION") or defaults.tile_attribution,
            **_edge_settings(get, defaults),
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


EDGE_INT_SETTINGS = (
    "rate_limit_tracking_ip",
    "rate_limit_tracking_token",
    "rate_limit_ingest_ip",
    "rate_limit_objects_ip",
    "rate_limit_failed_auth_ip",
    "tracking_link_max_days",
)


def _edge_settings(get: Callable[[str], str | None], defaults: Settings) -> dict[str, int]:
    """``AFTERSALES_RATE_LIMIT_*`` and ``AFTERSALES_TRACKING_LINK_MAX_DAYS`` (whole numbers)."""
    found: dict[str, int] = {}
    for name in EDGE_INT_SETTINGS:
        raw = get(name.upper())
        found[name] = int(raw) if raw is not None else int(getattr(defaults, name))
    return found
