"""Dynamic checks (动态核查): batches, one case per enterprise credential, rectification submissions and the
officers' sign-offs (受理/审核/审批, four-eyes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import District, Organisation
from domain.storage import RandomName

from .credentials import Qualification, SafetyLicence


class CheckKind(models.TextChoices):
    QUALIFICATION = "qualification", "资质动态核查"
    SAFETY_LICENCE = "safety_licence", "安全生产许可证动态核查"


class BatchState(models.TextChoices):
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"


class VerificationBatch(models.Model):
    """A dynamic-check batch (核查批次): which credentials it covers and under which criteria."""

    number = models.CharField("批次编号", max_length=30, unique=True)
    kind = models.CharField("核查类型", max_length=20, choices=CheckKind.choices)
    title = models.CharField("批次名称", max_length=200)
    district = models.ForeignKey(
        District, verbose_name="范围（区）", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criteria = models.JSONField("核查规则", default=dict, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT)
    started_on = models.DateField("发起日期")
    rectification_deadline = models.DateField("整改期限")
    state = FSMField("状态", default=BatchState.PUBLISHED, choices=BatchState.choices, protected=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "核查批次"
        verbose_name_plural = "核查批次"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @transition(field=state, source=BatchState.PUBLISHED, target=BatchState.CLOSED)
    def close(self) -> None:
        """Every case of the batch reached an outcome."""


class CaseState(models.TextChoices):
    NOTICE_PENDING = "notice_pending", "待送达"
    AWAITING_RECTIFICATION = "awaiting_rectification", "待整改"
    SUBMITTED = "submitted", "待受理"
    RETURNED = "returned", "退回补正"
    UNDER_REVIEW = "under_review", "待审核"
    UNDER_APPROVAL = "under_approval", "待审批"
    RECTIFIED = "rectified", "整改合格"
    NOT_RECTIFIED = "not_rectified", "整改不合格"
    OVERDUE = "overdue", "逾期未整改"


OPEN_CASE_STATES = (
    CaseState.NOTICE_PENDING,
    CaseState.AWAITING_RECTIFICATION,
    CaseState.SUBMITTED,
    CaseState.RETURNED,
    CaseState.UNDER_REVIEW,
    CaseState.UNDER_APPROVAL,
)
WAITING_FOR_ENTERPRISE = (CaseState.AWAITING_RECTIFICATION, CaseState.RETURNED)


class CheckCase(models.Model):
    """One enterprise credential found short in a batch: rectification order (整改通知) through outcome."""

    batch = models.ForeignKey(
        VerificationBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="cases"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(District, verbose_name="所属区", on_delete=models.PROTECT, related_name="+")
    qualification = models.ForeignKey(
        Qualification,
        verbose_name="资质",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    licence = models.ForeignKey(
        SafetyLicence,
        verbose_name="许可证",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    findings = models.JSONField("核查发现", default=list)
    deadline = models.DateField("整改期限")
    process_instance_id = models.PositiveBigIntegerField("流程实例", null=True, blank=True)
    returns = models.PositiveIntegerField("退回补正次数", default=0)
    state = FSMField("状态", default=CaseState.NOTICE_PENDING, choices=CaseState.choices, protected=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "核查整改案件"
        verbose_name_plural = "核查整改案件"

    def __str__(self) -> str:
        return f"{self.batch.number}-{self.pk} {self.enterprise.name}"

    @property
    def credential(self) -> Qualification | SafetyLicence | None:
        return self.qualification or self.licence

    @transition(field=state, source=CaseState.NOTICE_PENDING, target=CaseState.AWAITING_RECTIFICATION)
    def mark_delivered(self) -> None:
        """The rectification notice was served (送达)."""

    @transition(field=state, source=list(WAITING_FOR_ENTERPRISE), target=CaseState.SUBMITTED)
    def submit(self) -> None:
        """The enterprise submitted its rectification (整改申请)."""

    @transition(field=state, source=CaseState.SUBMITTED, target=CaseState.RETURNED)
    def return_for_evidence(self) -> None:
        """Officer acceptance: return for more evidence (退回补正)."""
        self.returns += 1

    @transition(field=state, source=CaseState.SUBMITTED, target=CaseState.UNDER_REVIEW)
    def accept(self) -> None:
        """Officer acceptance passed (受理通过)."""

    @transition(field=state, source=CaseState.UNDER_REVIEW, target=CaseState.UNDER_APPROVAL)
    def review(self) -> None:
        """Reviewer agreed (审核通过)."""

    @transition(field=state, source=CaseState.UNDER_APPROVAL, target=CaseState.RECTIFIED)
    def approve(self) -> None:
        """Approver agreed (审批通过): rectified."""

    @transition(
        field=state,
        source=[CaseState.SUBMITTED, CaseState.UNDER_REVIEW, CaseState.UNDER_APPROVAL],
        target=CaseState.NOT_RECTIFIED,
    )
    def fail(self) -> None:
        """Acceptance, review or approval found the rectification inadequate (整改不合格)."""

    @transition(field=state, source=list(OPEN_CASE_STATES), target=CaseState.OVERDUE)
    def expire(self) -> None:
        """The rectification deadline passed without an approved rectification (逾期未整改)."""


class RectificationSubmission(models.Model):
    """A rectification application (整改申请) signed by the enterprise; one per round."""

    case = models.ForeignKey(CheckCase, on_delete=models.CASCADE, related_name="submissions")
    round = models.PositiveIntegerField("轮次")
    data = models.JSONField("整改情况")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    content_digest = models.CharField("内容SM3摘要", max_length=64)
    signature = models.TextField("电子签名", blank=True)
    document_id = models.PositiveBigIntegerField("整改申请书", null=True, blank=True)

    class Meta:
        ordering = ["case_id", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="enterprises_submission_round")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.round}"


class Evidence(models.Model):
    """An evidence file uploaded with a rectification submission (整改佐证材料)."""

    submission = models.ForeignKey(RectificationSubmission, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=RandomName("enterprises/evidence"))
    name = models.CharField("文件名", max_length=200)
    sm3 = models.CharField("SM3摘要", max_length=64)

    def __str__(self) -> str:
        return self.name


class SignOff(models.Model):
    """One officer step on a case (受理/审核/审批, 法制审核...). Four-eyes: one person signs at most one step of a
    stage."""

    case_type = models.CharField(max_length=20)  # "check" | "revocation"
    case_id = models.PositiveBigIntegerField()
    stage = models.CharField("环节", max_length=30)
    step = models.CharField("步骤", max_length=10)  # accept | review | approve
    result = models.CharField("结论", max_length=10)  # pass | fail | return
    opinion = models.TextField("意见", blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id", "stage"])]

    def __str__(self) -> str:
        return f"{self.stage}/{self.step}: {self.result}"
