"""Settings: every ``AFTERSALES_*`` variable declared once, here, and the only place that reads them.

Each field of :class:`Settings` carries its type, its default and a one-line description
(``msgspec.Meta``); the environment is decoded into it with ``msgspec.convert`` (ADR 0007), and
the settings table of ``docs/operations.md`` is generated from the same declaration::

    python -m api.settings --write docs/operations.md

Tests and tools build ``Settings(...)`` directly (no environment read); the service builds it with
``Settings.from_env()``. An empty variable counts as unset.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from dispatch.notifications.channels import SmtpSettings

PREFIX = "AFTERSALES_"


def _comma_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _datum_name(raw: str) -> str:
    return raw.upper().replace("-", "")


def _no_trailing_slash(raw: str) -> str:
    return raw.rstrip("/")


def setting(description: str, *, shown_default: str | None = None, **constraints: Any) -> Meta:
    """Declare one setting: a one-line description (docs), and how the docs show its default."""
    extra = {"shown_default": shown_default} if shown_default is not None else {}
    return Meta(description=description, extra=extra, **constraints)


PARSERS: dict[str, Callable[[str], object]] = {
    "public_url": _no_trailing_slash,
    "evidence_required_kinds": _comma_list,
    "tile_datum": _datum_name,
}
"""Fields whose raw environment text is reshaped before type conversion."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be configured with. Defaults serve the embedded demo."""

    home: Annotated[Path, setting("embedded PostGIS cluster, filesystem photo store, development secret")] = (
        Path("var")
    )
    database_url: Annotated[
        str | None,
        setting(
            "external PostGIS, `postgresql+asyncpg://user:pw@host/db`",
            shown_default="unset → the embedded cluster under `AFTERSALES_HOME`",
        ),
    ] = None
    database_name: Annotated[str, setting("database name in the embedded cluster")] = "aftersales"
    secret_key: Annotated[
        str | None,
        setting(
            "signs bearer tokens and upload links; set the same value on every API process",
            shown_default="generated once into `$AFTERSALES_HOME/secret.key`",
        ),
    ] = None
    public_url: Annotated[
        str,
        setting(
            "the address clients use to reach this service (absolute links)",
            shown_default="unset → the address `aftersales serve` listens on",
        ),
    ] = "http://127.0.0.1:8000"
    policy_dir: Annotated[
        Path | None, setting("extra dispatch policy presets (`*.toml`) loaded beside the built-in ones")
    ] = None
    s3_endpoint: Annotated[
        str | None, setting("MinIO/S3 endpoint for photos", shown_default="unset → filesystem store")
    ] = None
    s3_access_key: Annotated[str | None, setting("S3 access key")] = None
    s3_secret_key: Annotated[str | None, setting("S3 secret key")] = None
    s3_bucket: Annotated[str, setting("S3 bucket")] = "aftersales"
    s3_region: Annotated[str, setting("S3 region (signing; no location call)")] = "us-east-1"
    s3_public_endpoint: Annotated[
        str | None,
        setting(
            "the S3 address phones reach; presigned URLs are signed for it",
            shown_default="`AFTERSALES_S3_ENDPOINT`",
        ),
    ] = None
    evidence_max_bytes: Annotated[int, setting("largest evidence file accepted (20 MB)", gt=0)] = (
        20 * 1024 * 1024
    )
    evidence_upload_ttl_s: Annotated[int, setting("how long an upload URL stays valid (seconds)", gt=0)] = 900
    evidence_download_ttl_s: Annotated[
        int, setting("how long a download URL stays valid (seconds)", gt=0)
    ] = 300
    evidence_trust_threshold: Annotated[
        float, setting('trust score an item needs to count towards "evidence complete"', ge=0, le=1)
    ] = 0.6
    evidence_required_kinds: Annotated[
        tuple[str, ...], setting("kinds an outlet warranty job needs (comma-separated)")
    ] = ("before", "after", "notice")
    token_ttl_hours: Annotated[int, setting("lifetime of tokens printed by `aftersales token`", gt=0)] = 12
    db_pool_size: Annotated[
        int, setting("connections per process (0: none pooled, e.g. behind pgbouncer)", ge=0)
    ] = 10
    geofence_radius_m: Annotated[
        float, setting("a plausible fix this close to an en-route job's site marks arrival", gt=0)
    ] = 150.0
    max_speed_kmh: Annotated[
        float, setting("a fix implying a faster move is kept but flagged `jump` (no ETA, no arrival)", gt=0)
    ] = 200.0
    max_accuracy_m: Annotated[
        float, setting("a fix with a worse accuracy radius is kept but flagged `inaccurate`", gt=0)
    ] = 100.0
    position_retention_days: Annotated[
        int, setting("what `aftersales positions-cleanup` and the daily retention job keep (days)", gt=0)
    ] = 400
    worker_concurrency: Annotated[
        int, setting("jobs one `aftersales worker` runs at once (plan solves each take a core)", gt=0)
    ] = 2
    worker_heartbeat_s: Annotated[
        float, setting("how often a job worker tells the queue it is alive", gt=0)
    ] = 10.0
    worker_stalled_after_s: Annotated[
        float,
        setting("a worker silent this long is dead: its running jobs go to another worker", gt=0),
    ] = 30.0
    webhook_allow_private: Annotated[
        bool,
        setting("let webhooks point at loopback or private addresses (test setups; never in production)"),
    ] = False
    smtp_host: Annotated[
        str | None, setting("SMTP server for e-mail notifications (mailto: subscriptions); unset: no e-mail")
    ] = None
    smtp_port: Annotated[int, setting("SMTP port", gt=0, lt=65536)] = 25
    smtp_from: Annotated[str, setting("sender address of notification e-mails")] = "aftersales@localhost"
    smtp_user: Annotated[str | None, setting("SMTP login (with `AFTERSALES_SMTP_PASSWORD`)")] = None
    smtp_password: Annotated[str | None, setting("SMTP password", shown_default="unset")] = None
    smtp_starttls: Annotated[bool, setting("upgrade the SMTP connection with STARTTLS")] = False
    job_retention_days: Annotated[
        int, setting("finished jobs kept in the queue's tables for inspection (days)", gt=0)
    ] = 14
    plant_cache_seconds: Annotated[
        float, setting("how long an API process reuses a plant's location/policy for previews", ge=0)
    ] = 30.0
    rate_limit_tracking_ip: Annotated[
        int,
        setting(
            "customer tracking requests (page, JSON, stream, report) per client IP per minute; 0 = off", ge=0
        ),
    ] = 1200
    rate_limit_tracking_token: Annotated[
        int, setting("requests per tracking link per minute, from any address; 0 = off", ge=0)
    ] = 600
    rate_limit_ingest_ip: Annotated[
        int, setting("device ingest requests (OsmAnd, OwnTracks) per client IP per minute; 0 = off", ge=0)
    ] = 3000
    rate_limit_objects_ip: Annotated[
        int, setting("filesystem-store upload/download URL requests per client IP per minute; 0 = off", ge=0)
    ] = 600
    rate_limit_failed_auth_ip: Annotated[
        int, setting("requests whose bearer token does not verify, per client IP per minute; 0 = off", ge=0)
    ] = 120
    tracking_link_max_days: Annotated[
        int,
        setting("R-TR-1: a tracking link ends this many days after it was made, whatever else it says", gt=0),
    ] = 14
    tile_url: Annotated[
        str | None,
        setting(
            "base-map tile URL template (`…/{z}/{x}/{y}.png`) of the console and tracking page",
            shown_default="unset → plain background",
        ),
    ] = None
    tile_datum: Annotated[
        str, setting("datum the tiles are drawn in: WGS84, GCJ02 (AMap/Tencent) or BD09 (Baidu)")
    ] = "WGS84"
    tile_attribution: Annotated[str, setting("attribution text shown on the map")] = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every declared ``AFTERSALES_*`` variable; a bad value names the variable."""
        env = os.environ if environ is None else environ
        raw: dict[str, object] = {}
        for name in field_names():
            value = env.get(env_name(name), "")
            if value != "":
                raw[name] = PARSERS.get(name, str)(value)
        try:
            return msgspec.convert(raw, cls, strict=False, dec_hook=_decode)
        except msgspec.ValidationError as err:
            raise SettingsError(_name_the_variable(str(err))) from err

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

    def smtp(self) -> SmtpSettings | None:
        """The e-mail channel's server, or None when e-mail is not configured."""
        if not self.smtp_host:
            return None
        return SmtpSettings(
            self.smtp_host,
            self.smtp_port,
            self.smtp_from,
            self.smtp_user,
            self.smtp_password,
            self.smtp_starttls,
        )

    def with_database(self, url: str) -> Settings:
        return replace(self, database_url=url)


class SettingsError(ValueError):
    """An ``AFTERSALES_*`` variable holds a value of the wrong type or out of range."""


def _decode(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(kind)


def _name_the_variable(message: str) -> str:
    """``Expected `int`, got `str` - at `$.db_pool_size``` → names ``AFTERSALES_DB_POOL_SIZE``."""
    head, _, where = message.partition(" - at `$.")
    field = where.rstrip("`").split("[", 1)[0]
    return f"{env_name(field)}: {head}; fix or unset it" if field else message


def field_names() -> list[str]:
    return [f.name for f in dataclasses.fields(Settings)]


def env_name(field: str) -> str:
    return PREFIX + field.upper()


def _meta(field: str) -> tuple[type, Meta]:
    hint = typing.get_type_hints(Settings, include_extras=True)[field]
    base, *extras = typing.get_args(hint)
    meta = next(m for m in extras if isinstance(m, Meta))
    return base, meta


def _type_name(kind: object) -> str:
    """``int``, ``path``, ``list of str``, ``str, optional`` (no ``|``: it would split the table)."""
    args = typing.get_args(kind)
    if type(None) in args:
        inner = next(a for a in args if a is not type(None))
        return _type_name(inner) + ", optional"
    if args:  # tuple[str, ...]
        return "list of " + _type_name(args[0])
    return "path" if kind is Path else getattr(kind, "__name__", str(kind))


def _shown_default(field: dataclasses.Field[Any], meta: Meta) -> str:
    shown = (meta.extra or {}).get("shown_default")
    if shown is not None:
        return str(shown)
    value = field.default
    if value is None:
        return "unset"
    if isinstance(value, tuple):
        return "`" + ",".join(value) + "`"
    if value == "":
        return "empty"
    return f"`{value}`"


def settings_table() -> str:
    """The markdown table of ``docs/operations.md`` (variable, type, default, meaning)."""
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for field in dataclasses.fields(Settings):
        kind, meta = _meta(field.name)
        rows.append(
            f"| `{env_name(field.name)}` | {_type_name(kind)} | {_shown_default(field, meta)} | {meta.description} |"
        )
    return "\n".join(rows) + "\n"


BEGIN = "<!-- settings table: generated by `python -m api.settings --write docs/operations.md` -->\n"
END = "<!-- end of settings table -->\n"


def with_table(document: str) -> str:
    """``document`` with the text between the BEGIN and END markers replaced by the table."""
    start, end = document.index(BEGIN) + len(BEGIN), document.index(END)
    return document[:start] + settings_table() + document[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.settings", description=settings_table.__doc__)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="refresh the table in this file")
    args = parser.parse_args(argv)
    if args.write is None:
        sys.stdout.write(settings_table())
        return 0
    args.write.write_text(with_table(args.write.read_text()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
