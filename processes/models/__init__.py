"""Process definitions and instances (流程定义与流程实例).

This package is also where the model *files* live: ``processes/models/<procedure>/*.bpmn`` plus their JSON-Schema
forms (folders without ``__init__.py``, never imported). The Django models are below.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from security.fields import EncryptedTextField


class ProcessDefinition(models.Model):
    """One published, immutable version of a BPMN process (keyed by its BPMN process id)."""

    key = models.CharField("流程标识", max_length=100, db_index=True)
    name = models.CharField("流程名称", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本")
    procedure = models.CharField("模型目录", max_length=100, help_text="processes/models/<procedure>/")
    content_hash = models.CharField("内容摘要", max_length=64)
    bpmn_files = models.JSONField("BPMN 文件", default=dict)  # {filename: xml}
    dmn_files = models.JSONField("DMN 文件", default=dict)  # {path: xml} of the decisions it names
    forms = models.JSONField("表单", default=dict)  # {filename: JSON (Schema)}
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = "流程定义"
        verbose_name_plural = "流程定义"
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="processdefinition_key_version_uniq"),
            models.UniqueConstraint(fields=["key", "content_hash"], name="processdefinition_key_hash_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.key} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("流程定义发布后不可修改；请发布新版本")
        super().save(*args, **kwargs)


class InstanceStatus(models.TextChoices):
    RUNNING = "running", "办理中"
    WAITING = "waiting", "等待中"
    COMPLETED = "completed", "已办结"
    ERROR = "error", "异常"
    SUSPENDED = "suspended", "已挂起"
    TERMINATED = "terminated", "已终止"


ACTIVE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR, InstanceStatus.SUSPENDED)


class ProcessInstance(models.Model):
    """A running (or finished) case of a procedure. Only ``processes.engine`` writes these rows."""

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    process_key = models.CharField("流程标识", max_length=100, db_index=True)
    status = models.CharField(
        "状态", max_length=20, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING, db_index=True
    )
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64, blank=True, default="")
    subject = GenericForeignKey("subject_type", "subject_id")
    business_key = models.CharField("业务编号", max_length=100, blank=True, default="", db_index=True)
    district_code = models.CharField("行政区划代码", max_length=6, null=True, blank=True, db_index=True)
    initiator_org = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField("发起时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    completed_at = models.DateTimeField("结束时间", null=True, blank=True)
    # serialized Spiff workflow JSON (specs live on the definition), SM4-encrypted at rest: the variables inside
    # hold what parties typed into forms, personal data included (个人信息加密存储)
    state = EncryptedTextField("流程状态", default="")
    serializer_version = models.CharField(max_length=20, default="")
    data = models.JSONField("流程变量", default=dict)  # JSON-safe snapshot of the variables after the last step
    revision = models.PositiveIntegerField(default=0)
    status_before_suspend = models.CharField(max_length=20, blank=True, default="")
    error_message = models.TextField("异常信息", blank=True, default="")
    error_element_id = models.CharField("异常环节", max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = "流程实例"
        verbose_name_plural = "流程实例"
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="processinstance_subject_idx")]

    def __str__(self) -> str:
        return f"{self.process_key}#{self.pk}"

    @property
    def variables(self) -> dict[str, Any]:
        """The process variables after the last engine step (a copy; change them through the engine)."""
        return dict(self.data)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ProcessHistory(models.Model):
    """One completed BPMN element of an instance (办理记录)."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="history")
    element_id = models.CharField(max_length=200)
    element_name = models.CharField(max_length=200, blank=True, default="")
    element_type = models.CharField(max_length=60, blank=True, default="")
    task_id = models.CharField(max_length=36, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=500, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["instance", "id"]
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"

    def __str__(self) -> str:
        return f"{self.instance_id}:{self.element_id}"


class TimerStatus(models.TextChoices):
    PENDING = "pending", "待触发"
    FIRED = "fired", "已触发"
    CANCELLED = "cancelled", "已取消"


class ProcessTimer(models.Model):
    """A waiting BPMN timer event with its due time (定时器); the sweep fires the due ones."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="timers")
    task_id = models.CharField(max_length=36)
    element_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)  # date | duration | cycle
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=20, choices=TimerStatus.choices, default=TimerStatus.PENDING)
    fired_at = models.DateTimeField(null=True, blank=True)
    lateness_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = "定时器"
        verbose_name_plural = "定时器"
        constraints = [models.UniqueConstraint(fields=["task_id", "due_at"], name="processtimer_task_due_uniq")]
        indexes = [models.Index(fields=["status", "due_at"], name="processtimer_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.element_id}@{self.due_at:%Y-%m-%d %H:%M}"


class MessageSubscription(models.Model):
    """An instance waiting for a message with a correlation key (消息等待)."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="subscriptions")
    message_name = models.CharField(max_length=200)
    correlation_key = models.CharField(max_length=200, blank=True, default="")
    task_id = models.CharField(max_length=36)
    element_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "消息等待"
        verbose_name_plural = "消息等待"
        indexes = [models.Index(fields=["message_name", "correlation_key"], name="msgsub_name_key_idx")]
        constraints = [models.UniqueConstraint(fields=["task_id", "message_name"], name="msgsub_task_msg_uniq")]

    def __str__(self) -> str:
        return f"{self.message_name}[{self.correlation_key}]"


class HeldMessage(models.Model):
    """A message that reached an instance waiting for it while the instance was suspended or stopped by an incident
    (暂存消息). It is delivered when the instance is resumed or retried, and dropped when it is terminated; the
    payload (what an outside system sent: it may name people) is SM4-encrypted at rest."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="held_messages")
    message_name = models.CharField("消息", max_length=200)
    correlation_key = models.CharField("关联键", max_length=200, blank=True, default="")
    payload = EncryptedTextField("消息内容", default="")  # JSON
    received_at = models.DateTimeField("收到时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "暂存消息"
        verbose_name_plural = "暂存消息"

    def __str__(self) -> str:
        return f"{self.message_name}[{self.correlation_key}] → #{self.instance_id}"
