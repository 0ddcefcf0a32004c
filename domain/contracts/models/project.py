"""Registered works (报建项目) and tender awards (中标结果)."""

from __future__ import annotations

from django.db import models

from domain.organisations.models import District, Organisation


class FundingType(models.TextChoices):
    STATE = "state", "国有资金投资"
    STATE_MAJORITY = "state_majority", "国有资金占控股或主导地位"
    PRIVATE = "private", "非国有资金投资"


class Project(models.Model):
    """A registered construction project (已报建工程). Its district decides which district officer handles it."""

    code = models.CharField("报建编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200)
    district = models.ForeignKey(District, verbose_name="项目所在区", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("项目地址", max_length=200, blank=True)
    funding_type = models.CharField("资金来源", max_length=20, choices=FundingType.choices)
    employer = models.ForeignKey(
        Organisation, verbose_name="建设单位", on_delete=models.PROTECT, related_name="contract_projects"
    )
    registered_on = models.DateField("报建日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "报建项目"
        verbose_name_plural = "报建项目"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def district_code(self) -> str:
        return self.district_id

    @property
    def is_state_funded(self) -> bool:
        return self.funding_type in (FundingType.STATE, FundingType.STATE_MAJORITY)


class TenderAward(models.Model):
    """The result of a tender (中标结果): what a tendered contract must match (条例第31-32条)."""

    tender_reference = models.CharField("招标编号", max_length=40, unique=True)
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="awards")
    winner = models.ForeignKey(Organisation, verbose_name="中标人", on_delete=models.PROTECT, related_name="+")
    scope = models.TextField("招标范围（工程内容）")
    price = models.DecimalField("中标价（元）", max_digits=16, decimal_places=2)
    duration_days = models.PositiveIntegerField("工期（日历天）")
    quality_standard = models.CharField("质量标准", max_length=100)
    project_manager_name = models.CharField("项目负责人", max_length=50)
    project_manager_cert_no = models.CharField("项目负责人注册证书号", max_length=50, blank=True)
    ceiling_price = models.DecimalField("最高投标限价（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    awarded_on = models.DateField("中标日期")
    bid_bill = models.OneToOneField(
        "contracts.BillOfQuantities",
        verbose_name="中标工程量清单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = "中标结果"
        verbose_name_plural = "中标结果"

    def __str__(self) -> str:
        return f"{self.tender_reference} {self.winner}"
