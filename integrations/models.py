"""The transactional outbox (发件箱): every message to an outside system is first a row written in the same
transaction as the business change, then delivered after commit, retried until the remote accepts it."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败（已停止重试）"


class OutboxMessage(models.Model):
    channel = models.CharField("通道", max_length=100, db_index=True)
    idempotency_key = models.CharField("幂等键", max_length=200, unique=True)
    payload = models.JSONField("内容")
    status = models.CharField(
        "状态", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", db_index=True)
    last_error = models.TextField("最近错误", blank=True)
    response = models.JSONField("对方响应", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = "外发消息"
        verbose_name_plural = "外发消息"

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} ({self.get_status_display()})"
