"""EXIF reading: position, capture time, camera, editor; broken EXIF never crashes (R-NW-1)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dispatch.evidence import read_exif_bytes
from tests.unit.evidence.photos import SITE_LAT, SITE_LON, exif_bytes, jpeg, png, with_broken_exif

TAKEN = datetime(2025, 6, 1, 10, 15, 0)


def test_r_nw_1_reads_gps_time_and_camera() -> None:
    data = jpeg(
        1,
        exif=exif_bytes(taken_at=TAKEN, lon=SITE_LON, lat=SITE_LAT, software="MIUI Camera", datum="WGS-84"),
    )
    facts = read_exif_bytes(data)
    assert facts.present
    assert facts.error is None
    assert facts.taken_at == TAKEN.replace(tzinfo=timezone(timedelta(hours=8)))
    assert facts.lon == pytest.approx(SITE_LON, abs=1e-6)
    assert facts.lat == pytest.approx(SITE_LAT, abs=1e-6)
    assert facts.gps_map_datum == "WGS-84"
    assert (facts.make, facts.model, facts.software) == ("Xiaomi", "Redmi Note 12", "MIUI Camera")
    assert facts.as_dict()["taken_at"] == "2025-06-01T10:15:00+08:00"


def test_southern_and_western_hemispheres_are_negative() -> None:
    facts = read_exif_bytes(jpeg(1, exif=exif_bytes(taken_at=TAKEN, lon=-58.38, lat=-34.6)))
    assert facts.lon == pytest.approx(-58.38, abs=1e-6)
    assert facts.lat == pytest.approx(-34.6, abs=1e-6)


def test_time_without_offset_stays_naive() -> None:
    facts = read_exif_bytes(jpeg(1, exif=exif_bytes(taken_at=TAKEN, offset=None)))
    assert facts.taken_at == TAKEN
    assert facts.lon is None


def test_no_exif_at_all() -> None:
    assert not read_exif_bytes(jpeg(1)).present
    assert not read_exif_bytes(png(1)).present


def test_r_nw_1_broken_exif_is_reported_not_raised() -> None:
    facts = read_exif_bytes(with_broken_exif(jpeg(1)))
    assert not facts.present


def test_garbage_bytes_are_reported_not_raised() -> None:
    facts = read_exif_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00")
    assert not facts.present
    assert facts.error


def test_impossible_gps_values_are_dropped() -> None:
    facts = read_exif_bytes(jpeg(1, exif=exif_bytes(taken_at=TAKEN, lon=0.0, lat=0.0)))
    assert facts.present
    assert facts.lon is None
    assert facts.gps_error == "GPS at 0,0 (no fix)"
