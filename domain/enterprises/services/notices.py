"""Notices and their delivery (送达): online receipt, on-site receipt with photo, public notice (公告送达) deemed
served 30 days after publication (calendar days, DOMAIN.md §0; a period ending on a holiday moves to the next
working day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from domain.db import lock_rows
from domain.errors import ProcedureError
from domain.organisations.models import Organisation, OrganisationKind
from domain.organisations.roles import Role
from security import audit

from .. import paperwork, workflow
from ..models import CheckCase, DeliveryMethod, Notice, NoticeKind, NoticeState, RevocationCase
from ._common import (
    district_of,
    next_number,
    require_district,
    require_enterprise_user,
    require_role,
    roll_to_working_day,
    today,
)

PUBLIC_NOTICE_DAYS = 30
NUMBER_PREFIX = {NoticeKind.RECTIFICATION: "ZG", NoticeKind.PRIOR_NOTICE: "GZ", NoticeKind.DECISION: "JD"}


def issuing_authority(enterprise: Organisation) -> Organisation | None:
    """The district authority of the enterprise (the city commission when none)."""
    regulators = Organisation.objects.filter(kind=OrganisationKind.REGULATOR)
    return (
        regulators.filter(district_id=enterprise.district_id).first()
        or regulators.filter(district__isnull=True, parent__isnull=True).first()
    )


def issue_notice(
    *,
    kind: str,
    enterprise: Organisation,
    title: str,
    paragraphs: list[str],
    acting_user: Any,
    check_case: CheckCase | None = None,
    revocation_case: RevocationCase | None = None,
    decision_context: dict[str, Any] | None = None,
) -> Notice:
    """Create a notice and its sealed PDF (inside the caller's transaction)."""
    notice = Notice.objects.create(
        enterprise=enterprise,
        district=district_of(enterprise),
        kind=kind,
        number=next_number(Notice, NUMBER_PREFIX[NoticeKind(kind)]),
        title=title,
        body="\n".join(paragraphs),
        check_case=check_case,
        revocation_case=revocation_case,
    )
    context: dict[str, Any] = {"recipient": enterprise.name, "paragraphs": paragraphs}
    if decision_context:
        context = {
            "party": [["当事人", enterprise.name], ["统一社会信用代码", enterprise.credit_code]],
            **decision_context,
        }
    notice.document_id = paperwork.issue_sealed(
        kind="decision" if kind == NoticeKind.DECISION else "notice",
        title=title,
        context=context,
        subject=notice,
        issuer=issuing_authority(enterprise),
        acting_user=acting_user,
    )
    notice.save(update_fields=["document_id"])
    audit.record(
        action="enterprises.notice_issued", actor=acting_user, subject=notice, summary=f"出具{title}"
    )
    return notice


def _lock(notice: Notice) -> Notice:
    return lock_rows(Notice.objects).select_related("enterprise").get(pk=notice.pk)


def receive_online(*, notice: Notice, acting_user: Any, on: dt.date | None = None) -> Notice:
    """The enterprise signs for the notice online (电子送达, 在线签收)."""
    require_enterprise_user(acting_user, notice.enterprise, action="签收该文书")
    with transaction.atomic():
        notice = _lock(notice)
        _expect_issued(notice)
        notice.received_by = acting_user
        notice.recipient_name = acting_user.display_name
        notice.serve(how=DeliveryMethod.ONLINE, served_on=on or today())
        _served(notice, acting_user)
    return notice


PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".pdf")  # a photo of the receipt or the scene, or its scan


def record_on_site(
    *,
    notice: Notice,
    acting_user: Any,
    recipient_name: str,
    photo: UploadedFile | None,
    on: dt.date | None = None,
) -> Notice:
    """An officer records on-site delivery (直接送达/留置送达) with a photo of the signed receipt or the scene."""
    require_role(acting_user, Role.CASE_OFFICER, Role.INSPECTOR, action="登记现场送达")
    require_district(acting_user, notice.district_id, action="登记现场送达")
    if not (recipient_name or "").strip():
        raise ProcedureError("请填写签收人姓名。", errors={"recipient_name": ["请填写签收人姓名。"]})
    if photo is None:
        raise ProcedureError("现场送达须上传签收或留置现场照片。", errors={"photo": ["请上传现场照片。"]})
    if not (photo.name or "").lower().endswith(PHOTO_SUFFIXES):
        message = "现场照片须为 JPG、PNG 图片或 PDF 扫描件。"
        raise ProcedureError(message, errors={"photo": [message]})
    with transaction.atomic():
        notice = _lock(notice)
        _expect_issued(notice)
        notice.recipient_name = recipient_name.strip()
        notice.recorded_by = acting_user
        notice.photo = photo
        notice.serve(how=DeliveryMethod.ON_SITE, served_on=on or today())
        _served(notice, acting_user)
    return notice


def deemed_served_date(published_on: dt.date) -> dt.date:
    """Publication day not counted; 30 calendar days; a holiday end moves to the next working day."""
    return roll_to_working_day(published_on + dt.timedelta(days=PUBLIC_NOTICE_DAYS))


def publish_public_notice(
    *, notice: Notice, acting_user: Any, reason: str, on: dt.date | None = None
) -> Notice:
    """Public-notice delivery (公告送达), only when the party cannot be reached otherwise: the reason is recorded."""
    require_role(acting_user, Role.CASE_OFFICER, action="公告送达")
    require_district(acting_user, notice.district_id, action="公告送达")
    reason = (reason or "").strip()
    if len(reason) < 4:
        msg = "公告送达须记录无法直接或电子送达的原因（如：经多次联系无法找到受送达人）。"
        raise ProcedureError(msg, errors={"reason": [msg]})
    published_on = on or today()
    with transaction.atomic():
        notice = _lock(notice)
        _expect_issued(notice)
        notice.publish(
            published_on=published_on, deemed_served_on=deemed_served_date(published_on), reason=reason
        )
        notice.recorded_by = acting_user
        notice.save()
        audit.record(
            action="enterprises.notice_published",
            actor=acting_user,
            subject=notice,
            summary=f"公告送达，视为送达日期 {notice.deemed_served_on}",
            data={"reason": reason},
        )
    return notice


def deem_served_due(*, on: dt.date | None = None) -> list[int]:
    """Timer: public notices whose period has run are deemed served (视为送达)."""
    on = on or today()
    done = []
    due = Notice.objects.filter(state=NoticeState.PUBLISHED, deemed_served_on__lte=on).values_list(
        "pk", flat=True
    )
    for pk in due:
        with transaction.atomic():
            notice = _lock(Notice(pk=pk))
            notice.deem_served()
            notice.recipient_name = notice.enterprise.name
            _served(notice, None)
        done.append(pk)
    return done


def _expect_issued(notice: Notice) -> None:
    if notice.state != NoticeState.ISSUED:
        raise ProcedureError(f"该文书当前状态为“{notice.get_state_display()}”，不能重复送达。")


def _served(notice: Notice, acting_user: Any) -> None:
    """Record the receipt of delivery (送达回证) and move the case on."""
    notice.receipt_document_id = paperwork.record_receipt(
        document_id=notice.document_id,
        recipient_name=notice.recipient_name,
        method=notice.method,
        acting_user=acting_user,
    )
    notice.save()
    audit.record(
        action="enterprises.notice_served",
        actor=acting_user,
        subject=notice,
        summary=f"{notice.get_method_display()}，送达日期 {notice.served_on}",
    )
    if notice.check_case_id:
        from .checks import notice_served

        notice_served(lock_rows(CheckCase.objects).get(pk=notice.check_case_id))
    elif notice.revocation_case_id:
        from .revocation import notice_served as revocation_notice_served

        revocation_notice_served(
            lock_rows(RevocationCase.objects).get(pk=notice.revocation_case_id),
            notice=notice,
        )
    workflow.notice_served(notice)
