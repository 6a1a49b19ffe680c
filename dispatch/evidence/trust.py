"""The trust assessment of one piece of evidence: a pure function of facts (R-NW-1, R-NW-2).

Was the photo taken at the site, during the visit, and is it not a reused picture? The service
gathers the facts — the EXIF read by ``exif.py``, what the app reported, the visit window,
SHA-256 and pHash matches on *other* tickets found in the database — and ``assess`` turns them
into a score in [0, 1] with the reason codes that lowered it and the numbers behind them
(``details``), so a QA user can see why. Weights and thresholds: ``policy.TrustPolicy``.

Positions: EXIF GPS is normally WGS-84, but some Chinese camera apps write GCJ-02; the app
declares which (``exif_datum``), else ``GPSMapDatum`` is read, else WGS-84 is assumed. App
positions carry their own datum. Everything is converted with ``geo.datums`` and measured on
the WGS-84 ellipsoid (``geo.geodesic``). Times: ``DateTimeOriginal`` with its EXIF offset, a
naive one in the site's time zone; the GPS stamp (UTC) only when there is no
``DateTimeOriginal``; the app's ``taken_at`` only without EXIF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from dispatch.evidence.exif import NO_EXIF, ExifFacts
from dispatch.evidence.imaging import hamming64
from dispatch.evidence.policy import REASONS, Reason, TrustPolicy
from geo.coordinates import LonLat
from geo.datums import Datum, to_wgs84
from geo.errors import GeoError
from geo.geodesic import geodesic_m

Source = Literal["camera", "gallery"]


@dataclass(frozen=True, slots=True)
class ReportedPosition:
    """A position as a device reported it, in the datum it used."""

    lon: float
    lat: float
    datum: Datum = Datum.WGS84


@dataclass(frozen=True, slots=True)
class VisitWindow:
    """When the engineer was (or should have been) on the job; both ends timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        """Refuse naive or reversed windows."""
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("visit window times must be timezone-aware")
        if self.end < self.start:
            raise ValueError("visit window ends before it starts")


@dataclass(frozen=True, slots=True)
class HashNeighbour:
    """Evidence on another ticket whose pHash the database found close to this one."""

    evidence_id: str
    ticket_id: str
    phash: int


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    """Everything ``assess`` looks at; the service fills it, nothing here does I/O."""

    site: LonLat
    visit: VisitWindow
    source: Source
    is_image: bool = True
    exif: ExifFacts = NO_EXIF
    exif_datum: Datum | None = None
    app_position: ReportedPosition | None = None
    app_taken_at: datetime | None = None
    sla_deadline: datetime | None = None
    site_timezone: str = "Asia/Shanghai"
    phash: int | None = None
    same_sha256_elsewhere: tuple[str, ...] = ()
    hash_neighbours: tuple[HashNeighbour, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """A score in [0, 1], the reason codes (in ``REASONS`` order) and the evidence for them."""

    score: float
    reasons: tuple[Reason, ...]
    details: Mapping[str, object] = field(default_factory=dict)

    def passes(self, threshold: float) -> bool:
        """Whether the score reaches ``threshold``."""
        return self.score >= threshold

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: ``{"score", "reasons", "details"}``."""
        return {"score": self.score, "reasons": list(self.reasons), "details": dict(self.details)}


def assess(facts: EvidenceFacts, policy: TrustPolicy | None = None) -> Assessment:
    """Score one piece of evidence against ``policy`` (defaults: ``TrustPolicy()``)."""
    policy = policy or TrustPolicy()
    found: set[Reason] = set()
    details: dict[str, object] = {}
    _check_reuse(facts, policy, found, details)
    if facts.is_image:
        _check_exif(facts, policy, found, details)
    if facts.source == "gallery":
        found.add("from_gallery")
    _check_place(facts, policy, found, details)
    _check_time(facts, policy, found, details)
    reasons = tuple(code for code in REASONS if code in found)
    score = 1.0
    for code in reasons:
        score *= 1.0 - policy.weight(code)
    return Assessment(round(score, 4), reasons, details)


def _check_reuse(
    facts: EvidenceFacts, policy: TrustPolicy, found: set[Reason], details: dict[str, object]
) -> None:
    if facts.same_sha256_elsewhere:
        found.add("duplicate")
        details["duplicate_of"] = list(facts.same_sha256_elsewhere)
    if facts.phash is None:
        return
    near = sorted(
        (hamming64(facts.phash, n.phash), n.evidence_id)
        for n in facts.hash_neighbours
        if n.evidence_id not in facts.same_sha256_elsewhere
    )
    close = [(bits, eid) for bits, eid in near if bits <= policy.near_duplicate_bits]
    if near:
        details["nearest_hash_bits"] = near[0][0]
    if close:
        found.add("near_duplicate")
        details["near_duplicate_of"] = [{"evidence_id": e, "bits": b} for b, e in close]


def _check_exif(
    facts: EvidenceFacts, policy: TrustPolicy, found: set[Reason], details: dict[str, object]
) -> None:
    exif = facts.exif
    if not exif.present:
        found.add("no_exif")
        if exif.error:
            details["exif_error"] = exif.error
        return
    software = (exif.software or "").lower()
    editor = next((name for name in policy.editors if name in software), None)
    if editor:
        found.add("edited")
        details["software"] = exif.software
    if exif.taken_at and exif.modified_at:
        tz = ZoneInfo(facts.site_timezone)
        gap = _aware(exif.modified_at, tz) - _aware(exif.taken_at, tz)
        if gap > policy.edit_gap:
            found.add("edited")
            details["edit_gap_s"] = int(gap.total_seconds())


def _check_place(
    facts: EvidenceFacts, policy: TrustPolicy, found: set[Reason], details: dict[str, object]
) -> None:
    exif_point = _exif_point(facts)
    app_point = _to_wgs84(facts.app_position)
    point = exif_point or app_point
    if point is None:
        found.add("no_position")
        return
    distance = geodesic_m(point, facts.site)
    details["distance_m"] = round(distance, 1)
    details["position_source"] = "exif" if exif_point else "app"
    if distance > policy.far_from_site_m:
        found.add("far_from_site")
    if exif_point and app_point:
        apart = geodesic_m(exif_point, app_point)
        details["exif_app_apart_m"] = round(apart, 1)
        if apart > policy.position_mismatch_m:
            found.add("position_mismatch")


def _check_time(
    facts: EvidenceFacts, policy: TrustPolicy, found: set[Reason], details: dict[str, object]
) -> None:
    captured, source = _capture_time(facts)
    if captured is None:
        found.add("no_capture_time")
        return
    details["captured_at"] = captured.isoformat()
    details["time_source"] = source
    start, end = facts.visit.start - policy.visit_slack, facts.visit.end + policy.visit_slack
    if not start <= captured <= end:
        found.add("outside_visit")
        off = (start - captured) if captured < start else (captured - end)
        details["outside_visit_by_s"] = int(off.total_seconds())
    if facts.sla_deadline is not None and captured > facts.sla_deadline:
        found.add("after_sla_deadline")


def _exif_point(facts: EvidenceFacts) -> LonLat | None:
    exif = facts.exif
    if not facts.is_image or not exif.present or exif.lon is None or exif.lat is None:
        return None
    datum = facts.exif_datum or _datum_from_exif(exif.gps_map_datum)
    return _to_wgs84(ReportedPosition(exif.lon, exif.lat, datum))


def _datum_from_exif(name: str | None) -> Datum:
    """``GPSMapDatum`` → Datum; unknown names (``"TOKYO"``, blanks) count as WGS-84."""
    try:
        return Datum.parse(name, "exif.gps_map_datum") if name else Datum.WGS84
    except GeoError:
        return Datum.WGS84


def _to_wgs84(position: ReportedPosition | None) -> LonLat | None:
    if position is None:
        return None
    try:
        return LonLat(*to_wgs84(position.lon, position.lat, position.datum))
    except GeoError:
        return None


def _capture_time(facts: EvidenceFacts) -> tuple[datetime | None, str | None]:
    """The best capture time: EXIF (with offset, else in the site zone, else GPS UTC), else app.

    A naive ``DateTimeOriginal`` is read in the site's zone rather than preferring the GPS
    stamp: phones often write the time of a cached, minutes-old fix there.
    """
    exif = facts.exif
    if facts.is_image and exif.present:
        if exif.taken_at is not None and exif.taken_at.tzinfo is not None:
            return exif.taken_at, "exif_offset"
        if exif.taken_at is not None:
            return exif.taken_at.replace(tzinfo=ZoneInfo(facts.site_timezone)), "exif_local"
        if exif.gps_at is not None:
            return exif.gps_at, "exif_gps"
    if facts.app_taken_at is not None:
        return _aware(facts.app_taken_at, ZoneInfo(facts.site_timezone)), "app"
    return None, None


def _aware(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
