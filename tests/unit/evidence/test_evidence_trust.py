"""Trust assessment: on site, during the visit, not reused (R-NW-1, R-NW-2).

Outlets prove warranty work with site photos (R-NW-1) and fault photos (R-NW-2). Each test
makes real JPEGs with EXIF written by Pillow, inspects them as ``complete`` would, and checks
the score and the reasons.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from dispatch.evidence import (
    EvidenceFacts,
    HashNeighbour,
    ReportedPosition,
    TrustPolicy,
    VisitWindow,
    assess,
    inspect_upload,
)
from dispatch.evidence.errors import ContentRejected
from dispatch.evidence.trust import Source
from geo.coordinates import LonLat
from geo.datums import Datum, wgs84_to_gcj02
from tests.unit.evidence.photos import SITE_LAT, SITE_LON, exif_bytes, jpeg

SITE = LonLat(SITE_LON, SITE_LAT)
VISIT = VisitWindow(datetime(2025, 6, 1, 1, 0, tzinfo=UTC), datetime(2025, 6, 1, 4, 0, tzinfo=UTC))
ON_SITE_TIME = datetime(2025, 6, 1, 10, 15)  # +08:00 → 02:15 UTC, inside the visit
THRESHOLD = TrustPolicy().threshold


def _facts(data: bytes, source: Source = "camera", **extra: object) -> EvidenceFacts:
    inspection = inspect_upload(data, "image/jpeg", expected_size=len(data))
    return EvidenceFacts(
        site=SITE,
        visit=VISIT,
        source=source,
        exif=inspection.exif,
        phash=inspection.phash,
        **extra,  # type: ignore[arg-type]
    )


def _photo(seed: int = 1, **exif: object) -> bytes:
    fields: dict[str, object] = {"taken_at": ON_SITE_TIME, "lon": SITE_LON, "lat": SITE_LAT}
    fields.update(exif)
    return jpeg(seed, exif=exif_bytes(**fields))  # type: ignore[arg-type]


def test_r_nw_1_photo_on_site_during_the_visit_scores_high() -> None:
    result = assess(_facts(_photo(lon=SITE_LON + 0.001)))  # ~85 m east
    assert result.score == 1.0
    assert result.reasons == ()
    assert result.passes(THRESHOLD)
    assert result.details["position_source"] == "exif"
    assert 50 < float(result.details["distance_m"]) < 120  # type: ignore[arg-type]
    assert result.details["time_source"] == "exif_offset"


def test_r_nw_1_photo_30_km_away_is_far_from_site() -> None:
    result = assess(_facts(_photo(lat=SITE_LAT + 0.27)))  # ~30 km north
    assert result.reasons == ("far_from_site",)
    assert not result.passes(THRESHOLD)
    assert 29_000 < float(result.details["distance_m"]) < 31_000  # type: ignore[arg-type]


def test_r_nw_1_photo_from_last_year_is_outside_the_visit() -> None:
    result = assess(_facts(_photo(taken_at=ON_SITE_TIME - timedelta(days=365))))
    assert result.reasons == ("outside_visit",)
    assert not result.passes(THRESHOLD)
    assert int(result.details["outside_visit_by_s"]) > 360 * 86400  # type: ignore[call-overload]


def test_r_nw_1_photo_reused_from_another_ticket_is_a_duplicate() -> None:
    data = _photo()
    result = assess(_facts(data, same_sha256_elsewhere=("ev-9",)))
    assert "duplicate" in result.reasons
    assert result.score == 0.0
    assert result.details["duplicate_of"] == ["ev-9"]
    assert hashlib.sha256(data).hexdigest() == inspect_upload(data, "image/jpeg").sha256


def test_r_nw_1_resaved_copy_is_a_near_duplicate() -> None:
    original = inspect_upload(_photo(seed=5), "image/jpeg")
    copy = io.BytesIO()
    with Image.open(io.BytesIO(_photo(seed=5))) as source:  # resized and re-encoded, same EXIF
        source.resize((500, 375)).save(copy, "JPEG", quality=60, exif=source.info["exif"])
    other = inspect_upload(_photo(seed=6), "image/jpeg")
    assert original.phash is not None
    assert other.phash is not None
    neighbours = (
        HashNeighbour("ev-1", "t-1", original.phash),
        HashNeighbour("ev-2", "t-2", other.phash),
    )
    result = assess(_facts(copy.getvalue(), hash_neighbours=neighbours))
    assert result.reasons == ("near_duplicate",)
    assert [n["evidence_id"] for n in result.details["near_duplicate_of"]] == ["ev-1"]  # type: ignore[attr-defined]
    unrelated = assess(_facts(_photo(seed=7), hash_neighbours=neighbours))
    assert "near_duplicate" not in unrelated.reasons


def test_r_nw_1_gallery_picture_without_exif_scores_low() -> None:
    app = ReportedPosition(SITE_LON, SITE_LAT)
    result = assess(_facts(jpeg(3), "gallery", app_position=app, app_taken_at=datetime(2025, 6, 1, 10, 0)))
    assert result.reasons == ("no_exif", "from_gallery")
    assert not result.passes(THRESHOLD)
    assert result.details["position_source"] == "app"
    bare = assess(_facts(jpeg(3), "gallery"))
    assert bare.reasons == ("no_exif", "from_gallery", "no_position", "no_capture_time")
    assert bare.score < result.score


def test_camera_shot_whose_exif_the_app_stripped_still_passes() -> None:
    app = ReportedPosition(SITE_LON, SITE_LAT)
    result = assess(_facts(jpeg(3), app_position=app, app_taken_at=ON_SITE_TIME))
    assert result.reasons == ("no_exif",)
    assert result.passes(THRESHOLD)


@pytest.mark.parametrize(
    ("software", "modified"),
    [
        ("Adobe Photoshop 25.1 (Windows)", None),
        ("Meitu XiuXiu 9.9.2", None),
        ("Snapseed 2.0", None),
        (None, timedelta(hours=2)),
    ],
)
def test_r_nw_1_edited_photo(software: str | None, modified: timedelta | None) -> None:
    modified_at = ON_SITE_TIME + modified if modified else None
    result = assess(_facts(_photo(software=software, modified_at=modified_at)))
    assert result.reasons == ("edited",)


def test_camera_firmware_is_not_an_editor() -> None:
    assert assess(_facts(_photo(software="MIUI Camera"))).reasons == ()


def test_gcj02_exif_is_converted_when_the_app_says_so() -> None:
    gcj_lon, gcj_lat = wgs84_to_gcj02(SITE_LON, SITE_LAT)
    data = _photo(lon=gcj_lon, lat=gcj_lat, datum=None)
    converted = assess(_facts(data, exif_datum=Datum.GCJ02))
    assert float(converted.details["distance_m"]) < 5  # type: ignore[arg-type]
    naive = assess(_facts(data))
    assert float(naive.details["distance_m"]) > 100  # type: ignore[arg-type]
    from_tag = assess(_facts(_photo(lon=gcj_lon, lat=gcj_lat, datum="GCJ-02")))
    assert float(from_tag.details["distance_m"]) < 5  # type: ignore[arg-type]


def test_exif_and_app_positions_that_disagree() -> None:
    app = ReportedPosition(SITE_LON + 0.05, SITE_LAT)  # ~4 km away
    result = assess(_facts(_photo(), app_position=app))
    assert result.reasons == ("position_mismatch",)


def test_after_the_sla_deadline_is_reported_without_penalty() -> None:
    deadline = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
    result = assess(_facts(_photo(), sla_deadline=deadline))
    assert result.reasons == ("after_sla_deadline",)
    assert result.score == 1.0


def test_naive_exif_time_is_read_in_the_site_zone() -> None:
    result = assess(_facts(_photo(offset=None)))
    assert result.reasons == ()
    assert result.details["captured_at"] == "2025-06-01T10:15:00+08:00"
    assert result.details["time_source"] == "exif_local"


def test_r_nw_1_pdf_notice_is_not_penalised_for_missing_exif() -> None:
    facts = EvidenceFacts(
        site=SITE,
        visit=VISIT,
        source="camera",
        is_image=False,
        app_position=ReportedPosition(SITE_LON, SITE_LAT),
        app_taken_at=ON_SITE_TIME,
    )
    assert assess(facts).reasons == ()


def test_inspection_rejects_size_and_hash_mismatch() -> None:
    data = _photo()
    with pytest.raises(ContentRejected) as size:
        inspect_upload(data, "image/jpeg", expected_size=len(data) + 1)
    assert size.value.code == "size_mismatch"
    with pytest.raises(ContentRejected) as digest:
        inspect_upload(data, "image/jpeg", expected_sha256="0" * 64)
    assert digest.value.code == "hash_mismatch"


def test_policy_is_validated_and_weights_can_be_tuned() -> None:
    with pytest.raises(ValueError, match="weight"):
        TrustPolicy(weights={"duplicate": 1.5})
    with pytest.raises(ValueError, match="unknown"):
        TrustPolicy(weights={"blurry": 0.5})  # type: ignore[dict-item]
    lenient = TrustPolicy(weights={"from_gallery": 0.0})
    app = ReportedPosition(SITE_LON, SITE_LAT)
    facts = _facts(_photo(), "gallery", app_position=app)
    assert assess(facts, lenient).score == 1.0
    assert assess(facts).score == pytest.approx(0.65)
    with pytest.raises(ValueError, match="timezone-aware"):
        VisitWindow(datetime(2025, 1, 1), datetime(2025, 1, 2))
