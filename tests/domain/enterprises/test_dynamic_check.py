"""The dynamic-check procedure through its services: publish, deliver, rectify, accept/return, review, approve."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.enterprises import selectors, services
from domain.enterprises.models import CaseState, CheckCase, NoticeKind, NoticeState, QualificationState
from domain.errors import PermissionDeniedError, ProcedureError
from security.models import AuditEvent

from . import factories

ON = dt.date(2026, 3, 2)


@pytest.fixture
def flagged(directory, user):
    """A published batch with the demo contractor's short-staffed qualification in it."""
    qual = factories.qualification(directory["contractor"], short=3)
    factories.qualification(directory["contractor"])  # complies: not in scope
    batch = services.publish_batch(
        kind="qualification", title="2026年第一批资质动态核查", acting_user=user("officer_pd"), on=ON
    )
    case = CheckCase.objects.get(batch=batch)
    return batch, case, qual


def _deliver_and_submit(case, user, *, on=ON):
    notice = case.notices.get(kind=NoticeKind.RECTIFICATION)
    services.receive_online(notice=notice, acting_user=user("ent_contractor"), on=on)
    return services.submit_rectification(
        case=case,
        acting_user=user("ent_contractor"),
        data={"measures": "新增注册建造师3名并缴纳社保"},
        files=[factories.evidence()],
        on=on + dt.timedelta(days=10),
    )


def _refresh(obj):
    """A fresh copy (protected FSM fields cannot be refreshed in place)."""
    return type(obj).objects.get(pk=obj.pk)


def test_batch_scope_is_chosen_by_the_dmn_and_flags_the_qualification(flagged, directory):
    batch, case, qual = flagged
    assert batch.cases.count() == 1
    assert case.qualification == qual
    assert [f["code"] for f in case.findings] == ["staff_below_standard"]
    assert _refresh(qual).state == QualificationState.FLAGGED_ABNORMAL
    ok, reason = selectors.may_file_qualification_applications(directory["contractor"])
    assert not ok and "资质异常" in reason
    assert not selectors.may_file_contracts(directory["contractor"])[0]


def test_pass_first_time_clears_the_flag(flagged, user, directory):
    from domain.enterprises.services.checks import verify_signature

    _, case, qual = flagged
    submission = _deliver_and_submit(case, user)
    assert verify_signature(submission)
    tampered = type(submission).objects.get(pk=submission.pk)
    tampered.content_digest = "0" * 64
    assert not verify_signature(tampered)
    assert submission.document_id is not None  # the rectification application PDF
    assert _refresh(qual).state == QualificationState.RECTIFYING
    services.accept_rectification(case=case, acting_user=user("officer_pd"), result="pass")
    services.review_rectification(case=case, acting_user=user("reviewer_pd"), passed=True)
    services.approve_rectification(case=case, acting_user=user("approver_pd"), passed=True)
    assert _refresh(case).state == CaseState.RECTIFIED
    assert _refresh(qual).state == QualificationState.VALID
    assert selectors.may_file_qualification_applications(directory["contractor"]) == (True, "")
    actions = set(AuditEvent.objects.filter(subject_id=str(case.pk)).values_list("action", flat=True))
    assert {"enterprises.rectification_submitted", "enterprises.rectification_review"} <= actions


def test_return_for_evidence_twice_then_pass(flagged, user):
    _, case, qual = flagged
    _deliver_and_submit(case, user)
    for round_ in (2, 3):
        services.accept_rectification(
            case=case,
            acting_user=user("officer_pd"),
            result="return",
            opinion="社保缴纳证明不全，请补充近3个月记录",
        )
        assert _refresh(case).state == CaseState.RETURNED
        services.submit_rectification(
            case=case,
            acting_user=user("ent_contractor"),
            data={"measures": f"补充材料第{round_}次"},
            files=[factories.evidence()],
            on=ON + dt.timedelta(days=20),
        )
    assert case.submissions.count() == 3
    assert _refresh(case).returns == 2
    services.accept_rectification(case=case, acting_user=user("officer_pd"), result="pass")
    services.review_rectification(case=case, acting_user=user("reviewer_pd"), passed=True)
    services.approve_rectification(case=case, acting_user=user("approver_pd"), passed=True)
    assert _refresh(qual).state == QualificationState.VALID


def test_return_needs_reasons(flagged, user):
    _, case, _ = flagged
    _deliver_and_submit(case, user)
    with pytest.raises(ProcedureError, match="退回补正的理由"):
        services.accept_rectification(case=case, acting_user=user("officer_pd"), result="return", opinion=" ")
    assert _refresh(case).state == CaseState.SUBMITTED


def test_four_eyes_one_person_cannot_accept_and_review(flagged, user, directory):
    _, case, _ = flagged
    _deliver_and_submit(case, user)
    officer = user("officer_pd")
    officer.groups.add(*user("reviewer_pd").groups.all())  # give the officer the reviewer role too
    services.accept_rectification(case=case, acting_user=officer, result="pass")
    with pytest.raises(PermissionDeniedError, match="双人复核"):
        services.review_rectification(case=case, acting_user=officer, passed=True)
    assert _refresh(case).state == CaseState.UNDER_REVIEW


def test_wrong_roles_and_districts_are_refused(flagged, user):
    _, case, _ = flagged
    _deliver_and_submit(case, user)
    with pytest.raises(PermissionDeniedError):
        services.accept_rectification(
            case=case, acting_user=user("officer_hp"), result="pass"
        )  # other district
    with pytest.raises(PermissionDeniedError):
        services.accept_rectification(case=case, acting_user=user("reviewer_pd"), result="pass")
    with pytest.raises(PermissionDeniedError):
        services.submit_rectification(
            case=case, acting_user=user("ent_employer"), data={"measures": "x"}, files=[factories.evidence()]
        )


def test_rectification_needs_measures_and_evidence(flagged, user):
    _, case, _ = flagged
    services.receive_online(notice=case.notices.get(), acting_user=user("ent_contractor"), on=ON)
    with pytest.raises(ProcedureError) as err:
        services.submit_rectification(case=case, acting_user=user("ent_contractor"), data={}, files=[])
    assert set(err.value.extra["errors"]) == {"measures", "evidence"}


def test_deadline_over_three_months_is_refused(directory, user):
    with pytest.raises(ProcedureError, match="最长3个月"):
        services.publish_batch(
            kind="qualification",
            title="x",
            acting_user=user("officer_pd"),
            on=ON,
            deadline=ON + dt.timedelta(days=120),
        )


def test_public_notice_is_deemed_served_after_30_days(flagged, user):
    _, case, _ = flagged
    notice = case.notices.get()
    with pytest.raises(ProcedureError, match="原因"):
        services.publish_public_notice(notice=notice, acting_user=user("officer_pd"), reason="")
    services.publish_public_notice(
        notice=notice, acting_user=user("officer_pd"), reason="经电话、上门多次联系，企业注册地址无人", on=ON
    )
    assert _refresh(notice).deemed_served_on == dt.date(2026, 4, 1)  # 2 March + 30 calendar days, a Wednesday
    assert services.deem_served_due(on=dt.date(2026, 3, 31)) == []
    assert _refresh(case).state == CaseState.NOTICE_PENDING
    assert services.deem_served_due(on=dt.date(2026, 4, 1)) == [notice.pk]
    served = _refresh(notice)
    assert served.state == NoticeState.SERVED
    assert served.served_on == dt.date(2026, 4, 1)
    assert _refresh(case).state == CaseState.AWAITING_RECTIFICATION


def test_public_notice_ending_on_a_holiday_moves_to_the_next_working_day():
    from domain.enterprises.services.notices import deemed_served_date

    assert deemed_served_date(dt.date(2026, 9, 1)) == dt.date(
        2026, 10, 8
    )  # 1 Oct falls in the National Day break


def test_on_site_delivery_needs_a_photo(flagged, user):
    _, case, _ = flagged
    notice = case.notices.get()
    with pytest.raises(ProcedureError, match="照片"):
        services.record_on_site(
            notice=notice, acting_user=user("officer_pd"), recipient_name="马超", photo=None
        )
    for name in ("现场.html", "现场.svg", "现场.exe", "现场"):  # what a browser could run, or anything not a photo
        with pytest.raises(ProcedureError, match="JPG、PNG 图片或 PDF"):
            services.record_on_site(notice=notice, acting_user=user("officer_pd"), recipient_name="马超",
                                    photo=factories.evidence(name))
    assert _refresh(notice).state != NoticeState.SERVED and not _refresh(notice).photo
    services.record_on_site(
        notice=notice,
        acting_user=user("officer_pd"),
        recipient_name="马超",
        photo=factories.evidence("现场.jpg"),
        on=ON,
    )
    served = _refresh(notice)
    assert served.state == NoticeState.SERVED
    assert served.photo.name


def test_an_enterprise_sees_only_its_own_notices(flagged, directory, user):
    factories.qualification(directory["lessor"], insurance_gap=True)
    services.publish_batch(kind="qualification", title="闵行批次", acting_user=user("officer_mh"), on=ON)
    assert {n.enterprise_id for n in selectors.notices_visible_to(user("ent_contractor"))} == {
        directory["contractor"].pk
    }
    assert {n.enterprise_id for n in selectors.notices_visible_to(user("ent_lessor"))} == {
        directory["lessor"].pk
    }
    assert {n.enterprise_id for n in selectors.notices_visible_to(user("officer_pd"))} == {
        directory["contractor"].pk
    }
    assert selectors.cases_visible_to(user("ent_employer")).count() == 0
    assert selectors.notices_visible_to(user("leader")).count() == 2


def test_the_sweep_command_serves_public_notices(flagged, user):
    from django.core.management import call_command

    _, case, _ = flagged
    services.publish_public_notice(
        notice=case.notices.get(), acting_user=user("officer_pd"), reason="企业下落不明，无法直接送达", on=ON
    )
    call_command("enterprises_sweep", "--on", "2026-04-01")
    assert _refresh(case).state == CaseState.AWAITING_RECTIFICATION
