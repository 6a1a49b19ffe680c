"""Everything ``complete`` learns from the uploaded bytes, in one decode (R-NW-1, R-NW-2).

``inspect_upload`` checks size and SHA-256 against what the client announced, verifies the
content type (``content.py``), reads EXIF (``exif.py``) and computes the pHash
(``imaging.py``) from the same decoded image, and keeps that image (upright, draft-reduced): a
thumbnail made of it needs no second decode (``imaging.thumbnail_of``; the thumbnail job, which
may run elsewhere, reads the stored bytes instead). It is CPU-bound (the entropy decode
of a 3 MB camera JPEG is nearly all of it, see ``bench/evidence.py``): run it in a worker
thread; Pillow's decoder and hashlib release the GIL.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from PIL import Image

from dispatch.evidence.content import DEFAULT_MAX_PIXELS, ContentInfo, open_verified
from dispatch.evidence.errors import ContentRejected
from dispatch.evidence.exif import NO_EXIF, ExifFacts, read_exif
from dispatch.evidence.imaging import upright, upright_hash


@dataclass(frozen=True, slots=True)
class Inspection:
    """The facts of one upload that do not depend on the ticket."""

    sha256: str
    size: int
    content: ContentInfo
    exif: ExifFacts
    phash: int | None
    decoded: Image.Image | None = field(default=None, compare=False, repr=False)
    """The photo as decoded for the pHash (upright, at draft size): what the thumbnail is made
    of. ``None`` for a PDF."""

    @property
    def is_image(self) -> bool:
        """Whether the upload is a photo (EXIF and pHash apply)."""
        return self.content.content_type != "application/pdf"


def inspect_upload(
    data: bytes,
    declared_type: str,
    *,
    expected_size: int | None = None,
    expected_sha256: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Inspection:
    """Verify and describe ``data``; raise ``ContentRejected`` with a code when it is wrong."""
    if expected_size is not None and len(data) != expected_size:
        raise ContentRejected("size_mismatch", f"announced {expected_size} B, got {len(data)} B")
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 is not None and not hmac.compare_digest(digest, expected_sha256.strip().lower()):
        raise ContentRejected("hash_mismatch", "the SHA-256 of the upload differs")
    content, image = open_verified(data, declared_type, max_pixels)
    if image is None:
        return Inspection(digest, len(data), content, NO_EXIF, None)
    with image:
        exif = read_exif(image)
        shown = upright(image)
    return Inspection(digest, len(data), content, exif, upright_hash(shown), shown)
