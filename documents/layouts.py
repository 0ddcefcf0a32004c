"""Document templates (文书模板): one function per kind turning a context dict into reportlab flowables.

Context keys every kind understands: ``recipient`` (受文单位/人), ``paragraphs`` (list of str), ``fields``
(``[[label, value], ...]`` or a dict), ``table`` (rows, the first one the header), ``closing`` (e.g. 特此通知。),
``issuer`` (落款, default the issuing organisation), ``date`` (落款日期, default the issue date).
Kind-specific keys are listed on each builder.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from .fonts import register


def styles() -> dict[str, ParagraphStyle]:
    font = register()
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=21, wordWrap="CJK", alignment=TA_JUSTIFY)
    return {
        "body": ParagraphStyle("body", parent=base, firstLineIndent=24),
        "plain": base,
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=4),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, textColor=colors.HexColor("#333333")),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, spaceBefore=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15, alignment=0),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, alignment=0),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_CENTER),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _rows(value: Any) -> list[list[Any]]:
    if not value:
        return []
    if isinstance(value, dict):
        return [[k, v] for k, v in value.items()]
    return [list(r) for r in value]


def fields_table(value: Any, st: dict[str, ParagraphStyle], *, widths: tuple[float, float] = (40 * mm, 120 * mm)) -> list[Flowable]:
    rows = _rows(value)
    if not rows:
        return []
    data = [[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in rows]
    table = Table(data, colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [table, Spacer(1, 4 * mm)]


def grid_table(rows: Any, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = _rows(rows)
    if not rows:
        return []
    data = [[_p(c, st["cell"]) for c in row] for row in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [table, Spacer(1, 4 * mm)]


def paragraphs(items: Any, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not items:
        return []
    if isinstance(items, str):
        items = [items]
    return [_p(t, st["body"]) for t in items]


def section(title: str, items: Any, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = paragraphs(items, st)
    return [_p(title, st["heading"]), *body] if body else []


def common_body(ctx: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = []
    if ctx.get("recipient"):
        out.append(_p(f"{ctx['recipient']}：", st["plain"]))
    out += paragraphs(ctx.get("paragraphs"), st)
    out += [Spacer(1, 2 * mm), *fields_table(ctx.get("fields"), st), *grid_table(ctx.get("table"), st)]
    if ctx.get("closing"):
        out.append(_p(ctx["closing"], st["body"]))
    return out


def notice(ctx: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Notice (通知书). Default closing 特此通知。"""
    return common_body({"closing": "特此通知。", **ctx}, st)


def decision(ctx: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Decision (决定书): ``party`` (当事人 fields), ``facts`` (经查明), ``basis`` (依据), ``decision`` (决定),
    ``remedy`` (救济途径; default the statutory review/litigation periods)."""
    out: list[Flowable] = []
    out += fields_table(ctx.get("party"), st)
    out += paragraphs(ctx.get("paragraphs"), st)
    out += section("一、经查明", ctx.get("facts"), st)
    out += section("二、依据", ctx.get("basis"), st)
    out += section("三、决定如下", ctx.get("decision"), st)
    remedy = ctx.get(
        "remedy",
        "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
    )
    out += section("四、救济途径", remedy, st)
    out += fields_table(ctx.get("fields"), st)
    return out


def photo(value: Any, *, width: float = 25 * mm, height: float = 35 * mm) -> Flowable | None:
    """The holder's photo (``photo``: a base64 JPEG/PNG) scaled into a passport-size box; ``None`` if unusable."""
    if not value:
        return None
    try:
        data = base64.b64decode(str(value), validate=True)
        image = Image(io.BytesIO(data), width=width, height=height, kind="proportional")
        image.hAlign = "RIGHT"
        return image
    except (binascii.Error, OSError, ValueError):
        return None


def certificate(ctx: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Certificate / registration certificate (证书/登记证): ``holder`` (持证单位/人), ``fields``, ``valid_until``,
    ``photo`` (base64 image of a natural-person holder, printed beside the details)."""
    out: list[Flowable] = [Spacer(1, 6 * mm)]
    picture = photo(ctx.get("photo"))
    if picture is not None:
        out.append(picture)
    if ctx.get("holder"):
        out.append(_p(f"持证单位（人）：{ctx['holder']}", st["heading"]))
    out += paragraphs(ctx.get("paragraphs"), st)
    rows = _rows(ctx.get("fields"))
    if ctx.get("valid_until"):
        rows.append(["有效期至", ctx["valid_until"]])
    out += [Spacer(1, 3 * mm), *fields_table(rows, st)]
    return out


def receipt(ctx: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Receipt of delivery (送达回证): ``document_title``, ``document_number``, ``recipient``, ``address``,
    ``method``, ``delivered_at``, ``server`` (送达人), ``note``."""
    rows = [
        ["送达文书名称", ctx.get("document_title", "")],
        ["送达文书文号", ctx.get("document_number", "")],
        ["受送达人", ctx.get("recipient", "")],
        ["送达地点", ctx.get("address", "")],
        ["送达方式", ctx.get("method", "")],
        ["送达时间", ctx.get("delivered_at", "")],
        ["受送达人签收", ctx.get("signed_by", "")],
        ["送达人", ctx.get("server", "")],
        ["备注", ctx.get("note", "")],
    ]
    return [*fields_table(rows, st), *paragraphs(ctx.get("paragraphs"), st)]


def contract_summary(ctx: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Contract summary (合同摘要): ``parties`` ([[role, name]]), ``project``, ``amount``, ``period``, ``fields``,
    ``clauses`` (key clauses)."""
    rows = [*_rows(ctx.get("parties"))]
    for key, label in (("project", "工程名称"), ("amount", "合同价款"), ("period", "合同工期")):
        if ctx.get(key):
            rows.append([label, ctx[key]])
    rows += _rows(ctx.get("fields"))
    return [
        *paragraphs(ctx.get("paragraphs"), st),
        *fields_table(rows, st),
        *section("主要条款", ctx.get("clauses"), st),
        *grid_table(ctx.get("table"), st),
    ]


def generic(ctx: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Any other document: the common keys only."""
    return common_body(ctx, st)


BUILDERS: dict[str, Callable[[dict[str, Any], dict[str, ParagraphStyle]], list[Flowable]]] = {
    "notice": notice,
    "decision": decision,
    "certificate": certificate,
    "receipt": receipt,
    "contract_summary": contract_summary,
    "generic": generic,
}


def rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=1.2, color=colors.HexColor("#b00000"), spaceBefore=2, spaceAfter=8)
