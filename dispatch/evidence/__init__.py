"""Evidence: verify uploads, read EXIF, assess trust, decide completeness (R-NW-1, R-NW-2).

Pure logic (no I/O): the service loads the object from storage and the facts from the
database, calls these functions, and stores what they return. ``report_pdf`` renders the
service report (R-FU-6).
"""

from dispatch.evidence.completeness import Completeness, EvidenceItemState, evidence_complete
from dispatch.evidence.content import (
    ALLOWED_TYPES,
    DEFAULT_MAX_PIXELS,
    ContentInfo,
    sniff_type,
    verify_content,
)
from dispatch.evidence.errors import ContentRejected, EvidenceError, ReportFontMissing
from dispatch.evidence.exif import ExifFacts, read_exif, read_exif_bytes
from dispatch.evidence.imaging import (
    from_signed64,
    hamming64,
    make_thumbnail,
    perceptual_hash,
    thumbnail_of,
    to_signed64,
)
from dispatch.evidence.inspection import Inspection, inspect_upload
from dispatch.evidence.policy import (
    DEFAULT_REQUIRED_KINDS,
    DEFAULT_THRESHOLD,
    REASONS,
    Reason,
    TrustPolicy,
)
from dispatch.evidence.trust import (
    Assessment,
    EvidenceFacts,
    HashNeighbour,
    ReportedPosition,
    VisitWindow,
    assess,
)

__all__ = [
    "ALLOWED_TYPES",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_REQUIRED_KINDS",
    "DEFAULT_THRESHOLD",
    "REASONS",
    "Assessment",
    "Completeness",
    "ContentInfo",
    "ContentRejected",
    "EvidenceError",
    "EvidenceFacts",
    "EvidenceItemState",
    "ExifFacts",
    "HashNeighbour",
    "Inspection",
    "Reason",
    "ReportFontMissing",
    "ReportedPosition",
    "TrustPolicy",
    "VisitWindow",
    "assess",
    "evidence_complete",
    "from_signed64",
    "hamming64",
    "inspect_upload",
    "make_thumbnail",
    "perceptual_hash",
    "read_exif",
    "read_exif_bytes",
    "sniff_type",
    "thumbnail_of",
    "to_signed64",
    "verify_content",
]
