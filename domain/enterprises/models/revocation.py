"""Revocation and withdrawal cases (撤销/撤回, M56): prior notice → statement and defence (陈述申辩) → hearing if
offered → legal review (法制审核) → decision → delivery → certificate state changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import District, Organisation

from .checks import CheckCase
from .credentials import Qualification, SafetyLicence


class RevocationKind(models.TextChoices):
    REVOKE = "revoke", "撤销"
    WITHDRAW = "withdraw", "撤回"


class RevocationGround(models.TextChoices):
    FRAUD = "fraud", "以欺骗、贿赂等不正当手段取得"
    IMPROPER_GRANT = "improper_grant", "违法授予（滥用职权、超越职权、违反法定程序、不具备条件）"
    OVERDUE_RECTIFICATION = "overdue_rectification", "动态核查逾期未整改或整改不合格"
    CHANGED_CIRCUMSTANCES = "changed_circumstances", "法律法规修改或客观情况变化"
    SAFETY_SCALE = "safety_scale", "依暂扣吊销标准应予吊销（事故、拒不整改或累计暂扣超过120日）"


class RevocationState(models.TextChoices):
    NOTICE_PENDING = "notice_pending", "事先告知待送达"
    DEFENCE_PERIOD = "defence_period", "陈述申辩期"
    DEFENCE_HANDLING = "defence_handling", "陈述申辩处理"
    HEARING = "hearing", "听证"
    LEGAL_REVIEW = "legal_review", "法制审核"
    DECISION_PENDING = "decision_pending", "待作出决定"
    DECISION_DELIVERY = "decision_delivery", "决定书待送达"
    CLOSED = "closed", "已办结"
    DROPPED = "dropped", "不予撤销/撤回"


class RevocationCase(models.Model):
    """A revocation (撤销) or withdrawal (撤回) case against one qualification or licence."""

    number = models.CharField("案件编号", max_length=30, unique=True)
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(District, verbose_name="所属区", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=RevocationKind.choices)
    ground = models.CharField("事由", max_length=30, choices=RevocationGround.choices)
    qualification = models.ForeignKey(
        Qualification, verbose_name="资质", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    licence = models.ForeignKey(
        SafetyLicence,
        verbose_name="许可证",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    check_case = models.ForeignKey(
        CheckCase, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facts = models.TextField("事实")
    reasons = models.TextField("理由")
    basis = models.TextField("依据")
    defence_days = models.PositiveIntegerField("陈述申辩期限（日）", default=5)
    defence_due_on = models.DateField("陈述申辩截止", null=True, blank=True)
    defence_statement = models.TextField("陈述申辩意见", blank=True)
    defence_adopted = models.BooleanField("申辩意见成立", null=True, blank=True)
    hearing_offered = models.BooleanField("告知听证权利", default=False)
    hearing_requested = models.BooleanField("当事人申请听证", default=False)
    hearing_record = models.TextField("听证笔录摘要", blank=True)
    legal_opinion = models.TextField("法制审核意见", blank=True)
    decision_text = models.TextField("决定内容", blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    process_instance_id = models.PositiveBigIntegerField("流程实例", null=True, blank=True)
    stage_round = models.PositiveIntegerField("办理轮次", default=1)
    documents = models.JSONField("文书", default=dict, blank=True)  # kind -> document id
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    state = FSMField(
        "状态", default=RevocationState.NOTICE_PENDING, choices=RevocationState.choices, protected=True
    )

    # documents kept inside the regulator: the legal review opinion (法制审核意见书) is an internal step of the
    # decision, not served on the party (the API and the pages hide the opinion text the same way)
    INTERNAL_DOCUMENTS = frozenset({"legal_opinion"})

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "撤销/撤回案件"
        verbose_name_plural = "撤销/撤回案件"

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} {self.enterprise.name}"

    @property
    def credential(self) -> Qualification | SafetyLicence | None:
        return self.qualification or self.licence

    def documents_for(self, *, regulator: bool) -> dict[str, int]:
        """The case's documents (kind → document id) a viewer may open: all for regulators, the party-facing
        ones (事先告知书, 陈述申辩笔录, 听证笔录, 决定书) for the enterprise."""
        return {
            kind: doc_id for kind, doc_id in (self.documents or {}).items()
            if doc_id and (regulator or kind not in self.INTERNAL_DOCUMENTS)
        }

    @transition(field=state, source=RevocationState.NOTICE_PENDING, target=RevocationState.DEFENCE_PERIOD)
    def notice_served(self) -> None:
        """The prior notice (事先告知书) was served; the defence period runs."""

    @transition(field=state, source=RevocationState.DEFENCE_PERIOD, target=RevocationState.DEFENCE_HANDLING)
    def close_defence(self) -> None:
        """A statement was filed or the period ended."""

    @transition(field=state, source=RevocationState.DEFENCE_HANDLING, target=RevocationState.HEARING)
    def offer_hearing(self) -> None:
        """The DMN says a hearing must be offered (听证)."""

    @transition(
        field=state,
        source=[RevocationState.DEFENCE_HANDLING, RevocationState.HEARING],
        target=RevocationState.LEGAL_REVIEW,
    )
    def to_legal_review(self) -> None:
        """Send to legal review (法制审核)."""

    @transition(field=state, source=RevocationState.DEFENCE_HANDLING, target=RevocationState.DROPPED)
    def drop(self) -> None:
        """The defence was adopted: no revocation/withdrawal (申辩成立，不予撤销/撤回)."""

    @transition(field=state, source=RevocationState.LEGAL_REVIEW, target=RevocationState.DECISION_PENDING)
    def legal_review_passed(self) -> None:
        """Legal review approved."""

    @transition(field=state, source=RevocationState.LEGAL_REVIEW, target=RevocationState.DEFENCE_HANDLING)
    def legal_review_failed(self) -> None:
        """Legal review failed: back to the case officer (no decision after a failed review)."""
        self.stage_round += 1

    @transition(
        field=state, source=RevocationState.DECISION_PENDING, target=RevocationState.DECISION_DELIVERY
    )
    def decide(self) -> None:
        """Decision (决定书) issued."""

    @transition(field=state, source=RevocationState.DECISION_DELIVERY, target=RevocationState.CLOSED)
    def close(self) -> None:
        """Decision served; the certificate state is changed."""
