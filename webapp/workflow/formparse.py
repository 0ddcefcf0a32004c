"""Posted HTML form → JSON data shaped by the form's JSON Schema (表单数据解析).

Inputs are named ``f.<dotted path>`` (see ``formrender``). Values are coerced by the schema type: empty inputs are
left out (so ``required`` reports them), numbers that do not parse stay text (so the validator says what is
wrong), switches become booleans, array rows are collected by index and renumbered, and uploaded files are
handed to ``store_file(upload, path) -> attachment id``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .formrender import PREFIX

StoreFile = Callable[[Any, str], int]
#: Numbers of 16 or more integer digits stay text (the validator says a number is expected): no form asks for
#: one, a float cannot hold it exactly, and ``1e99999`` would otherwise become a 100,000-digit integer.
MAX_INTEGER_DIGITS = 15


def _number(raw: str, integer: bool) -> Any:
    text = raw.replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return raw
    if not value.is_finite() or value.adjusted() >= MAX_INTEGER_DIGITS:
        return raw
    if integer or value == value.to_integral_value() and "." not in text:
        return int(value) if value == value.to_integral_value() else raw
    return float(value)


def _scalar(schema: dict[str, Any], raw: str) -> Any:
    kind = schema.get("type")
    if kind in ("number", "integer"):
        return _number(raw, kind == "integer")
    if kind == "boolean":
        return raw.lower() in ("true", "on", "1", "yes")
    return raw


def _row_indexes(post: Any, files: Any, path: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(PREFIX)}\.{re.escape(path)}\.(\d+)(\.|$)")
    found = {int(m.group(1)) for name in [*post.keys(), *files.keys()] if (m := pattern.match(name))}
    return sorted(found)


def parse_value(
    schema: dict[str, Any], path: str, post: Any, files: Any, store_file: StoreFile | None
) -> tuple[bool, Any]:
    """``(present, value)`` for one field."""
    name = f"{PREFIX}.{path}"
    kind = schema.get("type")
    if kind == "object":
        return True, parse_object(schema, post, files, store_file, prefix=path)
    if kind == "array":
        items = schema.get("items") or {}
        if items.get("enum"):
            return True, [_scalar(items, v) for v in post.getlist(name) if v != ""]
        rows = []
        for i in _row_indexes(post, files, path):
            present, value = parse_value(items, f"{path}.{i}", post, files, store_file)
            if present and value not in ({}, None, ""):
                rows.append(value)
        return True, rows
    if schema.get("format") == "attachment":
        upload = files.get(name) if files is not None else None
        if upload is not None and store_file is not None:
            return True, store_file(upload, path)
        kept = post.get(f"{name}.__id", "")
        return (True, int(kept)) if kept.isdigit() else (False, None)
    if kind == "boolean":
        return True, name in post and _scalar(schema, post.get(name, "")) is True
    raw = post.get(name)
    if raw is None:
        return False, None
    raw = raw.strip()
    if raw == "":
        return False, None
    return True, _scalar(schema, raw)


def parse_object(
    schema: dict[str, Any],
    post: Any,
    files: Any = None,
    store_file: StoreFile | None = None,
    *,
    prefix: str = "",
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, prop in (schema.get("properties") or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        present, value = parse_value(prop, path, post, files or {}, store_file)
        if present:
            out[key] = value
    return out


def parse_form(
    schema: dict[str, Any] | None, post: Any, files: Any = None, store_file: StoreFile | None = None
) -> dict[str, Any]:
    """The JSON data a posted form stands for (not yet validated)."""
    if not schema:
        return {}
    return parse_object(schema, post, files, store_file)
