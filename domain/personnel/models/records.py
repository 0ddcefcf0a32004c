"""Public notices (公示/公告), batch renames (批量变更) and the human-help queue (人工客服)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from domain.organisations.models import Organisation


class PublicNotice(models.Model):
    """公示 of review opinions before approval, or 公告 of the result; the period is data."""

    class Kind(models.TextChoices):
        REVIEW_OPINION = "review_opinion", "审查意见公示"
        RESULT = "result", "结果公告"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    certificate = models.ForeignKey(
        "personnel.SafetyCertificate", verbose_name="证书", on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    period_days = models.PositiveSmallIntegerField("公示期（日）", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "公示公告"
        verbose_name_plural = "公示公告"

    def __str__(self) -> str:
        return self.title


class RenameBatchState(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "中断（可续办）"


class RenameBatch(models.Model):
    """Batch change (批量变更) of the certificates of an enterprise's staff after the enterprise is renamed.
    Resumable: each run picks up the certificates still showing another name."""

    enterprise = models.ForeignKey(Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    old_name = models.CharField("原名称", max_length=200)
    new_name = models.CharField("新名称", max_length=200)
    state = models.CharField("状态", max_length=10, choices=RenameBatchState.choices, default=RenameBatchState.PENDING)
    total = models.PositiveIntegerField("证书总数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    changed = models.PositiveIntegerField("本批变更", default=0)
    runs = models.PositiveSmallIntegerField("运行次数", default=0)
    error = models.CharField("错误", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "企业更名批量变更"
        verbose_name_plural = "企业更名批量变更"

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)



class HelpRequestState(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


class HelpRequest(models.Model):
    """A question the help assistant (智能客服) could not answer with confidence, handed to an officer."""

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.CharField("问题", max_length=500)
    best_guess = models.CharField("检索最接近的问题", max_length=300, blank=True)
    score = models.FloatField("检索得分", default=0)
    state = models.CharField("状态", max_length=10, choices=HelpRequestState.choices, default=HelpRequestState.OPEN)
    answer = models.TextField("人工答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    instance_id = models.BigIntegerField("流程实例", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "人工客服请求"
        verbose_name_plural = "人工客服请求"

    def __str__(self) -> str:
        return self.question
