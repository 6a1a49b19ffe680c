"""Content verification: the bytes must be what the declared type says (R-NW-1).

Warranty money depends on the evidence (R-NW-1, R-NW-2): a PNG named .jpg, a truncated file,
a decompression bomb must be refused with a clear code before anything is stored.
"""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from PIL import Image

from dispatch.evidence import ContentRejected, sniff_type, verify_content
from dispatch.evidence.content import HEIC, JPEG, PDF, PNG
from tests.unit.evidence.photos import jpeg, png, scene, with_broken_exif, with_lying_size


def _code(data: bytes, declared: str, **kwargs: int) -> str:
    with pytest.raises(ContentRejected) as caught:
        verify_content(data, declared, **kwargs)
    return caught.value.code


def _pdf() -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="Service notice")
    return bytes(doc.output())


def _heic() -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    scene(3, (128, 96)).save(out, format="HEIF", quality=60)
    return out.getvalue()


def test_r_nw_1_accepts_real_jpeg_png_heic_and_pdf() -> None:
    info = verify_content(jpeg(1), JPEG)
    assert (info.content_type, info.width, info.height) == (JPEG, 640, 480)
    assert verify_content(png(1), PNG).width == 640
    heic = verify_content(_heic(), HEIC)
    assert (heic.width, heic.height) == (128, 96)
    assert verify_content(_pdf(), PDF).pages == 1


def test_sniffing_by_magic_bytes() -> None:
    assert sniff_type(jpeg(1)) == JPEG
    assert sniff_type(png(1)) == PNG
    assert sniff_type(_heic()) == HEIC
    assert sniff_type(_pdf()) == PDF
    assert sniff_type(b"GIF89a....") is None
    assert sniff_type(b"") is None
    avif = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"
    assert sniff_type(avif) is None


def test_r_nw_1_png_declared_as_jpeg_is_a_type_mismatch() -> None:
    assert _code(png(1), JPEG) == "type_mismatch"
    assert _code(jpeg(1), PDF) == "type_mismatch"
    assert _code(b"just text", PNG) == "type_mismatch"


def test_types_outside_the_list_are_unsupported() -> None:
    assert _code(b"GIF89a", "image/gif") == "unsupported_type"
    assert _code(jpeg(1), "image/jpg") == "unsupported_type"


def test_r_nw_1_truncated_or_garbage_images_are_undecodable() -> None:
    data = jpeg(1)
    assert _code(data[: len(data) // 2], JPEG) == "undecodable"
    assert _code(b"\xff\xd8\xff" + b"\x00" * 200, JPEG) == "undecodable"
    assert _code(b"\x89PNG\r\n\x1a\n" + b"junk" * 20, PNG) == "undecodable"
    assert _code(b"%PDF-1.7\nnot really a pdf", PDF) == "undecodable"


def test_r_nw_1_jpeg_whose_header_promises_a_bomb_is_refused_before_decoding() -> None:
    bomb = with_lying_size(jpeg(1, size=(64, 48)), 65000, 65000)
    assert len(bomb) < 10_000
    assert _code(bomb, JPEG) == "decompression_bomb"


def test_r_nw_1_png_decompression_bomb_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")  # 144 MP in a few kB
    assert len(out.getvalue()) < 100_000
    assert _code(out.getvalue(), PNG) == "decompression_bomb"


def test_pixel_limit_is_configurable() -> None:
    assert _code(jpeg(1), JPEG, max_pixels=100_000) == "decompression_bomb"
    assert verify_content(jpeg(1), JPEG, max_pixels=640 * 480).width == 640


def test_r_nw_1_broken_exif_does_not_make_a_photo_undecodable() -> None:
    assert verify_content(with_broken_exif(jpeg(1)), JPEG).width == 640
