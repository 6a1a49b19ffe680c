"""Is the upload really what its content type says? Magic bytes, then a real decode (R-NW-1).

Warranty money depends on evidence (R-NW-1, R-NW-2), so ``complete`` never trusts the declared
type or the file name: a PNG renamed ``.jpg`` is ``type_mismatch``; bytes that start right but
do not decode are ``undecodable``; an image whose header promises more than ``max_pixels``
pixels (a few KB that would inflate to gigabytes) is ``decompression_bomb`` and is refused
*before* any pixel is decoded.

Images are decoded with Pillow (HEIC via ``pillow-heif``). JPEGs are decoded in *draft* mode:
libjpeg still reads every entropy-coded block (so truncation and corruption are caught) but
scales the IDCT by up to 1/8, which makes a 12 MP photo ~8× cheaper to check; the reduced
image (≥ ``DRAFT_PX`` on each side) is all the perceptual hash and the thumbnail need. PDFs are
parsed with ``pypdf`` and must have at least one page and not be encrypted.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Final

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from dispatch.evidence.errors import ContentRejected

JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
HEIC: Final = "image/heic"
PDF: Final = "application/pdf"
ALLOWED_TYPES: Final = frozenset({JPEG, PNG, HEIC, PDF})
IMAGE_TYPES: Final = frozenset({JPEG, PNG, HEIC})

#: Pillow's own bomb threshold (~89.5 MP: a 108 MP phone photo is refused; the app should send
#: ≤ 50 MP). Raising it also needs ``PIL.Image.MAX_IMAGE_PIXELS`` raised at start-up.
DEFAULT_MAX_PIXELS: Final = int(Image.MAX_IMAGE_PIXELS or 89_478_485)
#: Smallest side the JPEG draft decode keeps (enough for thumbnails and the 32×32 pHash).
DRAFT_PX: Final = 320

_PIL_FORMATS: Final = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIF"}
_HEIC_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm"})
_HEIF_GENERIC: Final = frozenset({b"mif1", b"msf1"})
_DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError)


@dataclass(frozen=True, slots=True)
class ContentInfo:
    """What the bytes turned out to be."""

    content_type: str
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def sniff_type(data: bytes) -> str | None:
    """The content type announced by the magic bytes, or ``None`` if none we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    if len(data) >= 16 and data[4:8] == b"ftyp":
        size = int.from_bytes(data[0:4], "big")
        major = data[8:12]
        compatible = {data[i : i + 4] for i in range(16, min(size, len(data), 256) - 3, 4)}
        if major in _HEIC_BRANDS or (major in _HEIF_GENERIC and compatible & _HEIC_BRANDS):
            return HEIC
    return None


def verify_content(data: bytes, declared_type: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> ContentInfo:
    """Check ``data`` against ``declared_type``; raise ``ContentRejected`` with a code if not."""
    info, _ = open_verified(data, declared_type, max_pixels)
    return info


def open_verified(
    data: bytes, declared_type: str, max_pixels: int = DEFAULT_MAX_PIXELS
) -> tuple[ContentInfo, Image.Image | None]:
    """Like ``verify_content`` and also return the decoded image (``None`` for a PDF).

    For JPEGs the returned image is the draft-mode reduction; ``ContentInfo`` has the full size.
    """
    if declared_type not in ALLOWED_TYPES:
        raise ContentRejected("unsupported_type", f"{declared_type!r} is not one of {sorted(ALLOWED_TYPES)}")
    found = sniff_type(data)
    if found != declared_type:
        what = found or "an unrecognised format"
        raise ContentRejected("type_mismatch", f"declared {declared_type}, bytes are {what}")
    if declared_type == PDF:
        return _verify_pdf(data), None
    return _decode_image(data, declared_type, max_pixels)


def _decode_image(data: bytes, content_type: str, max_pixels: int) -> tuple[ContentInfo, Image.Image]:
    if content_type == HEIC and not _heif_available():
        raise ContentRejected("undecodable", "HEIC support (pillow-heif) is not installed")
    try:
        with pillow_guard():
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[content_type]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ContentRejected("decompression_bomb", str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise ContentRejected("undecodable", f"cannot read the image header: {exc}") from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ContentRejected("undecodable", f"image has no pixels ({width}×{height})")
    if width * height > max_pixels:
        raise ContentRejected(
            "decompression_bomb", f"{width}×{height} px exceeds the limit of {max_pixels} px"
        )
    try:
        if content_type == JPEG:
            image.draft("RGB", (DRAFT_PX, DRAFT_PX))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ContentRejected("decompression_bomb", str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise ContentRejected("undecodable", f"the image data does not decode: {exc}") from exc
    return ContentInfo(content_type, width, height), image


def _verify_pdf(data: bytes) -> ContentInfo:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ContentRejected("undecodable", "the PDF is encrypted")
        pages = len(reader.pages)
    except ContentRejected:
        raise
    except (PyPdfError, *_DECODE_ERRORS, KeyError, TypeError, RecursionError) as exc:
        raise ContentRejected("undecodable", f"the PDF does not parse: {exc}") from exc
    if pages < 1:
        raise ContentRejected("undecodable", "the PDF has no pages")
    return ContentInfo(PDF, pages=pages)


_PILLOW_LOCK = threading.Lock()


@contextmanager
def pillow_guard() -> Iterator[None]:
    """Make Pillow's header/EXIF parsing behave the same whatever the warning filters are.

    Pillow *warns* (``UserWarning: Corrupt EXIF data``) while opening a JPEG with broken EXIF
    and warns (``DecompressionBombWarning``) above ``MAX_IMAGE_PIXELS``; under ``-W error``
    those would become exceptions in the wrong places. Inside the guard corrupt-metadata
    warnings are ignored (``exif.py`` reports ``no_exif`` itself) and bomb warnings are raised.
    ``catch_warnings`` swaps process-wide state, so the guard holds a lock; it is only used
    around the cheap header and EXIF parsing, never around pixel decoding.
    """
    with _PILLOW_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


@cache
def _heif_available() -> bool:
    """Register pillow-heif's opener once, on first need (no work at import time)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
        return False
    register_heif_opener()
    return True
