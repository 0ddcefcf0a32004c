"""Safety-production assessment certificates (安全生产考核合格证书) for A/B/C staff, their numbers and history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import Organisation

from .people import Person

VALIDITY_YEARS = 3
EXTENSION_WINDOW_MONTHS = 3


class CertificateClass(models.TextChoices):
    A = "A", "A类（企业主要负责人）"
    B = "B", "B类（项目负责人）"
    C1 = "C1", "C1类（机械类专职安全生产管理人员）"
    C2 = "C2", "C2类（土建类专职安全生产管理人员）"
    C3 = "C3", "C3类（综合类专职安全生产管理人员）"


class CertificateState(models.TextChoices):
    APPLIED = "applied", "已申请"
    ISSUED = "issued", "已制证"
    VALID = "valid", "有效"
    EXPIRING = "expiring", "即将到期"
    EXTENDED = "extended", "已延续"
    EXPIRED = "expired", "已过期"
    TRANSFERRED_OUT = "transferred_out", "已调出"
    CANCELLED = "cancelled", "已注销"
    REJECTED = "rejected", "不予许可"


#: States in which a certificate counts against "one certificate per class per person".
ACTIVE_STATES = (
    CertificateState.APPLIED,
    CertificateState.ISSUED,
    CertificateState.VALID,
    CertificateState.EXPIRING,
    CertificateState.EXTENDED,
)
#: States in which the certificate is in force (有效期内).
IN_FORCE = [CertificateState.VALID, CertificateState.EXPIRING, CertificateState.EXTENDED]
IN_FORCE_STATES = tuple(s.value for s in IN_FORCE)


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def category_of(klass: str) -> str:
    """A / B / C (C1, C2 and C3 are one category: a person holds at most one C certificate)."""
    return klass[0]


class CertificateNumberCounter(models.Model):
    """Serial counter per number prefix and year, locked with SELECT … FOR UPDATE so numbers have no gaps or
    duplicates."""

    prefix = models.CharField("前缀", max_length=20)
    year = models.PositiveSmallIntegerField("年份")
    last_serial = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        verbose_name = "证书编号计数器"
        verbose_name_plural = "证书编号计数器"
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="personnel_counter_prefix_year")]

    def __str__(self) -> str:
        return f"{self.prefix}({self.year}) #{self.last_serial}"


def _follows_employer(cert: Any) -> bool:
    """证随人走、人随企: the certificate's employer is the holder's current employer."""
    return cert.person.employments.filter(ended_on__isnull=True, enterprise_id=cert.employer_id).exists()


def _b_has_registration(cert: Any) -> bool:
    return cert.category != "B" or bool(cert.person.constructor_registration.strip())


def _has_number(cert: Any) -> bool:
    return bool(cert.number)


def _in_extension_window(cert: Any) -> bool:
    return cert.in_extension_window()

    def __str__(self) -> str:
        return f"{self.prefix}({self.year}) #{self.last_serial}"


class SafetyCertificate(models.Model):
    """安全生产考核合格证书 of one person, class A/B/C1/C2/C3; valid 3 years, extendable in the 3 months before
    expiry."""

    person = models.ForeignKey(Person, verbose_name="持证人", on_delete=models.PROTECT, related_name="certificates")
    klass = models.CharField("类别", max_length=2, choices=CertificateClass.choices)
    category = models.CharField("大类", max_length=1, editable=False)
    number = models.CharField("证书编号", max_length=40, unique=True, null=True, blank=True)
    employer = models.ForeignKey(
        Organisation, verbose_name="聘用单位", on_delete=models.PROTECT, related_name="safety_certificates"
    )
    employer_name = models.CharField("证载单位名称", max_length=200)
    job_title = models.CharField("职务", max_length=100, blank=True)
    state = FSMField("状态", default=CertificateState.APPLIED, choices=CertificateState.choices, protected=True)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    valid_to = models.DateField("有效期至", null=True, blank=True)
    origin_number = models.CharField("原发证机关证书编号（外省转入）", max_length=40, blank=True)
    district = models.ForeignKey(
        "organisations.District", verbose_name="受理区", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.ForeignKey(
        "documents.Document", verbose_name="电子证书", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = "安全生产考核合格证书"
        verbose_name_plural = "安全生产考核合格证书"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=models.Q(state__in=[s.value for s in ACTIVE_STATES]),
                name="personnel_one_active_certificate_per_category",
            )
        ]
        indexes = [models.Index(fields=["employer", "state"])]

    def __str__(self) -> str:
        return self.number or f"{self.person} {self.klass}（申请中）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.category = category_of(self.klass)
        super().save(*args, **kwargs)

    @property
    def district_code(self) -> str | None:
        return self.district_id or self.employer.district_id

    @property
    def in_force(self) -> bool:
        return self.state in IN_FORCE

    def extension_window_opens(self) -> date | None:
        return add_months(self.valid_to, -EXTENSION_WINDOW_MONTHS) if self.valid_to else None

    def in_extension_window(self, today: date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        opens = self.extension_window_opens()
        return opens is not None and self.valid_to is not None and opens <= today <= self.valid_to

    # -- transitions (services call them; nothing assigns ``state``) ---------------------------------------
    @transition(field=state, source=CertificateState.APPLIED, target=CertificateState.ISSUED,
                conditions=[_has_number, _b_has_registration, _follows_employer])
    def issue(self) -> None:
        """制证: the number and validity are set by the service before the transition."""

    @transition(field=state, source=CertificateState.ISSUED, target=CertificateState.VALID)
    def announce(self) -> None:
        """结果公告后生效."""

    @transition(field=state, source=CertificateState.APPLIED, target=CertificateState.REJECTED)
    def reject(self) -> None:
        """不予许可."""

    @transition(field=state, source=[CertificateState.VALID, CertificateState.EXTENDED],
                target=CertificateState.EXPIRING, conditions=[_in_extension_window])
    def mark_expiring(self) -> None:
        """进入有效期届满前3个月."""

    @transition(field=state, source=IN_FORCE, target=CertificateState.EXTENDED,
                conditions=[_in_extension_window, _follows_employer])
    def extend(self) -> None:
        """延续: ``valid_to`` moves 3 years on (set by the service)."""

    @transition(field=state, source=IN_FORCE, target=CertificateState.EXPIRED)
    def expire(self) -> None:
        """有效期届满未延续."""

    @transition(field=state, source=[CertificateState.ISSUED, *IN_FORCE], target=CertificateState.TRANSFERRED_OUT)
    def transfer_out(self) -> None:
        """调出本市."""

    @transition(field=state, source=[CertificateState.APPLIED, CertificateState.ISSUED, *IN_FORCE],
                target=CertificateState.CANCELLED)
    def cancel(self) -> None:
        """注销."""


class CertificateEvent(models.Model):
    """One entry of a certificate's history (证书变更记录); ``automatic`` marks decisions taken without a
    person (自动决定)."""

    certificate = models.ForeignKey(
        SafetyCertificate, verbose_name="证书", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=40, db_index=True)
    summary = models.CharField("摘要", max_length=300)
    automatic = models.BooleanField("自动决定", default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField("数据", default=dict, blank=True)
    document = models.ForeignKey(
        "documents.Document", verbose_name="文书", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    instance_id = models.BigIntegerField("流程实例", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "证书变更记录"
        verbose_name_plural = "证书变更记录"

    def __str__(self) -> str:
        return f"{self.certificate} {self.kind}"
