"""Showing personal data in full (查看完整个人信息，留痕).

Pages show ID numbers and phones masked (``310***********1234``). A person who may see the record can ask for the
full value of one field — an officer who has to call the applicant — and every such request is an event in the
audit chain: who, which record, which field (never the value itself).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from . import audit

ACTION = "pii.disclosed"


def disclose(*, actor: Any, subject: models.Model, field: str, label: str, value: Any) -> str:
    """Record that ``actor`` was shown the full ``field`` (``label``: its Chinese name) of ``subject``; returns the
    plain value to show. The caller has already checked that ``actor`` may see ``subject``."""
    from .fields import plain

    with transaction.atomic():
        audit.record(action=ACTION, actor=actor, subject=subject, summary=f"查看完整{label}"[:500],
                     data={"field": field})
    return plain(value)
