"""Official documents (文书) and electronic seals (电子印章, GB/T 38540-2020)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from security.fields import EncryptedCharField


class DocumentKind(models.TextChoices):
    NOTICE = "notice", "通知书"
    DECISION = "decision", "决定书"
    CERTIFICATE = "certificate", "证书"
    RECEIPT = "receipt", "送达回证"
    CONTRACT_SUMMARY = "contract_summary", "合同摘要"
    GENERIC = "generic", "文书"


class SealType(models.TextChoices):
    OFFICIAL = "official", "单位公章"
    SPECIAL = "special", "业务专用章"
    CONTRACT = "contract", "合同专用章"
    LEGAL_REPRESENTATIVE = "legal_rep", "法定代表人名章"


class Seal(models.Model):
    """An organisation's e-seal, after GB/T 38540 ``SESeal``: header (esID, version, vendor id), property (type,
    name, signer key, validity), picture, and the seal maker's signature over all of it. The private key stays
    in the key store (``key_id``)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="所属单位", on_delete=models.PROTECT, related_name="seals"
    )
    es_id = models.CharField("印章编码", max_length=32, unique=True)
    version = models.PositiveSmallIntegerField("版本", default=4)
    vendor_id = models.CharField("厂商标识", max_length=32, default="JIANGUAN")
    seal_type = models.CharField("印章类型", max_length=20, choices=SealType.choices, default=SealType.OFFICIAL)
    name = models.CharField("印章名称", max_length=100)
    key_id = models.CharField("签章密钥标识", max_length=80)
    public_key = models.CharField("签章公钥", max_length=130)
    image = models.BinaryField("印模图像 (PNG)")
    image_width_mm = models.PositiveSmallIntegerField("印模宽度(mm)", default=40)
    image_height_mm = models.PositiveSmallIntegerField("印模高度(mm)", default=40)
    valid_from = models.DateTimeField("有效期起")
    valid_to = models.DateTimeField("有效期止")
    maker_key_id = models.CharField("制章者密钥标识", max_length=80)
    maker_signature = models.CharField("制章者签名", max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_reason = models.CharField("吊销原因", max_length=200, blank=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = "电子印章"
        verbose_name_plural = "电子印章"

    def __str__(self) -> str:
        return f"{self.name}（{self.es_id}）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_valid_at(self, moment: Any) -> bool:
        return not self.is_revoked and self.valid_from <= moment <= self.valid_to

    def seal_info(self) -> dict[str, Any]:
        """The SESeal content the maker signs (and that travels in each signature)."""
        return {
            "header": {"ID": "ES", "version": self.version, "Vid": self.vendor_id},
            "esID": self.es_id,
            "property": {
                "type": self.seal_type,
                "name": self.name,
                "organisation": self.organisation.name,
                "credit_code": self.organisation.credit_code or "",
                "public_key": self.public_key,
                "createDate": self.created_at.isoformat(),
                "validStart": self.valid_from.isoformat(),
                "validEnd": self.valid_to.isoformat(),
            },
            "picture": {"type": "png", "width_mm": self.image_width_mm, "height_mm": self.image_height_mm},
        }


class Document(models.Model):
    """An issued document: number (文号), rendered PDF, its SM3 digest, and the public verification code."""

    number = models.CharField("文号", max_length=64, unique=True)
    kind = models.CharField("类别", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("标题", max_length=200)
    context = models.JSONField("内容", default=dict, blank=True, encoder=DjangoJSONEncoder)
    issuer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="出具单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64, blank=True, db_index=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    verification_code = models.CharField("核验码", max_length=40, unique=True)
    pdf = models.FileField("PDF", upload_to="documents/%Y/%m/", max_length=200)
    content_sm3 = models.CharField("原文 SM3 摘要", max_length=64)
    content_length = models.PositiveIntegerField("原文字节数")
    current_sm3 = models.CharField("当前文件 SM3 摘要", max_length=64, db_index=True)
    seal_anchor = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="document_subject_idx")]
        verbose_name = "文书"
        verbose_name_plural = "文书"

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def pdf_bytes(self) -> bytes:
        with self.pdf.open("rb") as fh:
            return fh.read()

    @property
    def is_sealed(self) -> bool:
        return self.signatures.exists()


class DocumentSignature(models.Model):
    """One e-seal applied to a document (``SES_Signature``): TBS = seal, time, data hash, signer; SM2 signature."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    position = models.PositiveSmallIntegerField("顺序")
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField("签章人", max_length=100, blank=True)
    signed_at = models.DateTimeField("签章时间")
    data_hash = models.CharField("签名原文摘要", max_length=64)
    signature = models.CharField("签名值", max_length=128)

    class Meta:
        ordering = ["document_id", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="document_signature_pos_uniq")]
        verbose_name = "签章记录"
        verbose_name_plural = "签章记录"

    def __str__(self) -> str:
        return f"{self.document.number} #{self.position + 1} {self.signer_name}"


class DocumentSequence(models.Model):
    """Next number per prefix and year (locked row, so concurrent issuing never repeats a number)."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="document_sequence_uniq")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class Delivery(models.Model):
    """Service of a document on a party (送达): who received it, how, when. ID number and phone are personal
    data, SM4-encrypted at rest."""

    class Method(models.TextChoices):
        DIRECT = "direct", "直接送达"
        MAIL = "mail", "邮寄送达"
        ELECTRONIC = "electronic", "电子送达"
        NOTICE = "notice", "公告送达"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="deliveries")
    recipient_name = models.CharField("受送达人", max_length=100)
    recipient_id_number = EncryptedCharField("身份证号码", max_length=18, blank=True)
    recipient_phone = EncryptedCharField("联系电话", max_length=20, blank=True)
    method = models.CharField("送达方式", max_length=20, choices=Method.choices)
    delivered_at = models.DateTimeField("送达时间", default=timezone.now)
    receipt = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="送达回证"
    )

    class Meta:
        ordering = ["-delivered_at"]
        verbose_name = "送达记录"
        verbose_name_plural = "送达记录"

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.get_method_display()}"
