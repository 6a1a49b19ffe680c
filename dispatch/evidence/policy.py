"""The trust policy: reason codes, their weights and the thresholds (R-NW-1, R-NW-2).

An assessment lists the reasons a photo might not be what it claims; each reason has a weight
``w`` in [0, 1] and the score is ``∏ (1 − w)`` over the reasons found, so no reason gives 1.0,
an exact duplicate (w = 1) gives 0, and independent doubts compound without going negative.

Defaults and why:

=====================  ======  ==========================================================
reason                 weight  meaning
=====================  ======  ==========================================================
``duplicate``          1.00    same SHA-256 as evidence on another ticket: reused file
``near_duplicate``     0.70    pHash within ``near_duplicate_bits`` of another ticket's
``far_from_site``      0.60    position more than ``far_from_site_m`` from the site
``outside_visit``      0.60    captured outside the visit window ± ``visit_slack``
``edited``             0.40    editor in ``Software`` or ``DateTime`` ≫ ``DateTimeOriginal``
``no_exif``            0.35    image without (readable) EXIF
``from_gallery``       0.35    picked from the gallery, not shot in the app
``no_position``        0.30    neither EXIF GPS nor app position: place cannot be checked
``position_mismatch``  0.30    EXIF GPS and app position disagree by > ``position_mismatch_m``
``no_capture_time``    0.20    no capture time at all: time cannot be checked
``after_sla_deadline`` 0.00    captured after the SLA deadline (reported, not penalised)
=====================  ======  ==========================================================

With ``threshold`` 0.6 one "soft" doubt passes (a camera shot whose EXIF was stripped by the
app: 0.65), two do not (gallery without EXIF: 0.42), and any "hard" one fails (30 km away or
last year: 0.40; duplicate: 0).

Thresholds: ``far_from_site_m`` 500 m — phone GPS is good to ~10–50 m, but the site point is a
geocoded address (rural addresses often land on the village centre, a few hundred metres off);
500 m still catches a GCJ-02 position read as WGS-84 in some places, which is why positions are
datum-converted first. ``visit_slack`` 30 min covers clock skew and a "before" shot taken on
arrival just before the app's status change. ``edit_gap`` 10 min: cameras write ``DateTime``
within seconds of ``DateTimeOriginal``; an editor rewrites it when it saves.
``near_duplicate_bits`` 8 of 64: re-encoded/resized copies differ by 0–6 bits, different
scenes by ~32 (imagehash's authors suggest < 10 for "similar").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Final, Literal

Reason = Literal[
    "duplicate",
    "near_duplicate",
    "far_from_site",
    "outside_visit",
    "edited",
    "no_exif",
    "from_gallery",
    "no_position",
    "position_mismatch",
    "no_capture_time",
    "after_sla_deadline",
]
REASONS: Final[tuple[Reason, ...]] = (
    "duplicate",
    "near_duplicate",
    "far_from_site",
    "outside_visit",
    "edited",
    "no_exif",
    "from_gallery",
    "no_position",
    "position_mismatch",
    "no_capture_time",
    "after_sla_deadline",
)

DEFAULT_WEIGHTS: Final[Mapping[Reason, float]] = MappingProxyType(
    {
        "duplicate": 1.0,
        "near_duplicate": 0.7,
        "far_from_site": 0.6,
        "outside_visit": 0.6,
        "edited": 0.4,
        "no_exif": 0.35,
        "from_gallery": 0.35,
        "no_position": 0.3,
        "position_mismatch": 0.3,
        "no_capture_time": 0.2,
        "after_sla_deadline": 0.0,
    }
)

#: Lower-case substrings of ``Software`` values written by photo editors (not camera firmware).
DEFAULT_EDITORS: Final[tuple[str, ...]] = (
    "photoshop",
    "lightroom",
    "gimp",
    "snapseed",
    "picsart",
    "pixelmator",
    "affinity photo",
    "vsco",
    "canva",
    "fotor",
    "polarr",
    "photodirector",
    "meitu",
    "美图",
    "醒图",
    "xingtu",
    "beautycam",
    "faceu",
    "wink",
    "paint.net",
    "acdsee",
)

DEFAULT_THRESHOLD: Final = 0.6
DEFAULT_REQUIRED_KINDS: Final[tuple[str, ...]] = ("before", "after", "notice")


@dataclass(frozen=True, slots=True)
class TrustPolicy:
    """Weights and thresholds of the trust assessment; the defaults are documented above."""

    far_from_site_m: float = 500.0
    position_mismatch_m: float = 1000.0
    visit_slack: timedelta = timedelta(minutes=30)
    edit_gap: timedelta = timedelta(minutes=10)
    near_duplicate_bits: int = 8
    threshold: float = DEFAULT_THRESHOLD
    editors: tuple[str, ...] = DEFAULT_EDITORS
    weights: Mapping[Reason, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)

    def __post_init__(self) -> None:
        """Refuse weights outside [0, 1], unknown codes and negative thresholds."""
        unknown = set(self.weights) - set(REASONS)
        if unknown:
            raise ValueError(f"unknown reason codes in weights: {sorted(unknown)}")
        for code, weight in self.weights.items():
            if not 0.0 <= weight <= 1.0:
                raise ValueError(f"weight of {code} must be within [0, 1], got {weight}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be within [0, 1], got {self.threshold}")
        if self.far_from_site_m <= 0 or self.position_mismatch_m <= 0:
            raise ValueError("distance thresholds must be positive")
        if not 0 <= self.near_duplicate_bits <= 64:
            raise ValueError("near_duplicate_bits must be within [0, 64]")

    def weight(self, reason: Reason) -> float:
        """The weight of ``reason`` (a code missing from ``weights`` uses its default)."""
        return self.weights.get(reason, DEFAULT_WEIGHTS[reason])
