"""Documents served on an enterprise and how they were delivered (送达): online receipt, on-site receipt with a
photo (直接送达/留置送达), or public notice (公告送达, deemed served 30 days after publication)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import District, Organisation
from domain.storage import RandomName


class NoticeKind(models.TextChoices):
    RECTIFICATION = "rectification", "整改通知书"
    PRIOR_NOTICE = "prior_notice", "事先告知书"
    DECISION = "decision", "决定书"


class DeliveryMethod(models.TextChoices):
    ONLINE = "online", "电子送达（企业在线签收）"
    ON_SITE = "on_site", "直接送达（现场签收）"
    PUBLIC_NOTICE = "public_notice", "公告送达"


class NoticeState(models.TextChoices):
    ISSUED = "issued", "待送达"
    PUBLISHED = "published", "公告中"
    SERVED = "served", "已送达"


class Notice(models.Model):
    """A written notice (文书) to an enterprise and its delivery record (送达回证)."""

    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(District, verbose_name="所属区", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("文书类型", max_length=20, choices=NoticeKind.choices)
    number = models.CharField("文号", max_length=40, unique=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    check_case = models.ForeignKey(
        "enterprises.CheckCase", on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    revocation_case = models.ForeignKey(
        "enterprises.RevocationCase", on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    document_id = models.PositiveBigIntegerField("电子文书", null=True, blank=True)
    receipt_document_id = models.PositiveBigIntegerField("送达回证", null=True, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField("送达方式", max_length=20, choices=DeliveryMethod.choices, blank=True)
    recipient_name = models.CharField("签收人", max_length=50, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    photo = models.FileField("现场照片", upload_to=RandomName("enterprises/delivery"), blank=True)
    public_notice_reason = models.CharField("公告送达原因", max_length=300, blank=True)
    published_on = models.DateField("公告日期", null=True, blank=True)
    deemed_served_on = models.DateField("视为送达日期", null=True, blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    state = FSMField("状态", default=NoticeState.ISSUED, choices=NoticeState.choices, protected=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = "送达文书"
        verbose_name_plural = "送达文书"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @transition(field=state, source=NoticeState.ISSUED, target=NoticeState.SERVED)
    def serve(self, *, how: str, served_on: object) -> None:
        """Served directly (online or on site)."""
        self.method = how
        self.served_on = served_on  # type: ignore[assignment]

    @transition(field=state, source=NoticeState.ISSUED, target=NoticeState.PUBLISHED)
    def publish(self, *, published_on: object, deemed_served_on: object, reason: str) -> None:
        """Public-notice delivery started (公告送达)."""
        self.method = DeliveryMethod.PUBLIC_NOTICE
        self.published_on = published_on  # type: ignore[assignment]
        self.deemed_served_on = deemed_served_on  # type: ignore[assignment]
        self.public_notice_reason = reason

    @transition(field=state, source=NoticeState.PUBLISHED, target=NoticeState.SERVED)
    def deem_served(self) -> None:
        """The public-notice period ended: deemed served (视为送达)."""
        self.served_on = self.deemed_served_on
