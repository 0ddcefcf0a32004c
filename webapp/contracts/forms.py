"""Turning a work item's JSON Schema into simple form fields, and a posted form back into task data."""

from __future__ import annotations

from typing import Any


def fields_of(schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    schema = schema or {}
    required = set(schema.get("required", []))
    out = []
    for name, spec in (schema.get("properties") or {}).items():
        kind = spec.get("type", "string")
        widget = "checkbox" if kind == "boolean" else "select" if "enum" in spec else (
            "date" if spec.get("format") == "date" else "textarea" if spec.get("maxLength", 0) > 500 else "text")
        out.append({"name": name, "title": spec.get("title", name), "widget": widget, "enum": spec.get("enum", []),
                    "required": name in required, "help": spec.get("x-message", "")})
    return out


def data_from(schema: dict[str, Any] | None, post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields_of(schema):
        name = field["name"]
        if field["widget"] == "checkbox":
            data[name] = post.get(name) in ("on", "true", "1")
        elif post.get(name, "") != "" or field["required"]:
            data[name] = post.get(name, "").strip()
    return data
