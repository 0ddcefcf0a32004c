"""Districts, organisations and users (组织机构与人员)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from .credit_code import validate_credit_code
from .roles import Role


class District(models.Model):
    """A Shanghai district (区) identified by its GB/T 2260 code."""

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=20, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区"
        verbose_name_plural = "行政区"

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    REGULATOR = "regulator", "主管部门"
    AGENCY = "agency", "监督机构"
    SERVICE = "service", "服务机构"


class EnterpriseType(models.TextChoices):
    CONTRACTOR = "contractor", "施工单位"
    EMPLOYER = "employer", "建设单位"
    SUPERVISOR = "supervisor", "监理单位"
    SURVEYOR = "surveyor", "勘察单位"
    DESIGNER = "designer", "设计单位"
    LESSOR = "lessor", "起重机械出租单位"
    INSTALLER = "installer", "安装拆卸单位"
    OTHER = "other", "其他"


class Organisation(models.Model):
    """An enterprise, a regulator (the city commission, a district authority), a supervision agency or a
    service body."""

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=OrganisationKind.choices, db_index=True)
    enterprise_type = models.CharField(
        "企业类型", max_length=20, choices=EnterpriseType.choices, blank=True, default=""
    )
    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    district = models.ForeignKey(
        District, verbose_name="所属区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_kind_name_uniq"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_regulator(self) -> bool:
        return self.kind in (OrganisationKind.REGULATOR, OrganisationKind.AGENCY)

    @property
    def is_city_level(self) -> bool:
        return self.is_regulator and self.district_id is None


class User(AbstractUser):
    """A person who logs in. Belongs to one organisation (none only for the platform administrator)."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & {str(r) for r in roles})

    @property
    def is_sysadmin(self) -> bool:
        return self.is_superuser or self.has_role(Role.SYSADMIN)
