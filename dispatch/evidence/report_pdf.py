"""The service report (PDF) for the customer and the company archive (R-FU-6, R-NW-1).

One page set per job: the decision, the timeline, the parts used, photo thumbnails, the
customer's signature and a small map of the site and the engineer's route, drawn as vectors on
a plain background (no map tiles: nothing is fetched, no tile licence is needed).

Library: **fpdf2** (pure Python, LGPL-3.0, actively maintained). Chosen over reportlab because it
embeds *subsetted* TrueType/OpenType fonts including TrueType collections (``.ttc``, which is how
Debian ships the CJK fonts) with a ToUnicode map, so Chinese text both renders and can be
extracted again (the tests read the PDF back with pypdf); it has tables with wrapping, raster
images from bytes, and drawing primitives, in a small dependency (fonttools, Pillow, defusedxml).
reportlab's TTF support does not subset ``.ttc`` CFF-flavoured CJK fonts (Noto CJK) at all.

Font: Chinese needs a CJK font. Debian package ``fonts-wqy-microhei`` (≈5 MB, the smallest;
``/usr/share/fonts/truetype/wqy/wqy-microhei.ttc``) is tried first, then ``fonts-noto-cjk`` and
``fonts-wqy-zenhei``. Pass ``font_path`` to use another; if none is found
``ReportFontMissing`` names the package to install. Rendering is CPU-bound (~0.2–0.5 s, mostly
font subsetting): run it in a worker thread.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from dispatch.evidence.errors import ReportFontMissing
from geo.coordinates import LonLat

FONT_CANDIDATES: Final[tuple[str, ...]] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
)
_FONT: Final = "cjk"
_MAP_H: Final = 60.0  # mm
_THUMB_W: Final = 56.0  # mm, three per row on A4


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One step of the job (reported, dispatched, en route, on site, completed …)."""

    at: datetime
    event: str
    actor: str = ""


@dataclass(frozen=True, slots=True)
class PartRow:
    """One part used on the job."""

    code: str
    name: str
    quantity: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReportPhoto:
    """A photo thumbnail (JPEG/PNG bytes, e.g. from ``make_thumbnail``) with its caption."""

    image: bytes
    caption: str


@dataclass(frozen=True, slots=True)
class ServiceReport:
    """Everything printed in the report; plain values, no ORM objects."""

    ticket_number: str
    customer: str
    decision_summary: str
    issued_at: datetime
    site_address: str = ""
    company: str = ""
    timeline: Sequence[TimelineRow] = ()
    parts: Sequence[PartRow] = ()
    photos: Sequence[ReportPhoto] = ()
    signature: bytes | None = None
    site: LonLat | None = None
    route: Sequence[LonLat] = field(default_factory=tuple)


def find_cjk_font(candidates: Sequence[str] = FONT_CANDIDATES) -> Path:
    """The first installed CJK font of ``candidates``; ``ReportFontMissing`` if none."""
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return path
    raise ReportFontMissing(tuple(candidates))


def render_service_report(report: ServiceReport, font_path: Path | str | None = None) -> bytes:
    """The report as PDF bytes (A4 portrait)."""
    font = Path(font_path) if font_path else find_cjk_font()
    if not font.is_file():
        raise ReportFontMissing((str(font),))
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(_FONT, "", str(font))
    try:
        _render(pdf, report)
        return bytes(pdf.output())
    finally:  # fpdf2 leaves the font files open (fontTools lazy loading)
        for loaded in pdf.fonts.values():
            close = getattr(loaded, "close", None)
            if callable(close):
                close()


def _render(pdf: FPDF, report: ServiceReport) -> None:
    pdf.set_title(f"Service report {report.ticket_number}")
    pdf.set_creator("aftersales")
    pdf.add_page()
    _header(pdf, report)
    _section(pdf, "处理结论 Decision")
    _paragraph(pdf, report.decision_summary)
    if report.timeline:
        _section(pdf, "服务过程 Timeline")
        rows = [(row.at.strftime("%Y-%m-%d %H:%M"), row.event, row.actor) for row in report.timeline]
        _table(pdf, ("时间 Time", "事件 Event", "人员 By"), rows, (38, 102, 40))
    if report.parts:
        _section(pdf, "使用备件 Parts")
        parts = [(p.code, p.name, str(p.quantity), p.note) for p in report.parts]
        _table(pdf, ("编号 Code", "名称 Name", "数量 Qty", "备注 Note"), parts, (35, 75, 20, 50))
    if report.site is not None:
        _section(pdf, "现场与路线 Site and route")
        _map(pdf, report.site, report.route)
    if report.photos:
        _section(pdf, "现场照片 Photos")
        _photos(pdf, report.photos)
    if report.signature:
        _section(pdf, "客户签字 Customer signature")
        _image_block(pdf, report.signature, width=60.0, height=25.0)


def _header(pdf: FPDF, report: ServiceReport) -> None:
    pdf.set_font(_FONT, size=18)
    pdf.cell(0, 10, "服务报告 Service report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=10)
    lines = [
        f"工单号 Ticket: {report.ticket_number}",
        f"客户 Customer: {report.customer}",
        f"地址 Address: {report.site_address}" if report.site_address else "",
        f"出具 Issued: {report.issued_at.strftime('%Y-%m-%d %H:%M %Z').strip()}",
        report.company,
    ]
    for line in filter(None, lines):
        _paragraph(pdf, line)


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font(_FONT, size=13)
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1)
    pdf.set_font(_FONT, size=10)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 6, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    pdf.set_font(_FONT, size=9)
    headings = FontFace(emphasis="", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=tuple(widths), line_height=5.5, wrapmode=WrapMode.CHAR, headings_style=headings
    ) as table:
        for values in (header, *rows):
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.set_font(_FONT, size=10)


def _map(pdf: FPDF, site: LonLat, route: Sequence[LonLat]) -> None:
    """Site (red dot) and route (blue line) in a local equirectangular frame, north up."""
    if pdf.will_page_break(_MAP_H + 4):
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y() + 1
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_fill_color(244, 244, 240)
    pdf.set_draw_color(200, 200, 200)
    pdf.rect(x0, y0, width, _MAP_H, style="DF")
    points = [site, *route]
    cos_lat = math.cos(math.radians(site.lat))
    xs = [(p.lon - site.lon) * cos_lat * 111_320.0 for p in points]
    ys = [(p.lat - site.lat) * 110_574.0 for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 200.0)  # metres; at least 200 m
    scale = min(width, _MAP_H) * 0.8 / span  # mm per metre
    cx = x0 + width / 2 - (max(xs) + min(xs)) / 2 * scale
    cy = y0 + _MAP_H / 2 + (max(ys) + min(ys)) / 2 * scale

    def at(i: int) -> tuple[float, float]:
        return cx + xs[i] * scale, cy - ys[i] * scale

    if len(points) > 2:
        pdf.set_draw_color(40, 90, 200)
        pdf.set_line_width(0.6)
        pdf.polyline([at(i) for i in range(1, len(points))])
        sx, sy = at(1)
        pdf.set_fill_color(40, 90, 200)
        pdf.circle(x=sx, y=sy, radius=1.2, style="F")
    site_x, site_y = at(0)
    pdf.set_fill_color(210, 40, 40)
    pdf.circle(x=site_x, y=site_y, radius=1.8, style="F")
    _scale_bar(pdf, x0 + 4, y0 + _MAP_H - 5, scale)
    pdf.set_line_width(0.2)
    pdf.set_xy(x0 + width - 12, y0 + 2)
    pdf.set_font(_FONT, size=9)
    pdf.cell(10, 5, "N ↑")
    pdf.set_xy(pdf.l_margin, y0 + _MAP_H + 1)
    pdf.cell(0, 5, f"● 现场 site {site.lat:.5f}, {site.lon:.5f} (WGS-84)   — 路线 route")
    pdf.ln(6)
    pdf.set_font(_FONT, size=10)


def _scale_bar(pdf: FPDF, x: float, y: float, mm_per_m: float) -> None:
    target_m = 30.0 / mm_per_m  # about 30 mm of paper
    exponent = 10 ** math.floor(math.log10(target_m))
    metres = max(step * exponent for step in (1, 2, 5) if step * exponent <= target_m)
    length = metres * mm_per_m
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.5)
    pdf.line(x, y, x + length, y)
    pdf.set_font(_FONT, size=7)
    pdf.set_xy(x, y - 4)
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    pdf.cell(length, 3, label)


def _photos(pdf: FPDF, photos: Sequence[ReportPhoto]) -> None:
    gap = (pdf.w - pdf.l_margin - pdf.r_margin - 3 * _THUMB_W) / 2
    row_h = _THUMB_W * 0.75 + 7
    top = pdf.get_y()
    for index, photo in enumerate(photos):
        column = index % 3
        if column == 0:
            if pdf.will_page_break(row_h):
                pdf.add_page()
            top = pdf.get_y()
        x = pdf.l_margin + column * (_THUMB_W + gap)
        pdf.image(
            io.BytesIO(photo.image),
            x=x,
            y=top,
            w=_THUMB_W,
            h=_THUMB_W * 0.75,
            keep_aspect_ratio=True,
        )
        pdf.set_xy(x, top + _THUMB_W * 0.75 + 1)
        pdf.set_font(_FONT, size=8)
        pdf.cell(_THUMB_W, 4, photo.caption[:40])
        if column == 2 or index == len(photos) - 1:
            pdf.set_xy(pdf.l_margin, top + row_h)
    pdf.set_font(_FONT, size=10)


def _image_block(pdf: FPDF, image: bytes, width: float, height: float) -> None:
    if pdf.will_page_break(height + 2):
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(io.BytesIO(image), x=pdf.l_margin, y=top, w=width, h=height, keep_aspect_ratio=True)
    pdf.set_xy(pdf.l_margin, top + height + 2)
