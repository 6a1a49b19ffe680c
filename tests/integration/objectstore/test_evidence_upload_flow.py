"""Below the API: phone-made JPEGs through presigned URLs (R-NW-1, R-NW-2).

Real JPEGs with EXIF GPS/time go through presigned PUTs to the local S3 server; "complete"
reads them back, checks them and assesses trust: high for a photo on site during the visit,
low with the right reason for one 30 km away, one from last year, one reused from another
ticket and one from the gallery without EXIF. (The API test does the same through HTTP.)
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx

from dispatch.evidence import (
    EvidenceFacts,
    ReportedPosition,
    TrustPolicy,
    VisitWindow,
    assess,
    inspect_upload,
)
from dispatch.evidence.trust import Source
from geo.coordinates import LonLat
from storage.objectstore import S3ObjectStore, new_evidence_key
from tests.unit.evidence.photos import SITE_LAT, SITE_LON, exif_bytes, jpeg

VISIT = VisitWindow(datetime(2025, 6, 1, 1, 0, tzinfo=UTC), datetime(2025, 6, 1, 4, 0, tzinfo=UTC))
ON_SITE = datetime(2025, 6, 1, 10, 15)  # +08:00


def _upload_and_complete(
    store: S3ObjectStore,
    data: bytes,
    source: Source = "camera",
    seen_elsewhere: dict[str, str] | None = None,
    app_on_site: bool = False,
) -> tuple[float, tuple[str, ...]]:
    key = new_evidence_key(501)
    digest = hashlib.sha256(data).hexdigest()
    target = store.presign_put(key, "image/jpeg", len(data), timedelta(minutes=5))
    response = httpx.put(target.url, content=data, headers=dict(target.headers))
    assert response.status_code == 200

    info = store.stat(key)
    assert info is not None
    assert info.size == len(data)
    body = store.read(key, max_bytes=20_000_000)
    inspection = inspect_upload(body, "image/jpeg", expected_size=len(data), expected_sha256=digest)
    facts = EvidenceFacts(
        site=LonLat(SITE_LON, SITE_LAT),
        visit=VISIT,
        source=source,
        exif=inspection.exif,
        phash=inspection.phash,
        app_position=ReportedPosition(SITE_LON, SITE_LAT) if app_on_site else None,
        app_taken_at=ON_SITE if app_on_site else None,
        same_sha256_elsewhere=tuple(
            eid for eid, sha in (seen_elsewhere or {}).items() if sha == inspection.sha256
        ),
    )
    result = assess(facts)
    return result.score, result.reasons


def test_r_nw_1_done_when_scenarios(s3_store: S3ObjectStore) -> None:
    threshold = TrustPolicy().threshold

    def photo(seed: int, taken: datetime = ON_SITE, lat: float = SITE_LAT) -> bytes:
        return jpeg(seed, exif=exif_bytes(taken_at=taken, lon=SITE_LON, lat=lat))

    on_site = photo(1)
    score, reasons = _upload_and_complete(s3_store, on_site)
    assert score >= threshold
    assert reasons == ()

    score, reasons = _upload_and_complete(s3_store, photo(2, lat=SITE_LAT + 0.27))
    assert score < threshold
    assert reasons == ("far_from_site",)

    score, reasons = _upload_and_complete(s3_store, photo(3, taken=ON_SITE - timedelta(days=365)))
    assert score < threshold
    assert reasons == ("outside_visit",)

    other_ticket = {"ev-on-ticket-77": hashlib.sha256(on_site).hexdigest()}
    score, reasons = _upload_and_complete(s3_store, on_site, seen_elsewhere=other_ticket)
    assert score < threshold
    assert reasons == ("duplicate",)

    score, reasons = _upload_and_complete(s3_store, jpeg(4), "gallery", app_on_site=True)
    assert score < threshold
    assert reasons == ("no_exif", "from_gallery")
