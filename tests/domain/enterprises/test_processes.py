"""The two BPMN procedures through the real engine and inbox: dynamic check (pass, return twice, deadline timer)
and revocation with legal review to a sealed decision. Every instance round-trips through the serializer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domain.enterprises import services
from domain.enterprises.models import (
    CaseState,
    CheckCase,
    NoticeKind,
    QualificationState,
    RevocationCase,
    RevocationState,
)
from domain.errors import PermissionDeniedError
from domain.organisations.models import User
from processes import engine
from processes.models import InstanceStatus, ProcessInstance
from tasks.attachments import store_attachment
from tasks.selectors import items_of_instance
from tests.processes.conftest import round_trip

from . import factories


@pytest.fixture
def models(publish_models):
    publish_models("qualification_dynamic_check", "revocation")


def _item(instance_id):
    items = [i for i in items_of_instance(instance_id) if i.status in ("open", "claimed")]
    assert len(items) == 1, [(i.element_id, i.status) for i in items]
    return items[0]


def _do(instance_id, username, data, *, element):
    item = _item(instance_id)
    assert item.element_id == element
    instance = engine.complete_work_item(item.pk, data=data, acting_user=User.objects.get(username=username))
    round_trip(instance)
    return instance


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _rectify(case, username="ent_contractor"):
    att = store_attachment(
        factories.evidence(), user=User.objects.get(username=username), instance_id=case.process_instance_id
    )
    return _do(
        case.process_instance_id,
        username,
        {"measures": "新增注册建造师3名", "evidence": [att.pk], "commitment": True},
        element="rectify",
    )


@pytest.fixture
def case(models, directory, user):
    qual = factories.qualification(directory["contractor"], short=3)
    batch = services.publish_batch(
        kind="qualification", title="2026年第二批资质动态核查", acting_user=user("officer_pd")
    )
    case = CheckCase.objects.get(batch=batch, qualification=qual)
    assert case.process_instance_id is not None
    assert (
        round_trip(ProcessInstance.objects.get(pk=case.process_instance_id)).status == InstanceStatus.WAITING
    )
    services.receive_online(notice=case.notices.get(), acting_user=user("ent_contractor"))
    return _fresh(case)


def test_pass_first_time_through_the_bpmn(case):
    _rectify(case)
    assert _fresh(case).state == CaseState.SUBMITTED
    assert case.submissions.get().document_id is not None  # the rectification application PDF
    _do(case.process_instance_id, "officer_pd", {"result": "pass"}, element="accept")
    _do(case.process_instance_id, "reviewer_pd", {"result": "pass"}, element="review")
    instance = _do(case.process_instance_id, "approver_pd", {"result": "pass"}, element="approve")
    assert instance.status == InstanceStatus.COMPLETED
    assert "end_rectified" in engine.diagram_state(instance)["completed"]
    assert _fresh(case.qualification).state == QualificationState.VALID


def test_return_for_evidence_twice_then_pass_through_the_bpmn(case):
    _rectify(case)
    for _ in range(2):
        _do(
            case.process_instance_id,
            "officer_pd",
            {"result": "return", "opinion": "请补充社保缴费记录"},
            element="accept",
        )
        assert _fresh(case).state == CaseState.RETURNED
        _rectify(case)
    _do(case.process_instance_id, "officer_pd", {"result": "pass"}, element="accept")
    _do(case.process_instance_id, "reviewer_pd", {"result": "pass"}, element="review")
    _do(case.process_instance_id, "approver_pd", {"result": "pass"}, element="approve")
    assert _fresh(case).state == CaseState.RECTIFIED and case.submissions.count() == 3


def test_four_eyes_in_the_inbox(case, user):
    _rectify(case)
    officer = user("officer_pd")
    officer.groups.add(*user("reviewer_pd").groups.all())
    _do(case.process_instance_id, "officer_pd", {"result": "pass"}, element="accept")
    item = _item(case.process_instance_id)
    with pytest.raises(PermissionDeniedError):
        engine.complete_work_item(item.pk, data={"result": "pass"}, acting_user=officer)


def test_deadline_timer_routes_to_withdrawal_and_the_revocation_procedure(case, user):
    fired = engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=95))
    assert any(f.instance_id == case.process_instance_id for f in fired)
    instance = round_trip(ProcessInstance.objects.get(pk=case.process_instance_id))
    assert instance.status == InstanceStatus.COMPLETED
    assert "end_overdue" in engine.diagram_state(instance)["completed"]
    assert _fresh(case).state == CaseState.OVERDUE
    revocation = RevocationCase.objects.get(check_case=case)
    assert revocation.kind == "withdraw" and revocation.process_instance_id is not None
    _revocation_to_decision(revocation, user)
    assert _fresh(case.qualification).state == QualificationState.WITHDRAWN


def _revocation_to_decision(revocation, user):
    pid = revocation.process_instance_id
    services.receive_online(
        notice=revocation.notices.get(kind=NoticeKind.PRIOR_NOTICE), acting_user=user("ent_contractor")
    )
    _do(pid, "ent_contractor", {"statement": "正在补充人员，请求从轻处理"}, element="defence")
    for who, element in (
        ("officer_pd", "d_accept"),
        ("reviewer_pd", "d_review"),
        ("approver_pd", "d_approve"),
    ):
        _do(pid, who, {"result": "reject", "opinion": "申辩理由不能成立"}, element=element)
    if _fresh(revocation).state == RevocationState.HEARING:
        _do(pid, "officer_pd", {"hearing_held": False}, element="hearing")
    for who, element in (
        ("legal_city", "l_accept"),
        ("reviewer_city", "l_review"),
        ("approver_city", "l_approve"),
    ):
        _do(pid, who, {"result": "pass", "opinion": "事实清楚，证据确凿，程序合法"}, element=element)
    _do(pid, "approver_pd", {"confirm": True}, element="decide")
    revocation = _fresh(revocation)
    assert revocation.state == RevocationState.DECISION_DELIVERY
    services.receive_online(
        notice=revocation.notices.get(kind=NoticeKind.DECISION), acting_user=user("ent_contractor")
    )
    instance = round_trip(ProcessInstance.objects.get(pk=pid))
    assert instance.status == InstanceStatus.COMPLETED
    assert _fresh(revocation).state == RevocationState.CLOSED


def test_revocation_for_fraud_through_the_bpmn_with_a_sealed_decision(models, directory, user):
    from documents.models import Document

    qual = factories.qualification(directory["contractor"])
    revocation = services.open_revocation(
        kind="revoke",
        ground="fraud",
        credential=qual,
        acting_user=user("officer_pd"),
        facts="申报业绩系伪造",
        reasons="以欺骗手段取得资质",
        basis="行政许可法第六十九条第二款、第七十九条",
    )
    _revocation_to_decision(revocation, user)
    assert _fresh(qual).state == QualificationState.REVOKED
    decision = Document.objects.get(pk=_fresh(revocation).documents["decision"])
    assert decision.kind == "decision" and decision.is_sealed
    legal = Document.objects.get(pk=_fresh(revocation).documents["legal_opinion"])
    assert legal.is_sealed


def test_suspension_period_is_a_timer_that_restores_the_licence(publish_models, directory, user):
    from domain.enterprises.models import LicenceState

    publish_models("safety_licence_suspension")
    lic = factories.licence(directory["contractor"])
    acc = services.record_accident(
        licence=lic, acting_user=user("officer_pd"), occurred_on=timezone.localdate(), level="general"
    )
    services.decide_suspension(licence=lic, accident=acc, days=30, acting_user=user("approver_pd"))
    instance = ProcessInstance.objects.get(process_key="safety_licence_suspension")
    assert round_trip(instance).status == InstanceStatus.WAITING
    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=20))
    assert _fresh(lic).state == LicenceState.SUSPENDED
    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=32))
    assert round_trip(instance).status == InstanceStatus.COMPLETED
    assert _fresh(lic).state == LicenceState.VALID


def test_revocation_with_a_hearing_offered_by_the_dmn(models, directory, user):
    qual = factories.qualification(directory["contractor"])
    revocation = services.open_revocation(
        kind="revoke",
        ground="improper_grant",
        credential=qual,
        acting_user=user("officer_pd"),
        facts="超越法定职权授予资质",
        reasons="违法授予",
        basis="行政许可法第六十九条第一款",
    )
    _revocation_to_decision(revocation, user)
    instance = ProcessInstance.objects.get(pk=revocation.process_instance_id)
    visited = {h.element_id for h in engine.instance_history(instance)}
    assert {"hearing_dmn", "hearing"} <= visited
    assert instance.variables["hearing_offered"] is True
    assert _fresh(qual).state == QualificationState.REVOKED
