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


class ContentRejected(EvidenceError):
    """The uploaded bytes are not what the declared content type promises (R-NW-1)."""

    field = "content_type"

    def __init__(self, code: RejectionCode, detail: str) -> None:
        self.code: RejectionCode = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


class ReportFontMissing(EvidenceError):
    """No CJK font for the service report is installed (Debian: ``fonts-wqy-microhei``)."""

    def __init__(self, tried: tuple[str, ...]) -> None:
        self.tried = tried
        super().__init__(
            "no CJK font found for the service report; install the Debian package "
            f"fonts-wqy-microhei (or fonts-noto-cjk) or pass font_path; tried: {', '.join(tried)}"
        )
