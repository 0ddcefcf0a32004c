"""Enterprise credentials under post-approval supervision: qualification certificates (资质证书) and safety
production licences (安全生产许可证), their accidents, suspensions (暂扣) and re-application bans."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import Organisation


class QualificationState(models.TextChoices):
    VALID = "valid", "有效"
    FLAGGED_ABNORMAL = "flagged_abnormal", "资质异常"
    RECTIFYING = "rectifying", "整改中"
    WITHDRAWN = "withdrawn", "已撤回"
    REVOKED = "revoked", "已撤销"
    CANCELLED = "cancelled", "已注销"


LIVE_QUALIFICATION = (
    QualificationState.VALID,
    QualificationState.FLAGGED_ABNORMAL,
    QualificationState.RECTIFYING,
)


class Qualification(models.Model):
    """An enterprise qualification certificate (建筑业企业资质证书): one category at one grade."""

    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="qualifications"
    )
    category = models.CharField("资质类别", max_length=100)
    grade = models.CharField("资质等级", max_length=20)
    certificate_number = models.CharField("证书编号", max_length=50, unique=True)
    issuing_authority = models.ForeignKey(
        Organisation,
        verbose_name="发证机关",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至")
    required_staff = models.PositiveIntegerField("资质标准要求注册人员数", default=0)
    registered_staff = models.PositiveIntegerField("在册注册人员数", default=0)
    social_insurance_gap = models.BooleanField("社保缴纳存在缺口", default=False)
    state = FSMField(
        "状态", default=QualificationState.VALID, choices=QualificationState.choices, protected=True
    )

    class Meta:
        ordering = ["enterprise_id", "category"]
        verbose_name = "资质证书"
        verbose_name_plural = "资质证书"

    def __str__(self) -> str:
        return f"{self.certificate_number} {self.category}{self.grade}"

    @transition(field=state, source=QualificationState.VALID, target=QualificationState.FLAGGED_ABNORMAL)
    def flag_abnormal(self) -> None:
        """Flag as abnormal (资质异常) after a dynamic check finds a gap."""

    @transition(field=state, source=QualificationState.FLAGGED_ABNORMAL, target=QualificationState.RECTIFYING)
    def start_rectification(self) -> None:
        """The rectification notice was served; the enterprise is rectifying (整改)."""

    @transition(
        field=state,
        source=[QualificationState.FLAGGED_ABNORMAL, QualificationState.RECTIFYING],
        target=QualificationState.VALID,
    )
    def clear_flag(self) -> None:
        """Rectification approved: the abnormal flag is cleared."""

    @transition(field=state, source=list(LIVE_QUALIFICATION), target=QualificationState.WITHDRAWN)
    def withdraw(self) -> None:
        """Withdrawal (撤回) decided and delivered."""

    @transition(field=state, source=list(LIVE_QUALIFICATION), target=QualificationState.REVOKED)
    def revoke(self) -> None:
        """Revocation (撤销) decided and delivered."""

    @transition(
        field=state,
        source=[QualificationState.VALID, QualificationState.WITHDRAWN, QualificationState.REVOKED],
        target=QualificationState.CANCELLED,
    )
    def cancel(self) -> None:
        """Cancellation (注销), the closing step."""


class LicenceState(models.TextChoices):
    VALID = "valid", "有效"
    UNDER_CHECK = "under_check", "核查中"
    RECTIFYING = "rectifying", "整改中"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "已吊销"


class SafetyLicence(models.Model):
    """A safety production licence (安全生产许可证), valid 3 years."""

    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="safety_licences"
    )
    licence_number = models.CharField("许可证编号", max_length=50, unique=True)
    issuing_authority = models.ForeignKey(
        Organisation,
        verbose_name="发证机关",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至")
    project_managers = models.PositiveIntegerField("项目负责人数", default=0)
    required_constructors = models.PositiveIntegerField("资质要求注册建造师数", default=0)
    suspended_until = models.DateField("暂扣至", null=True, blank=True)
    state = FSMField("状态", default=LicenceState.VALID, choices=LicenceState.choices, protected=True)

    class Meta:
        ordering = ["enterprise_id", "licence_number"]
        verbose_name = "安全生产许可证"
        verbose_name_plural = "安全生产许可证"

    def __str__(self) -> str:
        return f"{self.licence_number}"

    @transition(field=state, source=LicenceState.VALID, target=LicenceState.UNDER_CHECK)
    def start_check(self) -> None:
        """Included in a dynamic check batch (动态核查)."""

    @transition(field=state, source=LicenceState.UNDER_CHECK, target=LicenceState.RECTIFYING)
    def start_rectification(self) -> None:
        """Rectification notice served."""

    @transition(
        field=state, source=[LicenceState.UNDER_CHECK, LicenceState.RECTIFYING], target=LicenceState.VALID
    )
    def pass_check(self) -> None:
        """Rectification approved."""

    @transition(
        field=state,
        source=[
            LicenceState.VALID,
            LicenceState.UNDER_CHECK,
            LicenceState.RECTIFYING,
            LicenceState.SUSPENDED,
        ],
        target=LicenceState.SUSPENDED,
    )
    def suspend(self, *, until: Any) -> None:
        """Suspension (暂扣) until a date; a further suspension extends it."""
        self.suspended_until = until

    @transition(field=state, source=LicenceState.SUSPENDED, target=LicenceState.VALID)
    def restore(self) -> None:
        """The suspension period ended (暂扣期满，恢复)."""
        self.suspended_until = None

    @transition(
        field=state,
        source=[
            LicenceState.VALID,
            LicenceState.UNDER_CHECK,
            LicenceState.RECTIFYING,
            LicenceState.SUSPENDED,
        ],
        target=LicenceState.REVOKED,
    )
    def revoke(self) -> None:
        """Revocation (吊销)."""

    @transition(field=state, source=LicenceState.VALID, target=LicenceState.VALID)
    def extend(self, *, valid_to: Any) -> None:
        """Extension without re-examination (免审延期)."""
        self.valid_to = valid_to


class AccidentLevel(models.TextChoices):
    GENERAL = "general", "一般事故"
    MAJOR = "major", "较大事故"
    SERIOUS = "serious", "重大事故"


class Accident(models.Model):
    """A production-safety accident (生产安全事故) attributed to a licence holder."""

    licence = models.ForeignKey(
        SafetyLicence, verbose_name="许可证", on_delete=models.PROTECT, related_name="accidents"
    )
    occurred_on = models.DateField("发生日期")
    level = models.CharField("事故等级", max_length=10, choices=AccidentLevel.choices)
    fatalities = models.PositiveIntegerField("死亡人数", default=0)
    reported_late = models.BooleanField("迟报、谎报或瞒报", default=False)
    description = models.TextField("事故概况", blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = "生产安全事故"
        verbose_name_plural = "生产安全事故"

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.occurred_on}"


class Suspension(models.Model):
    """A suspension (暂扣) or revocation (吊销) decided from the scale of 建质〔2008〕121号."""

    licence = models.ForeignKey(
        SafetyLicence, verbose_name="许可证", on_delete=models.PROTECT, related_name="suspensions"
    )
    accident = models.ForeignKey(
        Accident, verbose_name="事故", on_delete=models.PROTECT, null=True, blank=True
    )
    outcome = models.CharField("处理结果", max_length=10, choices=[("suspend", "暂扣"), ("revoke", "吊销")])
    days = models.PositiveIntegerField("暂扣天数", default=0)
    starts_on = models.DateField("暂扣起", null=True, blank=True)
    ends_on = models.DateField("暂扣至", null=True, blank=True)
    basis = models.CharField("依据", max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    restored_at = models.DateTimeField("恢复时间", null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = "暂扣/吊销记录"
        verbose_name_plural = "暂扣/吊销记录"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.days}"


class ReapplicationBan(models.Model):
    """A bar on re-applying (不得再次申请), e.g. 3 years after a fraud-based revocation (行政许可法 art 79)."""

    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="reapplication_bans"
    )
    category = models.CharField("资质类别/许可", max_length=100)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    reason = models.CharField("原因", max_length=300)

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = "重新申请限制"
        verbose_name_plural = "重新申请限制"

    def __str__(self) -> str:
        return f"{self.category} 至 {self.ends_on}"
