from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tasks.contract import CompletedTask
from tasks.models import WorkItem, WorkItemCandidate, WorkItemStatus
from tasks.selectors import inbox_for
from tasks.sync import render_summary, sync_instance_tasks

from .factories import HUANGPU, instance, ready

pytestmark = pytest.mark.django_db


def usernames(qs):
    return sorted(qs)


def test_ready_task_becomes_open_item_for_the_case_district(user):
    ref = instance(applicant="浦江建设")
    sync_instance_tasks(ref, [ready(summary="{applicant} 的申请")])
    item = WorkItem.objects.get(instance_id=ref.id)
    assert item.status == WorkItemStatus.OPEN
    assert item.summary == "浦江建设 的申请"
    assert list(inbox_for(user("officer_pd"), "available")) == [item]
    assert list(inbox_for(user("officer_city"), "available")) == [item]  # city level sees all by default
    assert not inbox_for(user("officer_hp"), "available").exists()  # another district does not
    assert not inbox_for(user("reviewer_pd"), "available").exists()  # another role does not


def test_district_property_narrows_to_the_case_district_or_the_city(user):
    only_district = instance()
    only_city = instance()
    sync_instance_tasks(only_district, [ready(district="case")])
    sync_instance_tasks(only_city, [ready(district="city")])
    assert {i.instance_id for i in inbox_for(user("officer_pd"), "available")} == {only_district.id}
    assert {i.instance_id for i in inbox_for(user("officer_city"), "available")} == {only_city.id}


def test_initiator_lane_goes_to_the_enterprise_that_started_the_case(user, directory):
    ref = instance(org_id=directory["contractor"].pk)
    sync_instance_tasks(ref, [ready("supplement", "initiator", name="补正材料")])
    assert inbox_for(user("ent_contractor"), "available").count() == 1
    assert inbox_for(user("ent_contractor_legal"), "available").count() == 1
    assert not inbox_for(user("ent_employer"), "available").exists()
    assert not inbox_for(user("officer_pd"), "available").exists()


def test_candidate_organisation_offers_the_task_to_the_other_partys_role_members(user, directory):
    # started by the employer; the contractor's step goes to the contractor's operators, not the employer's
    ref = instance(org_id=directory["employer"].pk, party=directory["contractor"].pk)
    sync_instance_tasks(ref, [ready("confirm", "enterprise_operator", candidateOrganisation="{party}")])
    item = WorkItem.objects.get(instance_id=ref.id)
    assert item.status == WorkItemStatus.OPEN and item.assignee is None
    assert list(inbox_for(user("ent_contractor"), "available")) == [item]
    assert not inbox_for(user("ent_contractor_legal"), "available").exists()  # another role of that party
    assert not inbox_for(user("ent_employer"), "available").exists()  # the initiator's operator


@pytest.mark.parametrize("party", ["", "²", None, True])
def test_candidate_organisation_without_an_id_offers_to_no_one_rather_than_the_initiator(
    user, directory, caplog, party
):
    ref = instance(org_id=directory["employer"].pk, party=party)
    sync_instance_tasks(ref, [ready("confirm", "enterprise_operator", candidateOrganisation="{party}")])
    assert not WorkItemCandidate.objects.filter(item__instance_id=ref.id).exists()
    assert not inbox_for(user("ent_employer"), "available").exists()
    assert "offered to no one" in caplog.text


def test_assignee_expression_names_one_user(user):
    ref = instance(reviewer_username="reviewer_hp")
    sync_instance_tasks(ref, [ready("review", "reviewer", assignee="{reviewer_username}")])
    item = WorkItem.objects.get(instance_id=ref.id)
    assert item.status == WorkItemStatus.CLAIMED and item.assignee == user("reviewer_hp")
    assert list(inbox_for(user("reviewer_hp"), "mine")) == [item]
    assert not inbox_for(user("reviewer_pd"), "available").exists()


def test_candidate_groups_override_the_lane(user):
    ref = instance(district=HUANGPU)
    sync_instance_tasks(ref, [ready(candidateGroups="reviewer,approver", district="case")])
    assert inbox_for(user("reviewer_hp"), "available").count() == 1
    assert inbox_for(user("approver_hp"), "available").count() == 1
    assert not inbox_for(user("officer_hp"), "available").exists()


def test_due_working_days_skip_weekends_and_holidays():
    ref = instance()
    # Friday 2025-09-26 + 5 working days: Sat 27 and Sun 28 are a 调休 working day only for the 28th;
    # 1-8 October is the National Day holiday → due the 28th (Sun, working), 29, 30, 9 Oct, 10 Oct.
    start = datetime(2025, 9, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    task = ready(dueWorkingDays="5")
    sync_instance_tasks(ref, [type(task)(**{**task.__dict__, "ready_since": start})])
    item = WorkItem.objects.get(instance_id=ref.id)
    assert item.due_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() == "2025-10-10"


def test_due_in_duration():
    ref = instance()
    start = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    task = ready(dueIn="PT4H")
    sync_instance_tasks(ref, [type(task)(**{**task.__dict__, "ready_since": start})])
    assert WorkItem.objects.get(instance_id=ref.id).due_at == datetime(
        2025, 3, 3, 13, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )


def test_completed_task_closes_its_item_and_missing_ones_are_cancelled(user):
    ref = instance()
    a, b = ready("a"), ready("b")
    sync_instance_tasks(ref, [a, b])
    officer = user("officer_pd")
    nxt = ready("review", "reviewer")
    sync_instance_tasks(
        ref, [nxt], completed=[CompletedTask(a.task_id, officer.pk, data={"opinion": "同意"})]
    )
    by_element = {i.element_id: i for i in WorkItem.objects.filter(instance_id=ref.id)}
    assert by_element["a"].status == WorkItemStatus.COMPLETED
    assert by_element["a"].completed_by == officer and by_element["a"].data == {"opinion": "同意"}
    assert by_element["b"].status == WorkItemStatus.CANCELLED
    assert by_element["review"].status == WorkItemStatus.OPEN
    assert not WorkItemCandidate.objects.filter(item__element_id__in=["a", "b"], active=True).exists()


def test_sync_is_idempotent():
    ref = instance()
    task = ready()
    sync_instance_tasks(ref, [task])
    sync_instance_tasks(ref, [task])
    assert WorkItem.objects.filter(instance_id=ref.id).count() == 1


def test_summary_template_only_fills_plain_names():
    assert render_summary("{a} / {b.__class__} / {missing}", {"a": 1}) == "1 / {b.__class__} /"


def test_an_item_the_process_left_is_cancelled_on_the_audit_trail(user):
    from security.audit import history_for
    from security.chain import verify_chain
    from tasks import services

    ref = instance()
    accept = ready("accept")
    sync_instance_tasks(ref, [accept])
    item = WorkItem.objects.get(instance_id=ref.id)
    services.claim(item, user=user("officer_pd"))
    sync_instance_tasks(ref, [ready("remind", name="催办")])  # a boundary timer took the process elsewhere
    item.refresh_from_db()
    assert item.status == WorkItemStatus.CANCELLED
    assert [e.action for e in history_for(item)] == ["tasks.claimed", "tasks.cancelled"]
    assert history_for(item).last().data["element_id"] == "accept"
    assert verify_chain().ok
