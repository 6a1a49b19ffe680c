"""The service report PDF: decision, timeline, parts, photos, signature, map (R-FU-6, R-NW-1)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from dispatch.evidence import ReportFontMissing, make_thumbnail
from dispatch.evidence.report_pdf import (
    PartRow,
    ReportPhoto,
    ServiceReport,
    TimelineRow,
    find_cjk_font,
    render_service_report,
)
from geo.coordinates import LonLat
from tests.unit.evidence.photos import SITE_LAT, SITE_LON, jpeg


def _signature() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def _report() -> ServiceReport:
    at = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    return ServiceReport(
        ticket_number="T-2025-000123",
        customer="北京市朝阳区第三人民医院",
        decision_summary="保修期内，免费更换压缩机。Under warranty: compressor replaced free.",
        issued_at=at,
        site_address="北京市东城区东长安街1号",
        timeline=[
            TimelineRow(at, "客户报修 reported", "热线 hotline"),
            TimelineRow(at, "工程师到达现场 on site", "张工"),
        ],
        parts=[PartRow("CP-220", "压缩机 compressor", 1, "保修 warranty")],
        photos=[ReportPhoto(make_thumbnail(jpeg(i)), f"维修前 before {i}") for i in range(4)],
        signature=_signature(),
        site=LonLat(SITE_LON, SITE_LAT),
        route=[LonLat(SITE_LON + 0.03, SITE_LAT - 0.02), LonLat(SITE_LON + 0.001, SITE_LAT)],
    )


def test_r_fu_6_service_report_renders_chinese_text() -> None:
    pdf = render_service_report(_report())
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "T-2025-000123" in text
    assert "免费更换压缩机" in text
    assert "北京市朝阳区第三人民医院" in text
    assert "CP-220" in text


def test_r_fu_6_minimal_report_without_map_photos_or_parts() -> None:
    report = ServiceReport("T-1", "客户", "维修完成", datetime(2025, 1, 1, tzinfo=UTC))
    text = PdfReader(io.BytesIO(render_service_report(report))).pages[0].extract_text()
    assert "维修完成" in text


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportFontMissing, match="fonts-wqy-microhei"):
        find_cjk_font((str(tmp_path / "none.ttc"),))
    with pytest.raises(ReportFontMissing):
        render_service_report(_report(), font_path=tmp_path / "none.ttf")
