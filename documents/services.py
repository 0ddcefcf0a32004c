"""Writes for documents and seals: issue (出具), seal (签章), revoke a seal (吊销印章), record a delivery (送达)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from security import audit
from security.crypto import sm3_hex

from .models import Delivery, Document, DocumentKind, DocumentSequence, DocumentSignature, Seal, SealType
from .render import render
from .sealing import apply_seal
from .seals import make_seal

PUBLIC_VERIFY_PATH = "/documents/verify/{code}/"
NUMBER_PREFIX = {
    DocumentKind.NOTICE: "通",
    DocumentKind.DECISION: "决",
    DocumentKind.CERTIFICATE: "证",
    DocumentKind.RECEIPT: "送",
    DocumentKind.CONTRACT_SUMMARY: "合",
    DocumentKind.GENERIC: "文",
}
DEFAULT_ISSUER_NAME = "上海市住房和城乡建设管理委员会"


def public_verify_url(code: str) -> str:
    """The absolute link printed in the QR code (``settings.PUBLIC_BASE_URL``, default the local server)."""
    base = getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + PUBLIC_VERIFY_PATH.format(code=code)


def next_number(kind: str, *, year: int | None = None) -> str:
    """``沪建决〔2026〕00012号``: a per-kind, per-year sequence on a locked row."""
    year = year or timezone.localdate().year
    prefix = NUMBER_PREFIX[DocumentKind(kind)]
    DocumentSequence.objects.get_or_create(prefix=prefix, year=year)
    seq = DocumentSequence.objects.select_for_update().get(prefix=prefix, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"沪建{prefix}〔{year}〕{seq.last:05d}号"


def issue_document(
    *,
    kind: str,
    title: str,
    context: dict[str, Any],
    subject: models.Model | None = None,
    issuer: Any = None,
    acting_user: Any = None,
    number: str | None = None,
) -> Document:
    """Render, number and store a document with its SM3 digest and a QR link to its public verification page."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [f"不支持的文书类别：{kind}"]})
    if not title.strip():
        raise ValidationError({"title": ["文书标题不能为空。"]})
    with transaction.atomic():
        if number and Document.objects.filter(number=number).exists():
            raise ValidationError({"number": [f"文号 {number} 已被使用。"]})
        number = number or next_number(kind)
        code = secrets.token_urlsafe(18)
        issued_at = timezone.now()
        rendered = render(
            kind=kind,
            title=title,
            number=number,
            context=context,
            issuer_name=issuer.name if issuer is not None else DEFAULT_ISSUER_NAME,
            issued_on=timezone.localtime(issued_at).date(),
            verify_url=public_verify_url(code),
        )
        digest = sm3_hex(rendered.data)
        document = Document(
            number=number,
            kind=kind,
            title=title,
            context=context,
            issuer=issuer,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            issued_at=issued_at,
            verification_code=code,
            content_sm3=digest,
            content_length=len(rendered.data),
            current_sm3=digest,
            seal_anchor=rendered.anchor,
        )
        if subject is not None:
            document.subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
            document.subject_id = str(subject.pk)
        document.pdf.save(f"{code}.pdf", ContentFile(rendered.data), save=False)
        document.save()
        audit.record(
            action="documents.issued",
            actor=acting_user,
            subject=document,
            summary=f"出具{document.get_kind_display()}《{title}》{number}",
            data={"number": number, "sm3": digest, "kind": kind},
        )
    return document


def _check_may_seal(acting_user: Any, organisation: Any) -> None:
    """Only the organisation's own people (or the system, or a platform administrator) may apply its seal;
    regulator staff may apply a regulator's seal in a procedure."""
    if acting_user is None or not getattr(acting_user, "is_authenticated", False):
        return
    if acting_user.is_superuser or acting_user.organisation_id == organisation.pk:
        return
    own = acting_user.organisation
    if own is not None and own.is_regulator and organisation.is_regulator:
        return
    raise PermissionDenied("您无权使用该单位的电子印章。")


def active_seal(organisation: Any, *, seal_type: str = SealType.OFFICIAL) -> Seal:
    """The organisation's current seal of this type; an organisation without any gets its default seal made."""
    seals = Seal.objects.filter(organisation=organisation, seal_type=seal_type).order_by("-id")
    now = timezone.now()
    for seal in seals:
        if seal.is_valid_at(now):
            return seal
    if seals.exists():
        raise ValidationError(f"{organisation.name}没有有效的电子印章（已吊销或已过期），请先重新制章。")
    return create_seal(organisation=organisation, seal_type=seal_type)


def create_seal(*, organisation: Any, seal_type: str = SealType.OFFICIAL, name: str = "", caption: str = "",
                acting_user: Any = None) -> Seal:
    with transaction.atomic():
        seal = make_seal(organisation=organisation, seal_type=seal_type, name=name, caption=caption)
        audit.record(
            action="documents.seal_created",
            actor=acting_user,
            subject=seal,
            summary=f"制作电子印章 {seal.name}",
            data={"es_id": seal.es_id, "key_id": seal.key_id},
        )
    return seal


def revoke_seal(seal: Seal, *, reason: str, acting_user: Any = None) -> Seal:
    """Revoke a seal (吊销): documents it sealed then verify as ``revoked_seal``."""
    if not reason.strip():
        raise ValidationError({"reason": ["请填写吊销原因。"]})
    limit = Seal._meta.get_field("revoked_reason").max_length or 0
    if len(reason) > limit:
        raise ValidationError({"reason": [f"吊销原因不能超过 {limit} 个字。"]})
    with transaction.atomic():
        seal = Seal.objects.select_for_update().get(pk=seal.pk)
        if seal.is_revoked:
            return seal
        seal.revoked_at = timezone.now()
        seal.revoked_reason = reason
        seal.save(update_fields=["revoked_at", "revoked_reason"])
        audit.record(action="documents.seal_revoked", actor=acting_user, subject=seal, summary=f"吊销电子印章 {seal.name}：{reason}")
    return seal


def seal_document(document: Document, *, organisation: Any, acting_user: Any = None, seal: Seal | None = None) -> Document:
    """Apply ``organisation``'s e-seal (several parties may seal in turn; each seal covers the earlier ones)."""
    _check_may_seal(acting_user, organisation)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        seal = seal or active_seal(organisation)
        if seal.organisation_id != organisation.pk:
            raise ValidationError("该印章不属于所选单位。")
        if not seal.is_valid_at(timezone.now()):
            raise ValidationError(f"电子印章 {seal.name} 已吊销或不在有效期内。")
        position = doc.signatures.count()
        signed_at = timezone.now()
        signer = getattr(acting_user, "display_name", "") or organisation.name
        sealed = apply_seal(
            doc.pdf_bytes(),
            seal=seal,
            index=position,
            document_number=doc.number,
            signer=signer,
            signed_at=signed_at.isoformat(),
            anchor=doc.seal_anchor,
        )
        doc.pdf.save(f"{doc.verification_code}-s{position + 1}.pdf", ContentFile(sealed.data), save=False)
        doc.current_sm3 = sm3_hex(sealed.data)
        doc.save(update_fields=["pdf", "current_sm3"])
        DocumentSignature.objects.create(
            document=doc,
            position=position,
            seal=seal,
            signer=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            signer_name=signer,
            signed_at=signed_at,
            data_hash=sealed.data_hash,
            signature=sealed.signature,
        )
        audit.record(
            action="documents.sealed",
            actor=acting_user,
            subject=doc,
            summary=f"加盖电子印章 {seal.name}",
            data={"es_id": seal.es_id, "data_hash": sealed.data_hash, "sm3": doc.current_sm3},
        )
    return doc


def record_delivery(
    *, document: Document, recipient_name: str, method: str, recipient_id_number: str = "",
    recipient_phone: str = "", acting_user: Any = None, issue_receipt: bool = True,
) -> Delivery:
    """Record service of a document (送达) and, by default, issue its receipt of delivery (送达回证)."""
    if method not in Delivery.Method.values:
        raise ValidationError({"method": ["送达方式不正确。"]})
    with transaction.atomic():
        delivery = Delivery(
            document=document,
            recipient_name=recipient_name,
            recipient_id_number=recipient_id_number,
            recipient_phone=recipient_phone,
            method=method,
        )
        delivery.full_clean(exclude=["receipt"])
        if issue_receipt:
            delivery.receipt = issue_document(
                kind=DocumentKind.RECEIPT,
                title="送达回证",
                context={
                    "document_title": document.title,
                    "document_number": document.number,
                    "recipient": recipient_name,
                    "method": Delivery.Method(method).label,
                    "delivered_at": timezone.localtime(delivery.delivered_at).strftime("%Y年%m月%d日 %H:%M"),
                    "server": getattr(acting_user, "display_name", ""),
                },
                issuer=document.issuer,
                acting_user=acting_user,
            )
        delivery.save()
        audit.record(
            action="documents.delivered",
            actor=acting_user,
            subject=document,
            summary=f"{Delivery.Method(method).label}：{recipient_name}",
        )
    return delivery
