"""Work items (待办事项): one row per ready BPMN user task, with who may do it.

The inbox reads only these tables. Candidates are rows, not JSON, so "my groups' open items" is an index lookup:
a user matches a :class:`WorkItemCandidate` when its ``user`` is the user, or its ``group`` is one of the user's
roles, its ``district_code`` is empty or the user's district key (a district code, or ``"city"`` for a city-level
regulator), and its ``organisation`` is empty or the user's organisation.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

CITY = "city"  # district key of city-level regulators (and of candidates meant only for them)
ORG = "org"  # district key of organisation-bound candidates: no user's district key, so only the org branch matches


class WorkItemStatus(models.TextChoices):
    OPEN = "open", "待认领"
    CLAIMED = "claimed", "办理中"
    COMPLETED = "completed", "已办结"
    CANCELLED = "cancelled", "已取消"


ACTIVE_STATUSES = (WorkItemStatus.OPEN, WorkItemStatus.CLAIMED)


class WorkItem(models.Model):
    """A human task of one process instance (流程待办)."""

    instance_id = models.BigIntegerField("流程实例", db_index=True)
    process_key = models.CharField("流程", max_length=100)
    process_name = models.CharField("流程名称", max_length=200)
    process_version = models.PositiveIntegerField("流程版本", default=1)
    business_key = models.CharField("业务编号", max_length=100, blank=True)
    subject_label = models.CharField("业务对象", max_length=200, blank=True)
    district_code = models.CharField("所属区", max_length=6, blank=True)
    initiator_org = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="申请单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    task_id = models.CharField("引擎任务", max_length=64)
    element_id = models.CharField("环节", max_length=100)
    name = models.CharField("名称", max_length=200)
    lane = models.CharField("泳道", max_length=100, blank=True)
    documentation = models.TextField("说明", blank=True)
    form = models.JSONField("表单", null=True, blank=True)
    ui_schema = models.JSONField("表单界面", null=True, blank=True)
    properties = models.JSONField("属性", default=dict, blank=True)
    four_eyes = models.JSONField(
        "回避环节", default=list, blank=True
    )  # element ids whose completer may not act

    status = models.CharField(
        "状态", max_length=10, choices=WorkItemStatus.choices, default=WorkItemStatus.OPEN, db_index=True
    )
    summary = models.CharField("摘要", max_length=300, blank=True)
    priority = models.PositiveSmallIntegerField("优先级", default=50)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    due_at = models.DateTimeField("办理期限", null=True, blank=True)
    escalated_at = models.DateTimeField("超期提醒时间", null=True, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    draft = models.JSONField("草稿", default=dict, blank=True)

    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="被代理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField("提交数据", default=dict, blank=True)

    class Meta:
        verbose_name = "待办事项"
        verbose_name_plural = "待办事项"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["instance_id", "task_id"], name="workitem_instance_task_uniq"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="workitem_assignee_idx"),
            models.Index(fields=["status", "due_at"], name="workitem_status_due_idx"),
            models.Index(fields=["instance_id", "status"], name="workitem_instance_status_idx"),
            models.Index(fields=["initiator_org", "status"], name="workitem_initiator_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.process_name} #{self.instance_id}）"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def is_overdue(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return bool(self.is_active and self.due_at and self.due_at < moment)  # type: ignore[operator]


class WorkItemCandidate(models.Model):
    """Who may see and take a work item (候选办理人): a role narrowed by district / organisation, or one user.

    ``active`` (the item is open, i.e. unclaimed), ``created_at`` and ``due_at`` copy the item's state, so the
    inbox's "my groups' open items" is answered from the partial indexes below (only open rows are indexed,
    ordered by creation time, carrying the item id) without touching ``tasks_workitem`` until the page's 20 rows.
    """

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="candidates")
    group = models.CharField(
        "角色", max_length=50, blank=True
    )  # role code; "" = any member of the organisation
    district_code = models.CharField(
        "区", max_length=6, blank=True
    )  # "" any, "city", "org" (see ORG), a code
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    multi = models.BooleanField(
        default=False
    )  # the item is offered to several roles: one person may match twice

    class Meta:
        verbose_name = "候选办理人"
        verbose_name_plural = "候选办理人"
        indexes = [
            models.Index(
                fields=["group", "district_code", "created_at", "item", "due_at", "multi"],
                condition=models.Q(active=True),
                name="candidate_open_group_idx",
            ),
            models.Index(
                fields=["organisation", "group", "created_at", "item", "due_at", "multi"],
                condition=models.Q(active=True),
                name="candidate_open_org_idx",
            ),
            models.Index(
                fields=["user", "created_at", "item", "due_at", "multi"],
                condition=models.Q(active=True),
                name="candidate_open_user_idx",
            ),
        ]

    def __str__(self) -> str:
        who = self.user_id or self.group or "*"
        return f"{who}@{self.district_code or '*'}/{self.organisation_id or '*'}"


class WorkItemExclusion(models.Model):
    """A user the four-eyes rule (四眼原则 / 审批回避) bars from a work item."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="exclusion_item_user_uniq")]
        indexes = [models.Index(fields=["user", "item"], name="exclusion_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} ✗ {self.item_id}"


class Substitution(models.Model):
    """A substitute (代理人) who may see and act on a user's work items between two dates (inclusive)."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="被代理人", on_delete=models.CASCADE, related_name="+"
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="代理人", on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    reason = models.CharField("事由", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "代理设置"
        verbose_name_plural = "代理设置"
        indexes = [models.Index(fields=["substitute", "starts_on", "ends_on"], name="substitution_idx")]

    def __str__(self) -> str:
        return f"{self.substitute} 代 {self.principal}（{self.starts_on}—{self.ends_on}）"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A storage name nobody can guess (files are served only through the permission-checked download view)."""
    suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"tasks/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Attachment(models.Model):
    """A file uploaded through a form, hashed and linked to the case (案件附件)."""

    instance_id = models.BigIntegerField("流程实例", null=True, blank=True, db_index=True)
    work_item = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    field = models.CharField("表单字段", max_length=100, blank=True)
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField("大小", default=0)
    sha256 = models.CharField(max_length=64)
    sm3 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
