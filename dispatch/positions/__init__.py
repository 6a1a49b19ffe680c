"""Positions from real tracking clients, parsed and judged, as pure functions.

Parsers (``parse_osmand_query``, ``parse_osmand_json``, ``parse_owntracks``, ``parse_batch``)
turn a request into ``PositionFix`` values or raise ``InvalidPosition(field, message)``;
``flag_fix`` marks implausible fixes; ``arrived`` is the geofence test. No database, no HTTP:
deduplication by (device, fix time) and storage belong to the service and repository.
"""

from dispatch.positions.batch import MAX_BATCH, parse_batch, parse_batch_item
from dispatch.positions.errors import InvalidPosition, TrackingError
from dispatch.positions.fix import MAX_FUTURE, Ignored, PositionFix, SpeedUnit
from dispatch.positions.geofence import DEFAULT_ARRIVAL_RADIUS_M, arrived, distance_to_site_m
from dispatch.positions.osmand import parse_osmand_json, parse_osmand_query
from dispatch.positions.owntracks import parse_owntracks
from dispatch.positions.plausibility import (
    DEFAULT_MAX_ACCURACY_M,
    DEFAULT_MAX_SPEED_KMH,
    FixFlag,
    flag_fix,
    implied_speed_kmh,
    usable_for_eta,
)

__all__ = [
    "DEFAULT_ARRIVAL_RADIUS_M",
    "DEFAULT_MAX_ACCURACY_M",
    "DEFAULT_MAX_SPEED_KMH",
    "MAX_BATCH",
    "MAX_FUTURE",
    "FixFlag",
    "Ignored",
    "InvalidPosition",
    "PositionFix",
    "SpeedUnit",
    "TrackingError",
    "arrived",
    "distance_to_site_m",
    "flag_fix",
    "implied_speed_kmh",
    "parse_batch",
    "parse_batch_item",
    "parse_osmand_json",
    "parse_osmand_query",
    "parse_owntracks",
    "usable_for_eta",
]
