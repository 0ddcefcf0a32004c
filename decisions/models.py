"""Decision-layer data: working-day overrides (工作日调整) and condition→action rule sets (预警规则集)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class WorkingDayOverride(models.Model):
    """An administrator's correction to the statutory calendar (法定节假日/调休上班日).

    ``chinesecalendar`` only knows the years published when it was released; for a new year the State Council's
    notice (国务院办公厅关于部分节假日安排的通知) is entered here, day by day. An override always wins.
    """

    day = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日", help_text="勾选：调休上班日；不勾选：节假日（休息）")
    name = models.CharField("名称", max_length=60, blank=True, help_text="例如：国庆节、春节调休上班")
    note = models.CharField("依据/备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"

    def __str__(self) -> str:
        kind = "工作日" if self.is_working_day else "休息日"
        return f"{self.day.isoformat()} {kind} {self.name}".strip()


class RuleSet(models.Model):
    """A condition→action rule set (预警规则集): JSON rules an administrator edits, validated on save."""

    key = models.SlugField("标识", max_length=80, unique=True)
    name = models.CharField("名称", max_length=120)
    description = models.TextField("说明", blank=True)
    variables = models.JSONField(
        "变量（JSON）",
        default=dict,
        blank=True,
        help_text='例如 {"arrears_amount": "numeric", "rectified": "boolean"}',
    )
    rules = models.JSONField("规则（JSON）", default=list, blank=True)
    active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "预警规则集"
        verbose_name_plural = "预警规则集"

    def __str__(self) -> str:
        return f"{self.name}（{self.key}）"

    def document(self) -> dict:
        return {"variables": self.variables, "rules": self.rules}

    def clean(self) -> None:
        from .rulesets import RuleSetError, validate_rules

        try:
            validate_rules(self.key, self.document())
        except RuleSetError as exc:
            raise ValidationError({"rules": exc.message}) from exc
