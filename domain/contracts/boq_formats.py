"""Reading a bill of quantities from a standard file: XML (namespace ``https://jianguan.example/boq/1``), the
equivalent JSON (``schemas/boq.schema.json``) or an Excel sheet (the usual Chinese column headers).

XML::

    <BillOfQuantities xmlns="https://jianguan.example/boq/1" title="…" contractNumber="…">
      <Part type="measured">            <!-- measured | measures | other | fees | tax -->
        <Item code="010101001001" unit="m2">
          <Name>平整场地</Name><Features>…</Features>
          <Quantity>1234.56</Quantity><UnitPrice>3.20</UnitPrice>
        </Item>
      </Part>
    </BillOfQuantities>

Quantities and prices are decimal strings (never binary floats). Every reader returns ``(title, raw_lines)``;
:func:`domain.contracts.boq.normalise` checks and rounds them.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

NS = "https://jianguan.example/boq/1"
FORMAT = "jianguan-boq/1"
MAX_BYTES = 20 * 1024 * 1024
EXCEL_HEADERS = {
    "组成部分": "part", "项目编码": "code", "项目名称": "name", "项目特征": "features", "项目特征描述": "features",
    "计量单位": "unit", "工程量": "quantity", "综合单价": "unit_price", "综合单价（元）": "unit_price",
}


@cache
def json_schema() -> dict[str, Any]:
    return dict(json.loads((Path(__file__).parent / "schemas" / "boq.schema.json").read_text("utf-8")))


def read_json(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    import jsonschema

    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(f"清单文件不是有效的 JSON：{exc}") from None
    validator = jsonschema.Draft202012Validator(json_schema())
    errors: dict[str, list[str]] = {}
    for err in validator.iter_errors(doc):
        path = ".".join(str(p) for p in err.absolute_path) or "file"
        errors.setdefault(path, []).append(f"不符合清单格式：{err.message}")
    if errors:
        raise ValidationError(errors)
    return str(doc["title"]), list(doc["lines"])


def read_xml(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    from lxml import etree

    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise ValidationError("清单 XML 不得包含 DOCTYPE 或实体声明。")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(f"清单文件不是有效的 XML：{exc}") from None
    if root.tag != f"{{{NS}}}BillOfQuantities":
        raise ValidationError(f"XML 根元素应为 {{{NS}}}BillOfQuantities。")

    def text(item: Any, tag: str) -> str:
        node = item.find(f"{{{NS}}}{tag}")
        return (node.text or "").strip() if node is not None else ""

    lines = []
    for part in root.iterfind(f"{{{NS}}}Part"):
        for item in part.iterfind(f"{{{NS}}}Item"):
            lines.append({
                "part": part.get("type", ""), "code": item.get("code", ""), "unit": item.get("unit", ""),
                "name": text(item, "Name"), "features": text(item, "Features"),
                "quantity": text(item, "Quantity"), "unit_price": text(item, "UnitPrice"),
            })
    return root.get("title", "").strip() or "工程量清单", lines


def read_excel(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ValidationError(f"无法读取 Excel 文件：{type(exc).__name__}") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    columns = {i: EXCEL_HEADERS[str(h).strip()] for i, h in enumerate(header or ()) if h and str(h).strip() in EXCEL_HEADERS}
    missing = {"part", "code", "name", "unit", "quantity", "unit_price"} - set(columns.values())
    if missing:
        raise ValidationError(f"Excel 第一行缺少列：{'、'.join(k for k, v in EXCEL_HEADERS.items() if v in missing)}")
    lines = []
    for row in rows:
        if not any(cell not in (None, "") for cell in row):
            continue
        lines.append({field: ("" if row[i] is None else row[i]) for i, field in columns.items() if i < len(row)})
    return str(sheet.title or "工程量清单"), lines


def read_any(data: bytes, filename: str) -> tuple[str, str, list[dict[str, Any]]]:
    """Pick the reader by extension (or content): returns ``(format, title, raw_lines)``."""
    if len(data) > MAX_BYTES:
        raise ValidationError("清单文件过大（上限 20 MB）。")
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return ("xlsx", *read_excel(data))
    if name.endswith(".xml") or data.lstrip()[:1] == b"<":
        return ("xml", *read_xml(data))
    return ("json", *read_json(data))


def to_xml(title: str, lines: list[Any]) -> bytes:
    """Write lines (``boq.Line`` or ``BillLine``) in the XML format."""
    from lxml import etree

    root = etree.Element(f"{{{NS}}}BillOfQuantities", nsmap={None: NS}, title=title)
    parts: dict[str, Any] = {}
    for line in lines:
        part = parts.get(line.part)
        if part is None:
            part = parts[line.part] = etree.SubElement(root, f"{{{NS}}}Part", type=line.part)
        item = etree.SubElement(part, f"{{{NS}}}Item", code=line.code, unit=line.unit)
        for tag, value in (("Name", line.name), ("Features", line.features), ("Quantity", line.quantity),
                           ("UnitPrice", line.unit_price)):
            etree.SubElement(item, f"{{{NS}}}{tag}").text = str(value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def to_json(title: str, lines: list[Any]) -> bytes:
    doc = {
        "format": FORMAT, "title": title,
        "lines": [{"part": ln.part, "code": ln.code, "name": ln.name, "features": ln.features, "unit": ln.unit,
                   "quantity": str(ln.quantity), "unit_price": str(ln.unit_price)} for ln in lines],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()
