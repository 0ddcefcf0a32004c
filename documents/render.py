"""Render a document to PDF bytes (reportlab, embedded CJK font, QR code to the public verification page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import register
from .layouts import BUILDERS, _p, rule, styles

NUMBER_KEYWORD = "JG-NUMBER:"


@dataclass(frozen=True)
class Rendered:
    data: bytes
    anchor: dict[str, float]  # where the issuer block sits: page (1-based), x, y (points) — seals go there


class _Anchor(Flowable):
    """Zero-size marker recording its absolute position on the page (the seal goes over the issuer/date)."""

    def __init__(self, sink: dict[str, float]) -> None:
        super().__init__()
        self.sink = sink
        self.width = self.height = 0

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.sink.update(page=self.canv.getPageNumber(), x=round(x, 2), y=round(y, 2))


def qr_drawing(url: str, size: float = 26 * mm) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def render(
    *,
    kind: str,
    title: str,
    number: str,
    context: dict[str, Any],
    issuer_name: str,
    issued_on: date,
    verify_url: str,
) -> Rendered:
    font = register()
    st = styles()
    anchor: dict[str, float] = {}
    body = BUILDERS[kind](context, st)
    sign_block = [
        _p(context.get("issuer") or issuer_name, st["sign"]),
        _Anchor(anchor),
        _p(context.get("date") or chinese_date(issued_on), st["sign"]),
    ]
    qr_block = [qr_drawing(verify_url), _p("扫码核验真伪", st["small"])]
    footer_table = Table([[qr_block, sign_block]], colWidths=[45 * mm, 115 * mm])
    footer_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    story: list[Flowable] = [
        _p(title, st["title"]),
        _p(f"文号：{number}", st["number"]),
        rule(),
        *body,
        Spacer(1, 10 * mm),
        KeepTogether([footer_table]),
    ]

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(20 * mm, 12 * mm, f"{number}    核验：{verify_url}")
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buf = BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=issuer_name,
        subject=number,
        keywords=f"{NUMBER_KEYWORD}{number}",
        creator="建管平台 Jianguan",
        initialFontName=font,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return Rendered(buf.getvalue(), anchor)
