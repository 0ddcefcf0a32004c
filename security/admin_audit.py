"""The Django admin on the audit trail: every add, change and delete an administrator makes there is recorded
(``admin.added`` / ``admin.changed`` / ``admin.deleted``) with the signed-in administrator as actor, the object as
subject and the names of the fields changed (the admin's own change message: names, never values — a password
change reads "password"), in the transaction of the change.

Mix :class:`AuditedAdminMixin` in front of any ``ModelAdmin`` that lets an administrator write; models whose admin
is read-only, or whose admin saves through an audited service, need nothing. ``tests/security/test_admin_audit.py``
checks that every registered admin is one of the three.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from . import audit

VERBS = {"admin.added": "新增", "admin.changed": "修改", "admin.deleted": "删除"}


def changed_fields(message: Any) -> list[str]:
    """The field names in an admin change message (``[{"changed": {"fields": [...]}}]``, or plain text)."""
    if isinstance(message, str):
        return [message] if message else []
    fields: list[str] = []
    for entry in message or []:
        for detail in entry.values() if isinstance(entry, dict) else []:
            if isinstance(detail, dict):
                fields += [str(f) for f in detail.get("fields", [])]
                if detail.get("name"):  # an inline row added or deleted: its kind, not its content
                    fields.append(str(detail["name"]))
    return fields


class AuditedAdminMixin:
    """Put in front of a ``ModelAdmin``: ``class UserAdmin(AuditedAdminMixin, BaseUserAdmin)``."""

    def audit_subject(self, obj: Any) -> Any:
        """The object the audit event is about (override where the object's ``str()`` or key is a secret)."""
        return obj

    def audit_label(self, obj: Any) -> str:
        return str(obj)

    def _audit(self, action: str, request: HttpRequest, obj: Any, message: Any = None) -> None:
        fields = changed_fields(message)
        label = f"{obj._meta.verbose_name}「{self.audit_label(obj)}」"
        audit.record(
            action=action,
            actor=request.user,
            subject=self.audit_subject(obj),
            summary=f"管理后台{VERBS[action]}{label}" + (f"：{'、'.join(fields)}" if fields else ""),
            data={"model": obj._meta.label, "fields": fields},
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit("admin.added", request, obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit("admin.changed", request, obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit("admin.deleted", request, obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit("admin.deleted", request, obj)
            super().delete_queryset(request, queryset)  # type: ignore[misc]
