"""People (人员), their employments (聘用关系), training (继续教育) and penalty records (行政处罚记录)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from domain.organisations.models import Organisation
from security.fields import EncryptedCharField


class Person(models.Model):
    """A safety-management staff member (安管人员). ID number and phone are SM4-encrypted; the ID number has a
    blind index so it can be looked up exactly."""

    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("身份证号码", max_length=18, unique=True)
    phone = EncryptedCharField("手机号码", max_length=20, blank=True)
    photo = models.FileField("照片", upload_to="personnel/photos/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    constructor_registration = models.CharField(
        "注册建造师注册编号", max_length=40, blank=True, help_text="B类（项目负责人）须持有建造师注册证书"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "安管人员"
        verbose_name_plural = "安管人员"

    def __str__(self) -> str:
        return self.name

    @property
    def current_employment(self) -> Employment | None:
        return self.employments.filter(ended_on__isnull=True).select_related("enterprise").first()


class Employment(models.Model):
    """Person ↔ enterprise (聘用关系), open while ``ended_on`` is empty. At most one open employment."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="employments")
    enterprise = models.ForeignKey(
        Organisation, verbose_name="聘用单位", on_delete=models.PROTECT, related_name="safety_staff"
    )
    started_on = models.DateField("聘用起始日")
    ended_on = models.DateField("聘用终止日", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "聘用关系"
        verbose_name_plural = "聘用关系"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_on__isnull=True), name="personnel_one_open_employment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.enterprise}"


class TrainingRecord(models.Model):
    """Continuing-education hours (继续教育学时) taken by a person."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField("课程", max_length=200)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    completed_on = models.DateField("完成日期")

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = "继续教育记录"
        verbose_name_plural = "继续教育记录"

    def __str__(self) -> str:
        return f"{self.course} {self.hours}学时"


class PenaltyRecord(models.Model):
    """An administrative penalty or bad-credit record (行政处罚/不良信用记录) held against a person."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="penalties")
    decided_on = models.DateField("处罚日期")
    description = models.CharField("事由", max_length=300)

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = "处罚记录"
        verbose_name_plural = "处罚记录"

    def __str__(self) -> str:
        return self.description
