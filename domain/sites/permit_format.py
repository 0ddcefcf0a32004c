"""Inbound permit messages (施工许可证推送): JSON per ``schemas/permit.schema.json`` or the equivalent XML
(``<permit>`` with the same field names as child elements; ``<employer>``, ``<contractor>``, ``<scope>`` nested)."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree

from domain.organisations.credit_code import is_valid as credit_code_valid

SCHEMA_PATH = Path(__file__).parent / "schemas" / "permit.schema.json"
_BOOLS = {"true": True, "false": False, "1": True, "0": False}


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), format_checker=FormatChecker())


def _field_name(path: Any) -> str:
    return ".".join(str(p) for p in path) or "报文"


def _xml_to_dict(element: Any) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]  # skip comments, PIs, entity references
    if not children:
        text = (element.text or "").strip()
        if element.tag in {"structure", "fire_system", "facade"}:
            return _BOOLS.get(text.lower(), text)
        return text
    return {child.tag: _xml_to_dict(child) for child in children}


def parse(body: bytes, content_type: str) -> dict[str, Any]:
    """Decode a JSON or XML permit message into a dict (no validation yet)."""
    if "xml" in content_type:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(body, parser=parser)
        except etree.XMLSyntaxError as exc:
            raise ValidationError(f"XML 报文格式错误：{exc}") from exc
        if root.tag != "permit":
            raise ValidationError("XML 报文的根元素应为 <permit>。")
        data = _xml_to_dict(root)
        return data if isinstance(data, dict) else {}
    try:
        data = json.loads(body or b"")
    except ValueError as exc:
        raise ValidationError(f"JSON 报文格式错误：{exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError("报文应为 JSON 对象。")
    return data


def validate(data: dict[str, Any]) -> None:
    """Raise a ``ValidationError`` naming every bad field (JSON Schema plus credit-code check digits and dates)."""
    errors: dict[str, list[str]] = {}
    for err in sorted(validator().iter_errors(data), key=lambda e: list(e.path)):
        errors.setdefault(_field_name(err.path), []).append(_message(err))
    for party in ("employer", "contractor"):
        code = (data.get(party) or {}).get("credit_code") if isinstance(data.get(party), dict) else None
        if isinstance(code, str) and len(code) == 18 and not credit_code_valid(code):
            errors.setdefault(f"{party}.credit_code", []).append("统一社会信用代码校验位错误")
    issued = data.get("issued_on")
    if isinstance(issued, str):
        try:
            if dt.date.fromisoformat(issued) > timezone.localdate() + dt.timedelta(days=1):
                errors.setdefault("issued_on", []).append("发证日期不能晚于今天")
        except ValueError:
            errors.setdefault("issued_on", []).append("日期格式应为 YYYY-MM-DD")
    if errors:
        raise ValidationError(errors)


def _message(err: Any) -> str:
    title = err.schema.get("title", "") if isinstance(err.schema, dict) else ""
    if err.validator == "required":
        return f"缺少必填字段：{err.message.split(chr(39))[1] if chr(39) in err.message else err.message}"
    if err.validator == "additionalProperties":
        return "含有未定义的字段"
    if err.validator == "pattern":
        return f"{title or '字段'}格式不正确"
    if err.validator == "type":
        return f"{title or '字段'}类型不正确，应为 {err.validator_value}"
    if err.validator in ("minLength", "maxLength"):
        return f"{title or '字段'}长度不符合要求"
    if err.validator == "format":
        return f"{title or '字段'}格式不正确"
    return err.message
