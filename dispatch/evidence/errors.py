"""Domain errors of the evidence checks. They carry no HTTP: ``api/errors.py`` maps them.

``ContentRejected`` carries a stable machine ``code`` (``unsupported_type``, ``type_mismatch``,
``undecodable``, ``decompression_bomb``, ``size_mismatch``, ``hash_mismatch``) so the API can
answer 4xx with the code in the body;
``ReportFontMissing`` is an installation problem (answer 500/503, log the detail).
"""

from __future__ import annotations

from typing import Literal

RejectionCode = Literal[
    "unsupported_type",
    "type_mismatch",
    "undecodable",
    "decompression_bomb",
    "size_mismatch",
    "hash_mismatch",
]


class EvidenceError(Exception):
    """Base class of every evidence error."""

    field: str | None = None


_FIELD_BY_CODE: dict[str, str] = {"size_mismatch": "size", "hash_mismatch": "sha256"}


class ContentRejected(EvidenceError):
    """The uploaded bytes are not what the declared content type promises (R-NW-1)."""

    def __init__(self, code: RejectionCode, detail: str) -> None:
        self.code: RejectionCode = code
        self.detail = detail
        self.field = _FIELD_BY_CODE.get(code, "content_type")
        super().__init__(f"{code}: {detail}")


class EvidenceNotUploaded(EvidenceError):
    """``complete`` was called but nothing is stored under the evidence's key yet."""

    def __init__(self, evidence_id: object) -> None:
        self.evidence_id = evidence_id
        super().__init__(f"nothing was uploaded for evidence {evidence_id}: upload first, then complete")


class EvidenceIncomplete(EvidenceError):
    """The job lacks required evidence kinds, or its items are all below the trust threshold."""

    def __init__(self, missing: tuple[str, ...], below_threshold: tuple[str, ...]) -> None:
        self.missing = missing
        self.below_threshold = below_threshold
        parts = []
        if missing:
            parts.append(f"missing: {', '.join(missing)}")
        if below_threshold:
            parts.append(f"below the trust threshold (ask QA to accept): {', '.join(below_threshold)}")
        super().__init__("evidence is not complete; " + "; ".join(parts))


class ReportFontMissing(EvidenceError):
    """No CJK font for the service report is installed (Debian: ``fonts-wqy-microhei``)."""

    def __init__(self, tried: tuple[str, ...]) -> None:
        self.tried = tried
        super().__init__(
            "no CJK font found for the service report; install the Debian package "
            f"fonts-wqy-microhei (or fonts-noto-cjk) or pass font_path; tried: {', '.join(tried)}"
        )
