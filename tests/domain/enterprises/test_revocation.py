"""Revocation and withdrawal (M56): deadline missed → withdrawal → defence → legal review → sealed decision."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.enterprises import selectors, services
from domain.enterprises.models import (
    CheckCase,
    NoticeKind,
    QualificationState,
    ReapplicationBan,
    RevocationCase,
    RevocationState,
)
from domain.errors import PermissionDeniedError, ProcedureError

from . import factories

ON = dt.date(2026, 3, 2)


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _serve(case, kind, user):
    notice = case.notices.get(kind=kind)
    services.receive_online(notice=notice, acting_user=user("ent_contractor"), on=ON)
    return notice


def _defence_and_legal_review(case, user, *, adopted=False):
    for who in ("officer_pd", "reviewer_pd", "approver_pd"):
        services.handle_defence(case=case, acting_user=user(who), adopted=adopted, opinion="申辩理由不成立")
    if _fresh(case).state == RevocationState.HEARING:
        services.record_hearing(case=case, acting_user=user("officer_pd"), held=False)
    for who in ("legal_city", "reviewer_city", "approver_city"):
        services.legal_review(
            case=case, acting_user=user(who), passed=True, opinion="事实清楚，程序合法，依据充分"
        )


def test_missed_deadline_routes_to_withdrawal_legal_review_and_decision(directory, user):
    qual = factories.qualification(directory["contractor"], short=2)
    batch = services.publish_batch(
        kind="qualification",
        title="核查",
        acting_user=user("officer_pd"),
        on=ON,
        deadline=ON + dt.timedelta(days=60),
    )
    check = CheckCase.objects.get(batch=batch)
    services.receive_online(notice=check.notices.get(), acting_user=user("ent_contractor"), on=ON)
    assert (
        services.expire_overdue(on=ON + dt.timedelta(days=60)) == []
    )  # the deadline day itself still counts
    assert services.expire_overdue(on=ON + dt.timedelta(days=61)) == [check.pk]

    case = RevocationCase.objects.get(check_case=check)
    assert (case.kind, case.ground, case.state) == (
        "withdraw",
        "overdue_rectification",
        RevocationState.NOTICE_PENDING,
    )
    assert not case.hearing_offered  # the DMN: withdrawal offers no hearing
    prior = _serve(case, NoticeKind.PRIOR_NOTICE, user)
    assert "陈述和申辩" in prior.body
    case = _fresh(case)
    assert case.state == RevocationState.DEFENCE_PERIOD
    assert case.defence_due_on == dt.date(2026, 3, 9)  # 5 working days after Monday 2 March
    services.submit_defence(
        case=case, acting_user=user("ent_contractor"), statement="人员正在招聘中，请求宽限", on=ON
    )

    _defence_and_legal_review(case, user)
    case = _fresh(case)
    assert case.state == RevocationState.DECISION_PENDING
    services.issue_decision(case=case, acting_user=user("approver_pd"))
    assert _fresh(case).state == RevocationState.DECISION_DELIVERY
    assert _fresh(qual).state == QualificationState.RECTIFYING  # nothing changes until the decision is served
    _serve(case, NoticeKind.DECISION, user)
    assert _fresh(case).state == RevocationState.CLOSED
    assert _fresh(qual).state == QualificationState.WITHDRAWN
    assert not ReapplicationBan.objects.exists()  # withdrawal carries no ban
    docs = _fresh(case).documents
    assert {"prior_notice", "defence_record", "legal_opinion", "decision"} <= set(docs)


def _fraud_case(directory, user):
    qual = factories.qualification(directory["contractor"])
    return qual, services.open_revocation(
        kind="revoke",
        ground="fraud",
        credential=qual,
        acting_user=user("officer_pd"),
        facts="申报材料中3名注册人员社保记录系伪造",
        reasons="以欺骗手段取得资质",
        basis="《中华人民共和国行政许可法》第六十九条第二款、第七十九条",
    )


def test_fraud_revocation_records_a_three_year_ban_and_blocks_applications(directory, user):
    qual, case = _fraud_case(directory, user)
    assert not case.hearing_offered  # fraud is outside hearing scope
    _serve(case, NoticeKind.PRIOR_NOTICE, user)
    assert services.close_defence_periods(on=dt.date(2026, 3, 10)) == [case.pk]  # no statement: waived
    _defence_and_legal_review(case, user)
    services.issue_decision(case=case, acting_user=user("approver_pd"))
    assert "3年内不得再次申请" in _fresh(case).decision_text
    _serve(case, NoticeKind.DECISION, user)
    assert _fresh(qual).state == QualificationState.REVOKED
    ban = ReapplicationBan.objects.get(enterprise=directory["contractor"])
    assert (ban.starts_on, ban.ends_on) == (ON, dt.date(2029, 3, 2))
    ok, reason = selectors.may_file_qualification_applications(
        directory["contractor"], category=qual.category
    )
    assert not ok and "不得重新申请" in reason


def test_legal_review_is_by_the_legal_reviewer_with_four_eyes(directory, user):
    _, case = _fraud_case(directory, user)
    _serve(case, NoticeKind.PRIOR_NOTICE, user)
    services.close_defence_periods(on=dt.date(2026, 3, 10))
    for who in ("officer_pd", "reviewer_pd", "approver_pd"):
        services.handle_defence(case=case, acting_user=user(who), adopted=False, opinion="不予采纳")
    with pytest.raises(PermissionDeniedError, match="法制审核人"):
        services.legal_review(case=case, acting_user=user("officer_pd"), passed=True, opinion="同意")
    services.legal_review(case=case, acting_user=user("legal_city"), passed=True, opinion="同意")
    with pytest.raises(PermissionDeniedError, match="双人复核"):
        services.legal_review(case=case, acting_user=user("legal_city"), passed=True, opinion="同意")
    services.legal_review(
        case=case, acting_user=user("reviewer_city"), passed=False, opinion="证据不足，请补充调查"
    )
    case = _fresh(case)
    assert case.state == RevocationState.DEFENCE_HANDLING  # no decision after a failed legal review
    with pytest.raises(ProcedureError):
        services.issue_decision(case=case, acting_user=user("approver_pd"))


def test_adopted_defence_drops_the_case(directory, user):
    qual, case = _fraud_case(directory, user)
    _serve(case, NoticeKind.PRIOR_NOTICE, user)
    services.submit_defence(
        case=case, acting_user=user("ent_contractor"), statement="社保记录系银行系统延迟", on=ON
    )
    for who in ("officer_pd", "reviewer_pd", "approver_pd"):
        services.handle_defence(case=case, acting_user=user(who), adopted=True, opinion="经核实申辩成立")
    assert _fresh(case).state == RevocationState.DROPPED
    assert _fresh(qual).state == QualificationState.VALID


def test_revocation_for_improper_grant_offers_a_hearing(directory, user):
    qual = factories.qualification(directory["contractor"])
    case = services.open_revocation(
        kind="revoke",
        ground="improper_grant",
        credential=qual,
        acting_user=user("officer_pd"),
        facts="超越职权授予",
        reasons="违法授予",
        basis="行政许可法第六十九条第一款",
    )
    prior = _serve(case, NoticeKind.PRIOR_NOTICE, user)
    assert "听证" in prior.body
    services.close_defence_periods(on=dt.date(2026, 3, 10))
    for who in ("officer_pd", "reviewer_pd", "approver_pd"):
        services.handle_defence(case=case, acting_user=user(who), adopted=False, opinion="不予采纳")
    assert _fresh(case).state == RevocationState.HEARING
    with pytest.raises(ProcedureError, match="听证笔录"):
        services.record_hearing(case=case, acting_user=user("officer_pd"), held=True, record="")
    services.record_hearing(
        case=case, acting_user=user("officer_pd"), held=True, record="听证会于3月20日举行"
    )
    assert _fresh(case).state == RevocationState.LEGAL_REVIEW


def test_enterprise_cannot_defend_another_enterprises_case(directory, user):
    _, case = _fraud_case(directory, user)
    _serve(case, NoticeKind.PRIOR_NOTICE, user)
    with pytest.raises(PermissionDeniedError):
        services.submit_defence(case=case, acting_user=user("ent_lessor"), statement="x", on=ON)
