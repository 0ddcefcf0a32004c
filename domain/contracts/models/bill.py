"""Bills of quantities (工程量清单, GB 50500) and final settlement (竣工结算, M04)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from .contract import Contract


class BillPart(models.TextChoices):
    MEASURED = "measured", "分部分项工程"
    MEASURES = "measures", "措施项目"
    OTHER = "other", "其他项目"
    FEES = "fees", "规费"
    TAX = "tax", "税金"


class BillOfQuantities(models.Model):
    """A priced bill: the awarded bid's (中标清单) or a settlement's (结算清单)."""

    class Kind(models.TextChoices):
        BID = "bid", "中标工程量清单"
        SETTLEMENT = "settlement", "结算工程量清单"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    source_format = models.CharField("导入格式", max_length=10, blank=True)
    source_sm3 = models.CharField("源文件SM3", max_length=64, blank=True)
    total = models.DecimalField("合计（元）", max_digits=18, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "工程量清单"
        verbose_name_plural = "工程量清单"

    def __str__(self) -> str:
        return self.title


class BillLine(models.Model):
    """One line (清单项目): 12-digit code, name, features (项目特征), unit, quantity, unit price, amount."""

    bill = models.ForeignKey(BillOfQuantities, verbose_name="清单", on_delete=models.CASCADE, related_name="lines")
    seq = models.PositiveIntegerField("序号")
    part = models.CharField("组成部分", max_length=20, choices=BillPart.choices)
    code = models.CharField("项目编码", max_length=12)
    name = models.CharField("项目名称", max_length=200)
    features = models.TextField("项目特征", blank=True)
    unit = models.CharField("计量单位", max_length=10)
    quantity = models.DecimalField("工程量", max_digits=18, decimal_places=3)
    unit_price = models.DecimalField("综合单价（元）", max_digits=16, decimal_places=2)
    amount = models.DecimalField("合价（元）", max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["bill", "seq"]
        verbose_name = "清单项目"
        verbose_name_plural = "清单项目"
        constraints = [models.UniqueConstraint(fields=["bill", "code"], name="bill_line_code_uniq")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SettlementState(models.TextChoices):
    SUBMITTED = "submitted", "承包人已提交，待发包人核对"
    CONFIRMED = "confirmed", "发包人已确认"
    PUBLISHED = "published", "已备案并公布"


class Settlement(models.Model):
    """Final settlement (竣工结算) of a contract, compared line by line with the awarded bid."""

    contract = models.OneToOneField(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="settlement")
    bill = models.OneToOneField(
        BillOfQuantities, verbose_name="结算清单", on_delete=models.PROTECT, related_name="settlement"
    )
    state = FSMField("状态", default=SettlementState.SUBMITTED, choices=SettlementState.choices, protected=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    verify_due_on = models.DateField("核对截止日期（60日）")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    comparison = models.JSONField("比对结果", default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "竣工结算"
        verbose_name_plural = "竣工结算"

    def __str__(self) -> str:
        return f"{self.contract.number} 竣工结算"

    @transition(field=state, source=SettlementState.SUBMITTED, target=SettlementState.CONFIRMED)
    def confirm(self) -> None:
        """The employer (or its cost consultant) confirmed the settlement (结算确认)."""

    @transition(field=state, source=SettlementState.CONFIRMED, target=SettlementState.PUBLISHED)
    def publish(self) -> None:
        """Filed and published (结算备案并公布)."""
