"""Safety-licence outcomes: suspension by the scale, restoration timer, revocation, extension."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.enterprises import selectors, services
from domain.enterprises.models import LicenceState, ReapplicationBan
from domain.errors import ProcedureError

from . import factories

ON = dt.date(2026, 5, 4)


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _accident(lic, user, level, on, **kw):
    return services.record_accident(
        licence=lic, acting_user=user("officer_pd"), occurred_on=on, level=level, **kw
    )


def test_general_accident_suspends_within_the_scale_and_the_timer_restores(directory, user):
    lic = factories.licence(directory["contractor"])
    acc = _accident(lic, user, "general", ON, fatalities=1)
    with pytest.raises(ProcedureError, match="30-60"):
        services.decide_suspension(licence=lic, accident=acc, days=90, acting_user=user("approver_pd"), on=ON)
    services.decide_suspension(licence=lic, accident=acc, days=30, acting_user=user("approver_pd"), on=ON)
    lic = _fresh(lic)
    assert lic.state == LicenceState.SUSPENDED and lic.suspended_until == dt.date(2026, 6, 3)
    ok, reason = selectors.may_file_contracts(directory["contractor"])
    assert not ok and "暂扣" in reason
    assert not selectors.may_obtain_permits(directory["contractor"])[0]
    assert services.restore_due(on=dt.date(2026, 6, 3)) == []
    assert services.restore_due(on=dt.date(2026, 6, 4)) == [lic.pk]
    assert _fresh(lic).state == LicenceState.VALID
    assert selectors.may_file_contracts(directory["contractor"]) == (True, "")


def test_late_report_widens_the_range(directory, user):
    lic = factories.licence(directory["contractor"])
    acc = _accident(lic, user, "general", ON, reported_late=True)
    scale = services.scale_for(licence=lic, accident=acc)
    assert (scale.days_min, scale.days_max) == (60, 120)


def test_third_accident_opens_a_revocation_case_and_the_decision_bans_for_a_year(directory, user):
    from domain.enterprises.models import NoticeKind, RevocationCase, RevocationState

    lic = factories.licence(directory["contractor"])
    _accident(lic, user, "general", ON - dt.timedelta(days=300))
    _accident(lic, user, "general", ON - dt.timedelta(days=100))
    acc = _accident(lic, user, "general", ON)
    suspension = services.decide_suspension(licence=lic, accident=acc, acting_user=user("approver_pd"), on=ON)
    assert suspension.outcome == "revoke"
    assert (
        _fresh(lic).state == LicenceState.VALID
    )  # 吊销 only after prior notice, hearing rights and legal review
    case = RevocationCase.objects.get(licence=lic)
    assert (case.kind, case.ground, case.hearing_offered) == ("revoke", "safety_scale", True)
    services.receive_online(
        notice=case.notices.get(kind=NoticeKind.PRIOR_NOTICE), acting_user=user("ent_contractor"), on=ON
    )
    services.close_defence_periods(on=ON + dt.timedelta(days=14))
    for who in ("officer_pd", "reviewer_pd", "approver_pd"):
        services.handle_defence(case=case, acting_user=user(who), adopted=False, opinion="不予采纳")
    services.record_hearing(case=case, acting_user=user("officer_pd"), held=False)
    for who in ("legal_city", "reviewer_city", "approver_city"):
        services.legal_review(case=case, acting_user=user(who), passed=True, opinion="同意吊销")
    services.issue_decision(case=case, acting_user=user("approver_pd"))
    assert "吊销" in RevocationCase.objects.get(pk=case.pk).decision_text
    services.receive_online(
        notice=case.notices.get(kind=NoticeKind.DECISION),
        acting_user=user("ent_contractor"),
        on=ON + dt.timedelta(days=30),
    )
    assert RevocationCase.objects.get(pk=case.pk).state == RevocationState.CLOSED
    assert _fresh(lic).state == LicenceState.REVOKED
    ban = ReapplicationBan.objects.get(enterprise=directory["contractor"])
    assert ban.ends_on == dt.date(2027, 6, 3)
    assert not selectors.may_file_contracts(directory["contractor"])[0]


def test_accidents_older_than_twelve_months_do_not_count(directory, user):
    lic = factories.licence(directory["contractor"])
    _accident(lic, user, "major", ON - dt.timedelta(days=400))
    acc = _accident(lic, user, "general", ON)
    assert services.scale_for(licence=lic, accident=acc).days_min == 30


def test_suspension_beyond_120_days_in_total_opens_a_revocation_case(directory, user):
    lic = factories.licence(directory["contractor"])
    first = _accident(lic, user, "serious", ON)
    services.decide_suspension(licence=lic, accident=first, days=100, acting_user=user("approver_pd"), on=ON)
    second = _accident(lic, user, "general", ON + dt.timedelta(days=10))
    services.decide_suspension(
        licence=lic, accident=second, days=60, acting_user=user("approver_pd"), on=ON + dt.timedelta(days=10)
    )
    from domain.enterprises.models import RevocationCase

    assert "累计暂扣超过120日" in RevocationCase.objects.get(licence=lic).facts
    assert _fresh(lic).state == LicenceState.SUSPENDED  # still suspended while the revocation case runs


def test_extension_without_reexamination_only_without_fatal_accident(directory, user):
    lic = factories.licence(directory["contractor"])
    services.extend_licence(licence=lic, acting_user=user("officer_pd"))
    assert _fresh(lic).valid_to == dt.date(2030, 1, 1)
    other = factories.licence(directory["lessor"])
    services.record_accident(
        licence=other,
        acting_user=user("officer_mh"),
        occurred_on=dt.date(2025, 1, 5),
        level="general",
        fatalities=1,
    )
    with pytest.raises(ProcedureError, match="重新审查"):
        services.extend_licence(licence=other, acting_user=user("officer_mh"))


def test_safety_licence_check_batch_uses_the_staffing_rule(directory, user):
    short = factories.licence(directory["contractor"], managers_short=2)
    factories.licence(directory["contractor"])
    batch = services.publish_batch(
        kind="safety_licence", title="安许核查", acting_user=user("officer_pd"), on=ON
    )
    case = batch.cases.get()
    assert case.licence == short and case.findings[0]["code"] == "managers_below_standard"
    assert _fresh(short).state == LicenceState.UNDER_CHECK


def test_failed_licence_check_leads_to_a_suspension_decision(directory, user):
    lic = factories.licence(directory["contractor"], managers_short=3)
    batch = services.publish_batch(
        kind="safety_licence", title="安许核查", acting_user=user("officer_pd"), on=ON
    )
    case = batch.cases.get()
    services.receive_online(notice=case.notices.get(), acting_user=user("ent_contractor"), on=ON)
    services.submit_rectification(
        case=case,
        acting_user=user("ent_contractor"),
        data={"measures": "招聘中"},
        files=[factories.evidence()],
        on=ON,
    )
    services.accept_rectification(
        case=case, acting_user=user("officer_pd"), result="fail", opinion="人员仍不足"
    )
    assert _fresh(lic).state == LicenceState.RECTIFYING
    services.decide_suspension(licence=lic, days=30, acting_user=user("approver_pd"), on=ON)
    assert _fresh(lic).state == LicenceState.SUSPENDED


@pytest.mark.parametrize(("kw", "field"), [
    ({"fatalities": -1}, "fatalities"),
    ({"fatalities": 10**20}, "fatalities"),
    ({"on": dt.date(1, 1, 1)}, "occurred_on"),
    ({"on": dt.date(9999, 12, 31)}, "occurred_on"),
])
def test_accident_figures_out_of_range_are_refused(directory, user, kw, field):
    """Negative or overflowing deaths failed in the database (a 500); an accident dated 0001-01-01 was saved and
    then broke the 12-month count of every later scale (date arithmetic overflow): both refused, nothing saved."""
    lic = factories.licence(directory["contractor"])
    with pytest.raises(ProcedureError) as err:
        _accident(lic, user, "general", kw.pop("on", ON), **kw)
    assert field in err.value.extra["errors"]
    assert not lic.accidents.exists()
