"""Construction permits, sites and the random inspection draws (双随机一公开) for general decoration works."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import District
from security.fields import EncryptedCharField


class Permit(models.Model):
    """A construction permit (施工许可证) received from the approval system."""

    permit_number = models.CharField("施工许可证编号", max_length=64, unique=True)
    project_name = models.CharField("项目名称", max_length=200)
    district = models.ForeignKey(District, verbose_name="所属区", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("项目地址", max_length=200)
    employer_name = models.CharField("建设单位", max_length=200)
    employer_credit_code = models.CharField("建设单位统一社会信用代码", max_length=18)
    employer_contact = models.CharField("建设单位联系人", max_length=50)
    # personal data (often the contact's own mobile): SM4-encrypted at rest, shown masked
    employer_phone = EncryptedCharField("建设单位联系电话", max_length=20, blind_index=False)
    contractor_name = models.CharField("施工单位", max_length=200)
    contractor_credit_code = models.CharField("施工单位统一社会信用代码", max_length=18)
    contract_amount = models.DecimalField("合同价款（元）", max_digits=16, decimal_places=2)
    floor_area = models.DecimalField("施工面积（㎡）", max_digits=12, decimal_places=2)
    works_description = models.TextField("工程内容")
    touches_structure = models.BooleanField("涉及主体结构", default=False)
    touches_fire_system = models.BooleanField("涉及消防设施", default=False)
    touches_facade = models.BooleanField("涉及建筑外立面", default=False)
    issued_on = models.DateField("发证日期")
    payload_digest = models.CharField("报文SM3摘要", max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "施工许可证"
        verbose_name_plural = "施工许可证"

    def __str__(self) -> str:
        return f"{self.permit_number} {self.project_name}"


class SiteState(models.TextChoices):
    REGISTERED = "registered", "已登记"
    FIRST_SUPERVISION = "first_supervision", "首次监督"
    PROCESS_SUPERVISION = "process_supervision", "过程监督"
    COMPLETION_SUPERVISION = "completion_supervision", "竣工监督"
    COMPLETED = "completed", "安全标准化达标确认（已完成）"


ELIGIBLE_FOR_DRAW = (SiteState.REGISTERED, SiteState.FIRST_SUPERVISION, SiteState.PROCESS_SUPERVISION)


def _drawn_or_first_done(site: Any) -> bool:
    return site.drawn or site.state == SiteState.FIRST_SUPERVISION


def _not_drawn(site: Any) -> bool:
    return not site.drawn


def _drawn_or_completion_done(site: Any) -> bool:
    return site.drawn or site.state == SiteState.COMPLETION_SUPERVISION


class Site(models.Model):
    """A construction site under supervision (工地), created from a permit."""

    permit = models.OneToOneField(Permit, verbose_name="施工许可证", on_delete=models.PROTECT, related_name="site")
    district = models.ForeignKey(District, verbose_name="所属区", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("工地名称", max_length=200)
    is_general_decoration = models.BooleanField("一般类装饰装修", default=False, db_index=True)
    classification_reason = models.CharField("分类依据", max_length=300, blank=True)
    state = FSMField("状态", default=SiteState.REGISTERED, choices=SiteState.choices, protected=True)
    drawn = models.BooleanField("已被抽中", default=False, db_index=True)
    supervision_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="监督组", blank=True, related_name="supervised_sites"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "工地"
        verbose_name_plural = "工地"

    def __str__(self) -> str:
        return self.name

    @property
    def district_code(self) -> str:
        return self.district_id

    @transition(field=state, source=SiteState.REGISTERED, target=SiteState.FIRST_SUPERVISION)
    def start_first_supervision(self) -> None:
        """Normal path: first supervision (首次监督) once a team is assigned."""

    @transition(
        field=state,
        source=[SiteState.REGISTERED, SiteState.FIRST_SUPERVISION],
        target=SiteState.PROCESS_SUPERVISION,
        conditions=[_drawn_or_first_done],
    )
    def start_process_supervision(self) -> None:
        """Process supervision (过程监督); drawn sites go straight here, skipping first supervision."""

    @transition(
        field=state,
        source=SiteState.PROCESS_SUPERVISION,
        target=SiteState.COMPLETION_SUPERVISION,
        conditions=[_not_drawn],
    )
    def start_completion_supervision(self) -> None:
        """Completion supervision (竣工监督) — skipped for drawn sites."""

    @transition(
        field=state,
        source=[SiteState.PROCESS_SUPERVISION, SiteState.COMPLETION_SUPERVISION],
        target=SiteState.COMPLETED,
        conditions=[_drawn_or_completion_done],
    )
    def confirm_completion(self) -> None:
        """Safety-standard completion confirmed (安全标准化达标确认); the site leaves the draw population."""


class DrawRoundState(models.TextChoices):
    COMMITTED = "committed", "已公布承诺值"
    COMPLETED = "completed", "已开奖（结果已公开）"


class ImmutableRecordError(RuntimeError):
    pass


class DrawRound(models.Model):
    """One district's random draw for one round (抽查批次). Commitment first, then the seed and the result;
    a completed round can never change."""

    district = models.ForeignKey(District, verbose_name="所属区", on_delete=models.PROTECT, related_name="+")
    round_key = models.CharField("轮次", max_length=20)  # e.g. "2026-11"
    proportion = models.DecimalField("抽取比例", max_digits=5, decimal_places=4)
    inspectors_per_site = models.PositiveSmallIntegerField("每个项目检查人员数", default=2)
    commitment = models.CharField("种子承诺值（SM3）", max_length=64)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    population = models.JSONField("冻结的抽取对象名单", default=list)
    population_digest = models.CharField("名单摘要（SM3）", max_length=64)
    inspector_pool = models.JSONField("检查人员名单", default=list)
    exclusions = models.JSONField("回避关系", default=list)
    selected = models.JSONField("抽中项目", default=list)
    assignments = models.JSONField("检查人员分配", default=dict)
    record_hmac = models.CharField("记录完整性校验值", max_length=64, blank=True)
    state = FSMField("状态", default=DrawRoundState.COMMITTED, choices=DrawRoundState.choices, protected=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(auto_now_add=True)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-committed_at"]
        constraints = [models.UniqueConstraint(fields=["district", "round_key"], name="draw_round_uniq")]
        verbose_name = "随机抽查批次"
        verbose_name_plural = "随机抽查批次"

    def __str__(self) -> str:
        return f"{self.district} {self.round_key}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == DrawRoundState.COMPLETED:
                raise ImmutableRecordError("抽查结果已公开，不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError("抽查记录不可删除。")

    @transition(field=state, source=DrawRoundState.COMMITTED, target=DrawRoundState.COMPLETED)
    def reveal(self) -> None:
        """Seed revealed and the selection computed."""


class SmsStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已提交网关"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "发送失败"


class SmsNotice(models.Model):
    """An SMS notice about a drawn site (抽中告知短信), tracked to delivery."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="sms_notices")
    draw_round = models.ForeignKey(DrawRound, on_delete=models.PROTECT, related_name="sms_notices")
    recipient_role = models.CharField("接收人", max_length=30)  # district_contact | employer_contact
    phone = EncryptedCharField("手机号码", max_length=20, blind_index=False)  # SM4 at rest, shown masked
    text = models.TextField("短信内容")
    status = models.CharField("状态", max_length=10, choices=SmsStatus.choices, default=SmsStatus.QUEUED)
    gateway_message_id = models.CharField("网关消息号", max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "短信通知"
        verbose_name_plural = "短信通知"

    def __str__(self) -> str:
        return f"{self.recipient_role} {self.phone}"


class InspectorConflict(models.Model):
    """A declared conflict of interest (回避): the inspector must not inspect sites of this organisation."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credit_code = models.CharField("利害关系单位统一社会信用代码", max_length=18)
    reason = models.CharField("回避事由", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        constraints = [models.UniqueConstraint(fields=["inspector", "credit_code"], name="inspector_conflict_uniq")]

    def __str__(self) -> str:
        return f"{self.inspector} 回避 {self.credit_code}"
