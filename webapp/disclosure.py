"""Pages: the full value of one masked personal-data field, on request and on the record (``security.disclosure``).

A masked value is drawn by ``_pii.html`` with a 显示 button (htmx POST); the view answering it checks that the person
may see the record, then returns the value in place of the masked one, ``no-store`` so no cache keeps it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from security.disclosure import disclose

from .acting import acting_user


def disclosed(request: HttpRequest, *, subject: models.Model, field: str, label: str, value: Any) -> HttpResponse:
    shown = disclose(actor=acting_user(request), subject=subject, field=field, label=label, value=value)
    response = HttpResponse(render_to_string("_pii_shown.html", {"value": shown, "label": label}, request=request))
    response["Cache-Control"] = "no-store"
    return response
