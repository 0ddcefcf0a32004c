"""Revocation and withdrawal (撤销/撤回, M56): prior notice (事先告知书) → delivery → statement and defence
(陈述申辩, accept/review/approve) → hearing if the DMN offers one → legal review (法制审核, accept/review/approve)
→ decision (决定书) → delivery → certificate state changed; a fraud-based revocation bars re-application."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from domain.db import lock_rows
from domain.errors import ProcedureError
from domain.organisations.roles import Role
from security import audit

from .. import paperwork, rules, workflow
from ..models import (
    CheckCase,
    Notice,
    NoticeKind,
    Qualification,
    ReapplicationBan,
    RevocationCase,
    RevocationGround,
    RevocationKind,
    RevocationState,
    SafetyLicence,
)
from ._common import (
    add_months,
    add_working_days,
    district_of,
    next_number,
    next_step,
    require_district,
    require_enterprise_user,
    require_opinion,
    require_role,
    sign,
    today,
)
from .notices import issue_notice, issuing_authority

DEFENCE_WORKING_DAYS = 5
FRAUD_BAN_YEARS = 3
LICENCE_BAN_YEARS = 1
STEP_ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "defence": {"accept": (Role.CASE_OFFICER,), "review": (Role.REVIEWER,), "approve": (Role.APPROVER,)},
    # the legal office accepts and reviews; the authority's head approves the opinion
    "legal": {
        "accept": (Role.LEGAL_REVIEWER,),
        "review": (Role.LEGAL_REVIEWER, Role.REVIEWER),
        "approve": (Role.APPROVER,),
    },
}
STEP_LABEL = {"accept": "受理", "review": "审核", "approve": "审批"}


def _credential_label(credential: Qualification | SafetyLicence) -> str:
    if isinstance(credential, Qualification):
        return f"{credential.category}{credential.grade}资质（证书编号 {credential.certificate_number}）"
    return f"安全生产许可证（编号 {credential.licence_number}）"


def open_revocation(
    *,
    kind: str,
    ground: str,
    credential: Qualification | SafetyLicence,
    facts: str,
    reasons: str,
    basis: str,
    acting_user: Any,
    check_case: CheckCase | None = None,
) -> RevocationCase:
    """Open a case and issue the prior notice (事先告知书) stating facts, reasons, basis and the party's rights."""
    if acting_user is not None:
        require_role(acting_user, Role.CASE_OFFICER, Role.APPROVER, action="发起撤销/撤回")
        require_district(acting_user, district_of(credential.enterprise).pk, action="发起撤销/撤回")
    errors = {
        k: ["请填写。"]
        for k, v in {"facts": facts, "reasons": reasons, "basis": basis}.items()
        if not v.strip()
    }
    if kind not in RevocationKind.values:
        errors["kind"] = ["请选择撤销或撤回。"]
    if ground not in RevocationGround.values:
        errors["ground"] = ["请选择事由。"]
    if isinstance(credential, SafetyLicence) and kind == RevocationKind.WITHDRAW:
        errors["kind"] = ["安全生产许可证不适用撤回，请选择吊销（撤销）。"]
    if errors:
        raise ProcedureError("请完整填写事实、理由、依据并选择类型和事由。", errors=errors)
    enterprise = credential.enterprise
    is_qual = isinstance(credential, Qualification)
    hearing = rules.evaluate(
        "enterprises_hearing_offered",
        {"kind": kind, "ground": ground, "credential": "qualification" if is_qual else "safety_licence"},
    )
    qual = credential if isinstance(credential, Qualification) else None
    lic = credential if isinstance(credential, SafetyLicence) else None
    with transaction.atomic():
        if (
            RevocationCase.objects.filter(qualification=qual, licence=lic)
            .exclude(state__in=[RevocationState.CLOSED, RevocationState.DROPPED])
            .exists()
        ):
            raise ProcedureError("该证书已有正在办理的撤销/撤回案件。")
        case = RevocationCase.objects.create(
            number=next_number(RevocationCase, "CX"),
            enterprise=enterprise,
            district=district_of(enterprise),
            kind=kind,
            ground=ground,
            qualification=qual,
            licence=lic,
            check_case=check_case,
            facts=facts.strip(),
            reasons=reasons.strip(),
            basis=basis.strip(),
            defence_days=DEFENCE_WORKING_DAYS,
            hearing_offered=bool(hearing["hearing_offered"]),
            opened_by=_opener(acting_user, check_case),
        )
        word = _word(case)
        rights = [
            f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条，贵单位有权在收到本告知书之日起{DEFENCE_WORKING_DAYS}个工作日内"
            "通过平台进行陈述和申辩；逾期未提出的，视为放弃陈述申辩权利。"
        ]
        if case.hearing_offered:
            rights.append(f"贵单位有权在收到本告知书之日起5日内要求举行听证（{hearing['reason']}）。")
        notice = issue_notice(
            kind=NoticeKind.PRIOR_NOTICE,
            enterprise=enterprise,
            title=f"{word}{'资质' if is_qual else '安全生产许可证'}事先告知书",
            paragraphs=[
                f"本机关拟{word}贵单位{_credential_label(credential)}。",
                f"事实：{case.facts}",
                f"理由：{case.reasons}",
                f"依据：{case.basis}",
                *rights,
            ],
            revocation_case=case,
            acting_user=acting_user,
        )
        case.documents = {"prior_notice": notice.document_id}
        case.save(update_fields=["documents"])
        workflow.start_revocation(case, acting_user=acting_user)
        audit.record(
            action="enterprises.revocation_opened",
            actor=acting_user,
            subject=case,
            summary=f"发起{word}：{_credential_label(credential)}",
            data={"hearing": hearing},
        )
    return case


def _opener(acting_user: Any, check_case: CheckCase | None) -> Any:
    """Who opened the case: the officer, or (from a deadline timer) the officer who published the batch."""
    if acting_user is not None:
        return acting_user
    if check_case is None:
        raise ProcedureError("撤销/撤回案件须由经办人发起。")
    return check_case.batch.started_by


def _lock(case: RevocationCase) -> RevocationCase:
    return (
        lock_rows(RevocationCase.objects)
        .select_related("enterprise", "qualification", "licence")
        .get(pk=case.pk)
    )


def _expect(case: RevocationCase, *states: str, action: str) -> None:
    if case.state not in states:
        raise ProcedureError(f"案件当前状态为“{case.get_state_display()}”，不能{action}。")


def notice_served(case: RevocationCase, *, notice: Notice) -> None:
    """A notice of the case was served: the prior notice starts the defence period; the decision closes."""
    if notice.kind == NoticeKind.PRIOR_NOTICE:
        case.notice_served()
        case.defence_due_on = add_working_days(notice.served_on, case.defence_days)  # type: ignore[arg-type]
        case.save(update_fields=["state", "defence_due_on"])
    elif notice.kind == NoticeKind.DECISION:
        _apply_decision(case, notice)


def submit_defence(
    *,
    case: RevocationCase,
    acting_user: Any,
    statement: str,
    on: dt.date | None = None,
    hearing_requested: bool = False,
) -> RevocationCase:
    """The enterprise files its statement and defence (陈述申辩) within the period."""
    require_enterprise_user(acting_user, case.enterprise, action="提交陈述申辩")
    statement = require_opinion(statement, what="陈述申辩意见")
    with transaction.atomic():
        case = _lock(case)
        _expect(case, RevocationState.DEFENCE_PERIOD, action="提交陈述申辩")
        if case.defence_due_on and (on or today()) > case.defence_due_on:
            raise ProcedureError(f"陈述申辩期限已于{case.defence_due_on:%Y-%m-%d}届满。")
        case.defence_statement = statement
        case.hearing_requested = bool(hearing_requested and case.hearing_offered)
        case.close_defence()
        case.documents = {
            **case.documents,
            "defence_record": paperwork.issue_sealed(
                kind="generic",
                title="陈述申辩笔录",
                subject=case,
                issuer=case.enterprise,
                acting_user=acting_user,
                context={
                    "fields": [
                        ["案件编号", case.number],
                        ["当事人", case.enterprise.name],
                        ["申辩人", acting_user.display_name],
                    ],
                    "paragraphs": [statement],
                },
            ),
        }
        case.save()
        audit.record(
            action="enterprises.defence_submitted", actor=acting_user, subject=case, summary="提交陈述申辩"
        )
    return case


def close_defence_periods(*, on: dt.date | None = None) -> list[int]:
    """Sweep for cases without a running procedure: a defence period that ran out is closed (视为放弃)."""
    on = on or today()
    due = RevocationCase.objects.filter(
        state=RevocationState.DEFENCE_PERIOD, defence_due_on__lt=on, process_instance_id__isnull=True
    )
    return [close_defence(RevocationCase(pk=pk)).pk for pk in due.values_list("pk", flat=True)]


def close_defence(case: RevocationCase) -> RevocationCase:
    """The defence period ended without a statement (视为放弃陈述申辩). Idempotent."""
    with transaction.atomic():
        case = _lock(case)
        if case.state != RevocationState.DEFENCE_PERIOD:
            return case
        case.close_defence()
        case.save(update_fields=["state"])
        audit.record(
            action="enterprises.defence_waived", subject=case, summary="陈述申辩期限届满，未提出意见"
        )
    return case


def _signoff(case: RevocationCase, user: Any, *, stage: str, result: str, opinion: str) -> str:
    key = f"{stage}-{case.stage_round}"
    step = next_step(case_type="revocation", case_id=case.pk, stage=key)
    roles: tuple[str, ...] = STEP_ROLES[stage][step]
    require_role(
        user, *roles, action=f"{'法制审核' if stage == 'legal' else '陈述申辩处理'}{STEP_LABEL[step]}"
    )
    require_district(user, case.district_id, action="办理该案件")
    sign(
        case_type="revocation",
        case_id=case.pk,
        stage=key,
        step=step,
        result=result,
        opinion=opinion,
        user=user,
    )
    return step


def handle_defence(*, case: RevocationCase, acting_user: Any, adopted: bool, opinion: str) -> RevocationCase:
    """Review of the statement and defence (陈述申辩复核): accept → review → approve; the approver's view binds.
    Adopted → no revocation; otherwise the hearing DMN decides whether a hearing comes first."""
    opinion = require_opinion(opinion, what="对陈述申辩的复核意见")
    with transaction.atomic():
        case = _lock(case)
        _expect(case, RevocationState.DEFENCE_HANDLING, action="处理陈述申辩")
        step = _signoff(
            case, acting_user, stage="defence", result="adopt" if adopted else "reject", opinion=opinion
        )
        if step == "approve":
            case.defence_adopted = adopted
            if adopted:
                case.drop()
            elif case.hearing_offered and case.stage_round == 1:
                case.offer_hearing()
            else:
                case.to_legal_review()
            case.save()
        audit.record(
            action=f"enterprises.defence_{step}",
            actor=acting_user,
            subject=case,
            summary=f"陈述申辩{STEP_LABEL[step]}：{'采纳' if adopted else '不予采纳'}",
            data={"opinion": opinion},
        )
    return case


def record_hearing(*, case: RevocationCase, acting_user: Any, held: bool, record: str = "") -> RevocationCase:
    """Hearing (听证): held with its record (笔录), or the party did not ask / waived."""
    require_role(acting_user, Role.CASE_OFFICER, action="登记听证情况")
    require_district(acting_user, case.district_id, action="登记听证情况")
    if held:
        record = require_opinion(record, what="听证笔录摘要")
    with transaction.atomic():
        case = _lock(case)
        _expect(case, RevocationState.HEARING, action="登记听证情况")
        case.hearing_record = record.strip() if held else "当事人未申请听证或放弃听证。"
        if held:
            case.documents = {
                **case.documents,
                "hearing_record": paperwork.issue_sealed(
                    kind="generic",
                    title="听证笔录",
                    subject=case,
                    issuer=issuing_authority(case.enterprise),
                    acting_user=acting_user,
                    context={"fields": [["案件编号", case.number]], "paragraphs": [record]},
                ),
            }
        case.to_legal_review()
        case.save()
        audit.record(
            action="enterprises.hearing_recorded",
            actor=acting_user,
            subject=case,
            summary="听证已举行" if held else "未举行听证",
        )
    return case


def legal_review(*, case: RevocationCase, acting_user: Any, passed: bool, opinion: str) -> RevocationCase:
    """Legal review (法制审核): the legal reviewer accepts and reviews, the approver approves (four-eyes). A failed
    step sends the case back; no decision without a passed review."""
    opinion = require_opinion(opinion, what="法制审核意见")
    with transaction.atomic():
        case = _lock(case)
        _expect(case, RevocationState.LEGAL_REVIEW, action="法制审核")
        step = _signoff(
            case, acting_user, stage="legal", result="pass" if passed else "fail", opinion=opinion
        )
        if step == "accept":
            case.legal_opinion = opinion
        if not passed:
            case.legal_review_failed()
        elif step == "approve":
            case.legal_review_passed()
            case.documents = {
                **case.documents,
                "legal_opinion": paperwork.issue_sealed(
                    kind="generic",
                    title="法制审核意见书",
                    subject=case,
                    issuer=issuing_authority(case.enterprise),
                    acting_user=acting_user,
                    context={
                        "fields": [
                            ["案件编号", case.number],
                            ["当事人", case.enterprise.name],
                            ["拟作决定", case.get_kind_display()],
                        ],
                        "paragraphs": [f"法制审核意见：{case.legal_opinion}", f"审批意见：{opinion}"],
                    },
                ),
            }
        case.save()
        audit.record(
            action=f"enterprises.legal_review_{step}",
            actor=acting_user,
            subject=case,
            summary=f"法制审核{STEP_LABEL[step]}：{'通过' if passed else '不通过'}",
            data={"opinion": opinion},
        )
    return case


def issue_decision(*, case: RevocationCase, acting_user: Any) -> RevocationCase:
    """The decision (撤销/撤回决定书), issued by the approver after a passed legal review, then delivered."""
    require_role(acting_user, Role.APPROVER, action="作出决定")
    require_district(acting_user, case.district_id, action="作出决定")
    with transaction.atomic():
        case = _lock(case)
        _expect(case, RevocationState.DECISION_PENDING, action="作出决定")
        credential = case.credential
        assert credential is not None
        word = _word(case)
        decision = [
            f"{word}贵单位{_credential_label(credential)}。",
            "请自收到本决定书之日起15日内交回证书。",
        ]
        if _ban_years(case):
            decision.append(f"贵单位自本决定作出之日起{_ban_years(case)}年内不得再次申请该许可。")
        case.decision_text = "".join(decision)
        case.decided_at = timezone.now()
        case.decide()
        notice = issue_notice(
            kind=NoticeKind.DECISION,
            enterprise=case.enterprise,
            title=f"{word}决定书",
            paragraphs=decision,
            revocation_case=case,
            acting_user=acting_user,
            decision_context={
                "facts": case.facts,
                "basis": case.basis,
                "decision": decision,
                "paragraphs": [f"陈述申辩：{case.defence_statement or '当事人未提出陈述申辩。'}"],
            },
        )
        case.documents = {**case.documents, "decision": notice.document_id}
        case.save()
        audit.record(
            action="enterprises.revocation_decided",
            actor=acting_user,
            subject=case,
            summary=f"作出{word}决定 {notice.number}",
        )
    return case


def _word(case: RevocationCase) -> str:
    """撤销 / 撤回, and 吊销 for a safety licence."""
    if case.licence_id and case.kind == RevocationKind.REVOKE:
        return "吊销"
    return case.get_kind_display()


def _ban_years(case: RevocationCase) -> int:
    """Fraud-based revocation bars re-application for 3 years (行政许可法 art 79); a revoked safety licence for 1 year
    (建质〔2008〕121号)."""
    if case.kind != RevocationKind.REVOKE:
        return 0
    if case.ground == RevocationGround.FRAUD:
        return FRAUD_BAN_YEARS
    return LICENCE_BAN_YEARS if case.licence_id else 0


def _apply_decision(case: RevocationCase, notice: Notice) -> None:
    """Decision served: the certificate is revoked/withdrawn and any re-application ban recorded."""
    credential = case.credential
    assert credential is not None
    (credential.revoke if case.kind == RevocationKind.REVOKE else credential.withdraw)()  # type: ignore[union-attr]
    credential.save(update_fields=["state"])
    years = _ban_years(case)
    if years:
        start = notice.served_on or today()
        ReapplicationBan.objects.create(
            enterprise=case.enterprise,
            category=credential.category if isinstance(credential, Qualification) else "安全生产许可证",
            starts_on=start,
            ends_on=add_months(start, 12 * years),
            reason=(
                f"{case.number}：以欺骗、贿赂等不正当手段取得许可被撤销（行政许可法第七十九条）"
                if case.ground == RevocationGround.FRAUD
                else f"{case.number}：安全生产许可证被吊销"
            ),
        )
    case.close()
    case.save(update_fields=["state"])
    audit.record(
        action="enterprises.revocation_closed",
        subject=case,
        summary=f"决定书已送达，证书状态变更为“{credential.get_state_display()}”",
    )
