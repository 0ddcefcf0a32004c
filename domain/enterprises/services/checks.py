"""Dynamic checks (动态核查, M55/M62-M69): publish a batch, rectification by the enterprise, officer acceptance
(pass / fail / return for more evidence), review and approval under four-eyes, outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from domain.db import lock_rows
from domain.errors import ProcedureError
from domain.organisations.models import District
from domain.organisations.roles import Role
from domain.storage import suffix_refused
from security import audit

from .. import paperwork, rules, workflow
from ..models import (
    CaseState,
    CheckCase,
    CheckKind,
    Evidence,
    LicenceState,
    NoticeKind,
    Qualification,
    QualificationState,
    RectificationSubmission,
    SafetyLicence,
    VerificationBatch,
)
from ..models.checks import WAITING_FOR_ENTERPRISE
from ._common import (
    add_months,
    district_of,
    next_number,
    require_district,
    require_enterprise_user,
    require_opinion,
    require_role,
    sign,
    today,
)
from .notices import issue_notice

MAX_RECTIFICATION_MONTHS = 3
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def findings_for(credential: Qualification | SafetyLicence, *, on: dt.date) -> list[dict[str, str]]:
    """What the check-scope DMN finds wrong with one credential (empty: not in scope)."""
    if isinstance(credential, Qualification):
        facts = {
            "kind": CheckKind.QUALIFICATION.value,
            "staff_shortfall": max(credential.required_staff - credential.registered_staff, 0),
            "social_insurance_gap": credential.social_insurance_gap,
            "manager_shortfall": 0,
            "accidents_in_12_months": 0,
        }
    else:
        facts = {
            "kind": CheckKind.SAFETY_LICENCE.value,
            "staff_shortfall": 0,
            "social_insurance_gap": False,
            "manager_shortfall": max(credential.required_constructors - credential.project_managers, 0),
            "accidents_in_12_months": credential.accidents.filter(
                occurred_on__gt=on - dt.timedelta(days=365)
            ).count(),
        }
    return [
        {"code": row["code"], "finding": row["finding"]}
        for row in rules.evaluate("enterprises_check_scope", facts)
    ]


def _candidates(kind: str, district: District | None) -> Sequence[Qualification | SafetyLicence]:
    if kind == CheckKind.QUALIFICATION:
        qs: Any = Qualification.objects.filter(state=QualificationState.VALID)
    else:
        qs = SafetyLicence.objects.filter(state=LicenceState.VALID)
    if district is not None:
        qs = qs.filter(enterprise__district=district)
    return list(qs.select_related("enterprise", "enterprise__district", "issuing_authority"))


def publish_batch(
    *,
    kind: str,
    title: str,
    acting_user: Any,
    district_code: str | None = None,
    deadline: dt.date | None = None,
    on: dt.date | None = None,
) -> VerificationBatch:
    """Publish a check batch (发布核查批次): the scope DMN picks the credentials; each gets a case, a flag and a
    rectification notice."""
    require_role(acting_user, Role.CASE_OFFICER, action="发布核查批次")
    if kind not in CheckKind.values:
        raise ProcedureError("请选择核查类型。", errors={"kind": ["请选择核查类型。"]})
    if not (title or "").strip():
        raise ProcedureError("请填写批次名称。", errors={"title": ["请填写批次名称。"]})
    on = on or today()
    district = None
    if district_code:
        district = District.objects.filter(pk=district_code).first()
        if district is None:
            raise ProcedureError("所选区不存在。", errors={"district": ["所选区不存在。"]})
        require_district(acting_user, district_code, action="发布核查批次")
    elif acting_user.organisation is not None and acting_user.organisation.district_id:
        district = acting_user.organisation.district  # a district officer checks its own district
    latest = add_months(on, MAX_RECTIFICATION_MONTHS)
    deadline = deadline or latest
    if deadline <= on or (kind == CheckKind.QUALIFICATION and deadline > latest):
        msg = f"整改期限须晚于发布日期，且资质整改期限最长3个月（不晚于{latest:%Y-%m-%d}）。"
        raise ProcedureError(msg, errors={"deadline": [msg]})
    with transaction.atomic():
        batch = VerificationBatch.objects.create(
            number=next_number(VerificationBatch, "HC"),
            kind=kind,
            title=title.strip(),
            district=district,
            criteria={"decision": "enterprises_check_scope", "district": district.pk if district else "全市"},
            started_by=acting_user,
            started_on=on,
            rectification_deadline=deadline,
        )
        cases = [
            open_case(batch=batch, credential=c, findings=f, acting_user=acting_user)
            for c in _candidates(kind, district)
            if (f := findings_for(c, on=on))
        ]
        for case in cases:
            workflow.start_check(case, acting_user=acting_user)
        audit.record(
            action="enterprises.batch_published",
            actor=acting_user,
            subject=batch,
            summary=f"发布{batch.get_kind_display()}批次 {batch.number}，{len(cases)} 家企业纳入整改",
            data={"cases": [c.pk for c in cases]},
        )
    return batch


def open_case(
    *,
    batch: VerificationBatch,
    credential: Qualification | SafetyLicence,
    findings: list[dict[str, str]],
    acting_user: Any,
) -> CheckCase:
    """One case: the credential is flagged (资质异常 / 核查中) and a rectification notice issued."""
    enterprise = credential.enterprise
    qual = credential if isinstance(credential, Qualification) else None
    lic = credential if isinstance(credential, SafetyLicence) else None
    if qual is not None:
        qual.flag_abnormal()
    elif lic is not None:
        lic.start_check()
    credential.save(update_fields=["state"])
    case = CheckCase.objects.create(
        batch=batch,
        enterprise=enterprise,
        district=district_of(enterprise),
        qualification=qual,
        licence=lic,
        findings=findings,
        deadline=batch.rectification_deadline,
    )
    what = f"{qual.category}{qual.grade}资质" if qual is not None else "安全生产许可证"
    issue_notice(
        kind=NoticeKind.RECTIFICATION,
        enterprise=enterprise,
        title=f"关于{what}动态核查的整改通知书",
        paragraphs=[
            f"经{batch.title}（批次 {batch.number}）核查，贵单位{what}（证书编号 {credential}）存在以下问题：",
            *[f"{i}. {f['finding']}" for i, f in enumerate(findings, 1)],
            f"请于{case.deadline:%Y年%m月%d日}前完成整改并通过平台提交整改申请及佐证材料。"
            "整改期间不得申请资质升级、增项，不得承接新的工程。逾期未整改或整改不合格的，将依法撤回相应资质。",
        ],
        check_case=case,
        acting_user=acting_user,
    )
    audit.record(
        action="enterprises.case_opened",
        actor=acting_user,
        subject=case,
        summary=f"{enterprise.name} 纳入核查整改",
        data={"findings": findings},
    )
    return case


def _lock(case: CheckCase) -> CheckCase:
    return (
        lock_rows(CheckCase.objects).select_related("enterprise", "qualification", "licence").get(pk=case.pk)
    )


def submit_rectification(
    *,
    case: CheckCase,
    acting_user: Any,
    data: dict[str, Any],
    files: Sequence[File],
    on: dt.date | None = None,
) -> RectificationSubmission:
    """The enterprise files its rectification (整改申请): form, evidence, e-signature; the PDF is generated."""
    require_enterprise_user(acting_user, case.enterprise, action="提交整改申请")
    measures = (data.get("measures") or "").strip()
    errors: dict[str, list[str]] = {}
    if not measures:
        errors["measures"] = ["请说明已采取的整改措施。"]
    if not files:
        errors["evidence"] = ["请上传至少一份整改佐证材料。"]
    for f in files:
        if f.size is not None and f.size > MAX_EVIDENCE_BYTES:
            errors["evidence"] = [f"文件 {f.name} 超过20MB。"]
        refused = suffix_refused(f.name or "")
        if refused:
            errors["evidence"] = [f"文件 {f.name}：{refused}"]
    if errors:
        raise ProcedureError(next(iter(errors.values()))[0], errors=errors)
    if (on or today()) > case.deadline:
        raise ProcedureError(f"整改期限已于{case.deadline:%Y-%m-%d}届满，不能再提交整改申请。")
    with transaction.atomic():
        case = _lock(case)
        if case.state not in (CaseState.AWAITING_RECTIFICATION, CaseState.RETURNED):
            raise ProcedureError(f"案件当前状态为“{case.get_state_display()}”，不能提交整改申请。")
        clean = {k: str(v).strip() for k, v in data.items() if k in ("measures", "staff_now", "note")}
        digest = hashlib.new(
            "sm3", json.dumps(clean, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        submission = RectificationSubmission.objects.create(
            case=case,
            round=case.submissions.count() + 1,
            data=clean,
            submitted_by=acting_user,
            content_digest=digest,
            signature=_e_signature(acting_user, digest),
        )
        for f in files:
            body = f.read()
            f.seek(0)
            Evidence.objects.create(
                submission=submission,
                file=f,
                name=f.name or "evidence",
                sm3=hashlib.new("sm3", body).hexdigest(),
            )
        case.submit()
        case.save(update_fields=["state"])
        submission.document_id = paperwork.issue_sealed(
            kind="generic",
            title="资质动态核查整改申请书" if case.qualification_id else "安全生产许可证动态核查整改申请书",
            context={
                "fields": [
                    ["企业名称", case.enterprise.name],
                    ["统一社会信用代码", case.enterprise.credit_code],
                    ["核查批次", case.batch.number],
                    ["提交轮次", str(submission.round)],
                    ["内容SM3摘要", digest],
                ],
                "paragraphs": [f"整改措施：{clean['measures']}", f"佐证材料：{len(files)} 份"],
            },
            subject=case,
            issuer=case.enterprise,
            acting_user=acting_user,
        )
        submission.save(update_fields=["document_id"])
        audit.record(
            action="enterprises.rectification_submitted",
            actor=acting_user,
            subject=case,
            summary=f"提交第{submission.round}轮整改申请",
            data={"sm3": digest, "files": len(files)},
        )
    return submission


def _e_signature(user: Any, digest: str) -> str:
    """The enterprise's e-signature (电子签名) over the content digest: SM2 with the enterprise's signing key from
    the key store, recorded as ``sm2:<key id>:<signer id>:<signature hex>``."""
    from security.keystore import keystore

    key_id, _public = keystore().current_sm2(f"esign-org-{user.organisation_id}")
    signature = keystore().sm2_sign(key_id, f"{user.pk}:{digest}".encode())
    return f"sm2:{key_id}:{user.pk}:{signature.hex()}"


def verify_signature(submission: RectificationSubmission) -> bool:
    """Whether the submission's SM2 e-signature matches its content digest."""
    from security import crypto
    from security.keystore import keystore

    scheme, key_id, signer, signature = (submission.signature.split(":") + ["", "", "", ""])[:4]
    if scheme != "sm2":
        return False
    data = f"{signer}:{submission.content_digest}".encode()
    return bool(crypto.sm2_verify(keystore().sm2_public(key_id), data, bytes.fromhex(signature)))


def accept_rectification(*, case: CheckCase, acting_user: Any, result: str, opinion: str = "") -> CheckCase:
    """Officer acceptance (受理): ``pass``, ``fail`` or ``return`` for more evidence (退回补正, with reasons)."""
    require_role(acting_user, Role.CASE_OFFICER, action="受理整改申请")
    require_district(acting_user, case.district_id, action="受理整改申请")
    if result not in ("pass", "fail", "return"):
        raise ProcedureError("受理结论须为通过、不通过或退回补正。", errors={"result": ["请选择受理结论。"]})
    if result != "pass":
        opinion = require_opinion(opinion, what="退回补正的理由" if result == "return" else "不通过的理由")
    with transaction.atomic():
        case = _lock(case)
        _expect(case, CaseState.SUBMITTED, "受理")
        sign(
            case_type="check",
            case_id=case.pk,
            stage="rectification",
            step="accept",
            result=result,
            opinion=opinion,
            user=acting_user,
        )
        {"pass": case.accept, "fail": case.fail, "return": case.return_for_evidence}[result]()
        case.save(update_fields=["state", "returns"])
        audit.record(
            action=f"enterprises.rectification_accept_{result}",
            actor=acting_user,
            subject=case,
            summary=f"受理：{ {'pass': '通过', 'fail': '不通过', 'return': '退回补正'}[result] }",
            data={"opinion": opinion},
        )
        if result == "fail":
            _conclude(case, acting_user)
    return case


def review_rectification(*, case: CheckCase, acting_user: Any, passed: bool, opinion: str = "") -> CheckCase:
    """Reviewer (审核)."""
    return _decide(
        case, acting_user, passed, opinion, role=Role.REVIEWER, step="review", expected=CaseState.UNDER_REVIEW
    )


def approve_rectification(*, case: CheckCase, acting_user: Any, passed: bool, opinion: str = "") -> CheckCase:
    """Approver (审批): passing clears the flag; failing routes to withdrawal."""
    return _decide(
        case,
        acting_user,
        passed,
        opinion,
        role=Role.APPROVER,
        step="approve",
        expected=CaseState.UNDER_APPROVAL,
    )


def _decide(
    case: CheckCase, user: Any, passed: bool, opinion: str, *, role: str, step: str, expected: str
) -> CheckCase:
    label = {"review": "审核", "approve": "审批"}[step]
    require_role(user, role, action=f"{label}整改结果")
    require_district(user, case.district_id, action=f"{label}整改结果")
    if not passed:
        opinion = require_opinion(opinion, what="不通过的理由")
    with transaction.atomic():
        case = _lock(case)
        _expect(case, expected, label)
        sign(
            case_type="check",
            case_id=case.pk,
            stage="rectification",
            step=step,
            result="pass" if passed else "fail",
            opinion=opinion,
            user=user,
        )
        if not passed:
            case.fail()
        elif step == "review":
            case.review()
        else:
            case.approve()
        case.save(update_fields=["state"])
        audit.record(
            action=f"enterprises.rectification_{step}",
            actor=user,
            subject=case,
            summary=f"{label}：{'通过' if passed else '不通过'}",
            data={"opinion": opinion},
        )
        if case.state in (CaseState.RECTIFIED, CaseState.NOT_RECTIFIED):
            _conclude(case, user)
    return case


def _expect(case: CheckCase, state: str, action: str) -> None:
    if case.state != state:
        raise ProcedureError(f"案件当前状态为“{case.get_state_display()}”，不能{action}。")


def _conclude(case: CheckCase, user: Any) -> None:
    """Outcome: rectified → the flag is cleared; not rectified / overdue → withdrawal (撤回) for qualifications,
    suspension review for licences (the licence stays under rectification until the officer decides)."""
    case.closed_at = timezone.now()
    case.save(update_fields=["closed_at"])
    credential = case.credential
    if case.state == CaseState.RECTIFIED:
        if case.qualification is not None:
            case.qualification.clear_flag()
            case.qualification.save(update_fields=["state"])
        elif case.licence is not None:
            case.licence.pass_check()
            case.licence.save(update_fields=["state"])
        return
    if case.qualification is not None:
        from .revocation import open_revocation

        open_revocation(
            kind="withdraw",
            ground="overdue_rectification",
            credential=case.qualification,
            facts=f"贵单位{credential}在核查批次{case.batch.number}中被责令整改，"
            + ("整改期限届满未完成整改。" if case.state == CaseState.OVERDUE else "整改经审查不合格。"),
            reasons="企业不再符合相应资质标准要求，且未在规定期限内整改到位。",
            basis="《建筑业企业资质管理规定》（住房城乡建设部令第22号）；《中华人民共和国行政许可法》第八条、第七十条",
            acting_user=user,
            check_case=case,
        )


def expire_overdue(*, on: dt.date | None = None) -> list[int]:
    """Sweep (整改期限) for cases without a running procedure (a procedure's own timer handles the rest): cases
    still waiting for the enterprise after their deadline become overdue and route to withdrawal."""
    on = on or today()
    waiting = [
        CaseState.NOTICE_PENDING,
        *WAITING_FOR_ENTERPRISE,
    ]  # a filed rectification is decided on its merits
    due = CheckCase.objects.filter(state__in=waiting, deadline__lt=on, process_instance_id__isnull=True)
    return [expire_case(CheckCase(pk=pk)).pk for pk in due.values_list("pk", flat=True)]


def expire_case(case: CheckCase) -> CheckCase:
    """The deadline passed (逾期未整改): overdue → withdrawal. Idempotent."""
    with transaction.atomic():
        case = _lock(case)
        if case.state not in (CaseState.NOTICE_PENDING, *WAITING_FOR_ENTERPRISE):
            return case
        case.expire()
        case.save(update_fields=["state"])
        audit.record(action="enterprises.case_overdue", subject=case, summary="整改期限届满，逾期未整改")
        _conclude(case, None)
    return case


def notice_served(case: CheckCase) -> None:
    """The rectification notice was served: the enterprise is now rectifying."""
    case.mark_delivered()
    case.save(update_fields=["state"])
    credential = case.credential
    if credential is not None:
        credential.start_rectification()
        credential.save(update_fields=["state"])
