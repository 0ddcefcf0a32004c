"""Append-only, hash-chained audit trail (操作审计日志), access-control integrity seals and login throttling."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit record."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计记录只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise AppendOnlyError("审计记录只能追加，不能删除。")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("审计记录只能追加，不能修改。")


class AuditEvent(models.Model):
    """One thing that happened: who (acting for whom) did what to which subject, and when."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64, blank=True, db_index=True)
    subject_repr = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    # hash chain (GB/T 39786 integrity of behaviour logs): mac = HMAC-SM3(key_id, canonical(event) incl. prev_mac)
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_mac = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=80, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "id"], name="audit_subject_idx")]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '系统'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录只能追加，不能删除。")


class AuditChainHead(models.Model):
    """The chain's last link (one row, locked while appending so concurrent writers queue up)."""

    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"


class RoleAssignmentSeal(models.Model):
    """HMAC-SM3 over one user↔role (group) assignment made through the application (访问控制信息完整性)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=80)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="role_assignment_seal_uniq")]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.group_id}"


class LoginThrottle(models.Model):
    """Failed logins per key (``user:<name>`` or ``ip:<address>``) within a window; locked until a time."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
