"""Settings are declared once (``api/settings.py``); the operations doc's table is generated from them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.settings import Settings, SettingsError, env_name, field_names, settings_table, with_table

ROOT = Path(__file__).resolve().parents[3]
OPERATIONS = ROOT / "docs" / "operations.md"
REFRESH = "python -m api.settings --write docs/operations.md"


def test_operations_doc_table_is_the_generated_one() -> None:
    text = OPERATIONS.read_text()
    assert with_table(text) == text, f"docs/operations.md's settings table drifted: run `{REFRESH}`"


def test_every_setting_is_in_the_table_with_a_description() -> None:
    table = settings_table()
    for name in field_names():
        row = next(line for line in table.splitlines() if f"`{env_name(name)}`" in line)
        assert row.rstrip(" |").rsplit("|", 1)[-1].strip(), f"{name} has no description"


def test_no_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()


def test_every_variable_is_read_and_converted() -> None:
    env = {
        "AFTERSALES_HOME": "/srv/aftersales",
        "AFTERSALES_DATABASE_URL": "postgresql+asyncpg://u:p@db/aftersales",
        "AFTERSALES_PUBLIC_URL": "https://service.example/",
        "AFTERSALES_POLICY_DIR": "/etc/aftersales/policies",
        "AFTERSALES_EVIDENCE_MAX_BYTES": "1048576",
        "AFTERSALES_EVIDENCE_TRUST_THRESHOLD": "0.75",
        "AFTERSALES_EVIDENCE_REQUIRED_KINDS": "before, after ,,notice,signature",
        "AFTERSALES_DB_POOL_SIZE": "0",
        "AFTERSALES_TILE_DATUM": "gcj-02",
        "AFTERSALES_S3_BUCKET": "",  # empty counts as unset
    }
    s = Settings.from_env(env)
    assert s.home == Path("/srv/aftersales")
    assert s.database_url == "postgresql+asyncpg://u:p@db/aftersales"
    assert s.public_url == "https://service.example"
    assert s.policy_dir == Path("/etc/aftersales/policies")
    assert s.evidence_max_bytes == 1048576
    assert s.evidence_trust_threshold == 0.75
    assert s.evidence_required_kinds == ("before", "after", "notice", "signature")
    assert s.db_pool_size == 0
    assert s.tile_datum == "GCJ02"
    assert s.s3_bucket == "aftersales"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AFTERSALES_DB_POOL_SIZE", "ten"),
        ("AFTERSALES_DB_POOL_SIZE", "-1"),
        ("AFTERSALES_EVIDENCE_TRUST_THRESHOLD", "1.5"),
        ("AFTERSALES_TOKEN_TTL_HOURS", "0"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_every_field_has_a_default_so_the_demo_needs_no_environment() -> None:
    assert all(f.default is not dataclasses.MISSING for f in dataclasses.fields(Settings))


def test_the_constructor_never_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERSALES_DB_POOL_SIZE", "3")
    assert Settings().db_pool_size == 10
    assert Settings.from_env().db_pool_size == 3
