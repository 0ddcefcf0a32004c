"""Server-side validation of form data against a task's JSON Schema (表单校验), with per-field Chinese messages.

Field paths are dotted (``lines.0.amount``) so a renderer can put each message under its input. Conventions on top
of JSON Schema: ``"format": "date"`` is ``YYYY-MM-DD``; ``"format": "attachment"`` (integer) is the id of an
uploaded :class:`tasks.models.Attachment`; a property may carry ``"x-message"`` to replace the generic message.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError

_TYPE_NAMES = {
    "string": "文本",
    "number": "数字",
    "integer": "整数",
    "boolean": "是或否",
    "object": "对象",
    "array": "列表",
    "null": "空值",
}

_format_checker = FormatChecker()


@_format_checker.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return len(value) == 10


def _message(error: SchemaError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-message")
    if custom and error.validator != "required":
        return str(custom)
    v, arg = error.validator, error.validator_value
    if v == "type":
        kinds = arg if isinstance(arg, list) else [arg]
        return "应填写" + "或".join(_TYPE_NAMES.get(str(k), str(k)) for k in kinds)
    messages = {
        "minimum": f"不能小于 {arg}",
        "exclusiveMinimum": f"必须大于 {arg}",
        "maximum": f"不能大于 {arg}",
        "exclusiveMaximum": f"必须小于 {arg}",
        "minLength": "此项为必填项" if arg == 1 else f"至少填写 {arg} 个字",
        "maxLength": f"最多填写 {arg} 个字",
        "minItems": f"至少填写 {arg} 项",
        "maxItems": f"最多填写 {arg} 项",
        "enum": "请从给定选项中选择",
        "const": "取值不符合要求",
        "pattern": "格式不正确",
        "multipleOf": f"应为 {arg} 的整数倍",
        "additionalProperties": "包含不允许的字段",
        "uniqueItems": "列表中有重复项",
    }
    if v == "format":
        return {"date": "日期格式应为 年-月-日（如 2025-03-01）", "email": "电子邮箱格式不正确"}.get(
            str(arg), "格式不正确"
        )
    return messages.get(str(v), "取值不符合要求")


def _path(parts: list[Any]) -> str:
    return ".".join(str(p) for p in parts) or "__all__"


def _add(errors: dict[str, list[str]], path: str, message: str) -> None:
    messages = errors.setdefault(path, [])
    if message not in messages:
        messages.append(message)


def form_errors(schema: dict[str, Any] | None, data: Any) -> dict[str, list[str]]:
    """Every problem of ``data`` against ``schema``, keyed by dotted field path (empty when valid)."""
    if not schema:
        return {}
    validator = Draft202012Validator(schema, format_checker=_format_checker)
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        if error.validator == "required":
            # one error per missing property, each naming the whole list: report the ones really missing, once
            present = error.instance if isinstance(error.instance, dict) else {}
            for name in error.validator_value:
                if name not in present:
                    _add(errors, _path([*path, name]), "此项为必填项")
            continue
        _add(errors, _path(path), _message(error))
    return errors


def validate_data(schema: dict[str, Any] | None, data: Any) -> dict[str, Any]:
    """Return ``data`` when it satisfies ``schema``; otherwise raise ``ValidationError`` keyed by field path."""
    if not isinstance(data, dict):
        raise ValidationError({"__all__": ["提交的数据应为一个对象（JSON object）"]})
    errors = form_errors(schema, data)
    if errors:
        raise ValidationError(errors)
    return data


def attachment_fields(schema: dict[str, Any] | None, prefix: str = "") -> list[str]:
    """Dotted paths of ``format: attachment`` fields (array items use ``*``)."""
    if not schema:
        return []
    out: list[str] = []
    for name, prop in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        if prop.get("format") == "attachment":
            out.append(path)
        elif prop.get("type") == "object":
            out.extend(attachment_fields(prop, f"{path}."))
        elif prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            items = prop["items"]
            if items.get("format") == "attachment":
                out.append(f"{path}.*")
            out.extend(attachment_fields(items, f"{path}.*."))
    return out
