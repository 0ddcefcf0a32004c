"""Server-side rendering of JSON-Schema forms (表单渲染) into Bootstrap HTML, and read-only display of data.

``build_fields(schema, ui, data, errors)`` turns a schema into a tree of :class:`Field` objects that the templates
under ``workflow/form/`` draw. Widgets follow the schema (``string`` → text, ``enum`` → select, ``format: date``
→ date, ``number`` → number, ``boolean`` → switch, ``format: attachment`` → file upload, ``object`` → fieldset,
``array`` of objects → repeatable rows) and the UI schema may choose ``textarea``, ``money``, ``radio``,
``select``, ``hidden`` (``ui:widget``), add ``ui:help``, ``ui:placeholder``, ``ui:order``, ``ui:enumNames``.
Input names are the dotted data paths prefixed with ``f.`` (``f.lines.0.amount``); see ``formparse``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PREFIX = "f"
ROW_PLACEHOLDER = "__i__"


@dataclass
class Field:
    key: str
    path: str
    label: str
    widget: str
    value: Any = None
    required: bool = False
    errors: list[str] = field(default_factory=list)
    help: str = ""
    placeholder: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    template_row: list[Field] = field(default_factory=list)
    add_label: str = "添加一行"
    readonly: bool = False
    attrs: dict[str, Any] = field(default_factory=dict)
    attachment: Any = None

    @property
    def name(self) -> str:
        return f"{PREFIX}.{self.path}"

    @property
    def dom_id(self) -> str:
        return "id_" + self.path.replace(".", "_")

    @property
    def display(self) -> str:
        return display_value(self)


def options_of(schema: dict[str, Any], ui: dict[str, Any]) -> list[tuple[str, str]]:
    values = schema.get("enum") or []
    names = ui.get("ui:enumNames") or schema.get("x-enumNames") or []
    return [(str(v), str(names[i]) if i < len(names) else str(v)) for i, v in enumerate(values)]


def _widget(schema: dict[str, Any], ui: dict[str, Any]) -> str:
    chosen = ui.get("ui:widget")
    kind = schema.get("type")
    if kind == "object":
        return "object"
    if kind == "array":
        items = schema.get("items") or {}
        return "checkboxes" if items.get("enum") else "array"
    if schema.get("format") == "attachment":
        return "file"
    if chosen in ("textarea", "money", "radio", "select", "hidden", "text"):
        return str(chosen)
    if schema.get("enum"):
        return "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("number", "integer"):
        return "number"
    if schema.get("format") == "date":
        return "date"
    return "text"


def _ordered(schema: dict[str, Any], ui: dict[str, Any]) -> list[str]:
    keys = list((schema.get("properties") or {}).keys())
    order = [k for k in ui.get("ui:order", []) if k in keys]
    return order + [k for k in keys if k not in order]


def _attrs(schema: dict[str, Any], widget: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for source, target in (("minimum", "min"), ("maximum", "max"), ("maxLength", "maxlength")):
        if source in schema:
            attrs[target] = schema[source]
    if widget == "number":
        attrs["step"] = schema.get("multipleOf") or (1 if schema.get("type") == "integer" else "any")
    return attrs


def build_field(
    key: str,
    path: str,
    schema: dict[str, Any],
    ui: dict[str, Any],
    value: Any,
    errors: dict[str, list[str]],
    *,
    required: bool = False,
    readonly: bool = False,
    attachments: dict[int, Any] | None = None,
) -> Field:
    widget = _widget(schema, ui)
    f = Field(
        key=key,
        path=path,
        label=str(schema.get("title") or key),
        widget=widget,
        value=value if value is not None else schema.get("default"),
        required=required,
        errors=list(errors.get(path, [])),
        help=str(ui.get("ui:help") or schema.get("description") or ""),
        placeholder=str(ui.get("ui:placeholder") or ""),
        options=options_of(schema, ui) or options_of(schema.get("items") or {}, ui.get("items") or {}),
        readonly=readonly,
        attrs=_attrs(schema, widget),
    )
    if widget == "object":
        f.children = build_fields(
            schema,
            ui,
            value if isinstance(value, dict) else {},
            errors,
            prefix=path,
            readonly=readonly,
            attachments=attachments,
        )
    elif widget == "array":
        items_schema = schema.get("items") or {}
        items_ui = ui.get("items") or {}
        f.add_label = str(ui.get("ui:addLabel") or "添加一行")
        rows = value if isinstance(value, list) else []
        f.rows = [
            _row(items_schema, items_ui, f"{path}.{i}", row, errors, readonly, attachments)
            for i, row in enumerate(rows)
        ]
        f.template_row = _row(
            items_schema, items_ui, f"{path}.{ROW_PLACEHOLDER}", {}, {}, readonly, attachments
        )
    elif widget == "file" and isinstance(value, int) and attachments:
        f.attachment = attachments.get(value)
    return f


def _row(
    schema: dict[str, Any],
    ui: dict[str, Any],
    path: str,
    value: Any,
    errors: dict[str, list[str]],
    readonly: bool,
    attachments: dict[int, Any] | None,
) -> list[Field]:
    if schema.get("type") == "object":
        return build_fields(
            schema,
            ui,
            value if isinstance(value, dict) else {},
            errors,
            prefix=path,
            readonly=readonly,
            attachments=attachments,
        )
    return [build_field("", path, schema, ui, value, errors, readonly=readonly, attachments=attachments)]


def build_fields(
    schema: dict[str, Any] | None,
    ui: dict[str, Any] | None,
    data: dict[str, Any] | None,
    errors: dict[str, list[str]] | None = None,
    *,
    prefix: str = "",
    readonly: bool = False,
    attachments: dict[int, Any] | None = None,
) -> list[Field]:
    if not schema:
        return []
    ui = ui or {}
    data = data or {}
    errors = errors or {}
    required = set(schema.get("required") or [])
    props = schema.get("properties") or {}
    return [
        build_field(
            key,
            f"{prefix}.{key}" if prefix else key,
            props[key],
            ui.get(key) or {},
            data.get(key),
            errors,
            required=key in required,
            readonly=readonly,
            attachments=attachments,
        )
        for key in _ordered(schema, ui)
        if (ui.get(key) or {}).get("ui:widget") != "hidden" or not readonly
    ]


def render_form(
    schema: dict[str, Any] | None,
    ui: dict[str, Any] | None,
    data: dict[str, Any] | None,
    errors: dict[str, list[str]] | None = None,
    *,
    readonly: bool = False,
    attachments: dict[int, Any] | None = None,
    disclose: Callable[[str], str] | None = None,
    personal: frozenset[str] = frozenset(),
) -> SafeString:
    """``disclose`` (read-only forms): the URL that shows a personal-data field (``x-pii``, or named in
    ``personal``: marked by a later version of the process) in full, by field key; such a field gets a 显示 button
    next to its masked value."""
    fields = build_fields(schema, ui, data, errors, readonly=readonly, attachments=attachments)
    if disclose is not None:
        properties = (schema or {}).get("properties") or {}
        for f in fields:
            marked = (properties.get(f.key) or {}).get("x-pii") is True or f.key in personal
            if marked and f.value:
                f.attrs["disclose"] = disclose(f.key)
    general = (errors or {}).get("__all__", [])
    template = "workflow/form/readonly.html" if readonly else "workflow/form/fields.html"
    return SafeString(render_to_string(template, {"fields": fields, "general_errors": general}))


def _money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def display_value(f: Field) -> str:
    """A field's value as a person reads it (option labels, 是/否, money with separators)."""
    v = f.value
    if v is None or v == "":
        return "—"
    if f.widget == "checkbox":
        return "是" if v else "否"
    if f.options and f.widget in ("select", "radio"):
        return dict(f.options).get(str(v), str(v))
    if f.widget == "checkboxes" and isinstance(v, list):
        labels = dict(f.options)
        return "、".join(labels.get(str(x), str(x)) for x in v) or "—"
    if f.widget == "money":
        return _money(v) + " 元"
    if f.widget == "file":
        return f.attachment.original_name if f.attachment else f"附件 #{v}"
    return str(v)
