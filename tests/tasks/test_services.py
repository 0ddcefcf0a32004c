from datetime import date, timedelta

import pytest
from django.utils import timezone

from domain.errors import ConflictError, PermissionDeniedError, ProcedureError
from integrations.models import OutboxMessage
from security.models import AuditEvent
from tasks import services
from tasks.contract import CompletedTask
from tasks.models import WorkItem, WorkItemStatus
from tasks.selectors import inbox_for
from tasks.sync import sync_instance_tasks

from .factories import instance, ready

pytestmark = pytest.mark.django_db


def _item(ref, task):
    sync_instance_tasks(ref, [task])
    return WorkItem.objects.get(instance_id=ref.id, task_id=task.task_id)


def test_claim_moves_item_to_mine_and_second_claimer_gets_conflict(user):
    item = _item(instance(), ready())
    services.claim(item, user=user("officer_pd"))
    assert list(inbox_for(user("officer_pd"), "mine")) == [item]
    assert not inbox_for(user("officer_city"), "available").exists()
    stale = WorkItem.objects.get(pk=item.pk)
    stale.status, stale.assignee = WorkItemStatus.OPEN, None  # what a second browser tab still believes
    with pytest.raises(ConflictError):
        services.claim(stale, user=user("officer_city"))
    assert WorkItem.objects.get(pk=item.pk).assignee == user("officer_pd")


def test_non_candidate_may_not_claim(user):
    item = _item(instance(), ready())
    with pytest.raises(PermissionDeniedError):
        services.claim(item, user=user("officer_hp"))
    with pytest.raises(PermissionDeniedError):
        services.claim(item, user=user("ent_contractor"))


def test_unclaim_returns_item_to_the_pool(user):
    item = _item(instance(), ready())
    services.claim(item, user=user("officer_pd"))
    with pytest.raises(PermissionDeniedError):
        services.unclaim(item, user=user("officer_city"))
    services.unclaim(item, user=user("officer_pd"))
    assert list(inbox_for(user("officer_city"), "available")) == [item]


def test_delegate_only_to_a_candidate(user):
    item = _item(instance(), ready())
    services.claim(item, user=user("officer_pd"))
    with pytest.raises(ProcedureError):
        services.delegate(item, user=user("officer_pd"), to=user("officer_hp"))
    services.delegate(item, user=user("officer_pd"), to=user("officer_city"))
    assert WorkItem.objects.get(pk=item.pk).assignee == user("officer_city")
    assert AuditEvent.objects.filter(action="tasks.delegated").count() == 1


def test_four_eyes_bars_whoever_completed_the_earlier_step(user):
    ref = instance()
    accept = ready("accept", candidateGroups="case_officer,reviewer")
    sync_instance_tasks(ref, [accept])
    reviewer = user("reviewer_pd")
    review = ready("review", "reviewer", fourEyes="accept")
    sync_instance_tasks(ref, [review], completed=[CompletedTask(accept.task_id, reviewer.pk)])
    item = WorkItem.objects.get(instance_id=ref.id, element_id="review")
    assert not inbox_for(reviewer, "available").exists()  # hidden from the barred user
    with pytest.raises(PermissionDeniedError, match="四眼"):
        services.claim(item, user=reviewer)
    services.claim(item, user=user("reviewer_city"))
    assert services.check_can_complete(item, user("reviewer_city")) is None
    # delegation cannot route around the rule either
    with pytest.raises(ProcedureError):
        services.delegate(item, user=user("reviewer_city"), to=reviewer)


def test_check_can_complete(user):
    item = _item(instance(), ready())
    assert services.check_can_complete(item, user("officer_pd")) is None  # an open item a candidate may do
    with pytest.raises(PermissionDeniedError):
        services.check_can_complete(item, user("reviewer_pd"))
    services.claim(item, user=user("officer_pd"))
    with pytest.raises(PermissionDeniedError):
        services.check_can_complete(item, user("officer_city"))  # claimed by a colleague
    sync_instance_tasks(instance(), [])  # unrelated
    WorkItem.objects.filter(pk=item.pk).update(status=WorkItemStatus.COMPLETED)
    item.refresh_from_db()
    with pytest.raises(ConflictError):
        services.check_can_complete(item, user("officer_pd"))


def test_substitute_sees_and_acts_for_the_principal_within_the_date_range(user):
    officer, stand_in = user("officer_pd"), user("reviewer_pd")
    today = timezone.localdate()
    item = _item(instance(), ready())
    assert not inbox_for(stand_in, "available").exists()
    services.set_substitute(
        principal=officer,
        substitute=stand_in,
        starts_on=today,
        ends_on=today + timedelta(days=2),
        acting_user=officer,
    )
    assert list(inbox_for(stand_in, "available")) == [item]
    services.claim(item, user=stand_in)
    assert services.check_can_complete(item, stand_in) == officer
    event = AuditEvent.objects.get(action="tasks.claimed")
    assert event.actor == stand_in and event.on_behalf_of == officer


def test_substitution_outside_its_dates_gives_nothing(user):
    officer, stand_in = user("officer_pd"), user("reviewer_pd")
    past = date(2020, 1, 1)
    services.set_substitute(
        principal=officer, substitute=stand_in, starts_on=past, ends_on=past, acting_user=officer
    )
    item = _item(instance(), ready())
    with pytest.raises(PermissionDeniedError):
        services.claim(item, user=stand_in)


def test_substitute_rules(user):
    officer = user("officer_pd")
    today = timezone.localdate()
    with pytest.raises(ProcedureError):
        services.set_substitute(
            principal=officer, substitute=officer, starts_on=today, ends_on=today, acting_user=officer
        )
    with pytest.raises(ProcedureError):
        services.set_substitute(
            principal=officer,
            substitute=user("officer_hp"),
            starts_on=today,
            ends_on=today,
            acting_user=officer,
        )
    with pytest.raises(PermissionDeniedError):
        services.set_substitute(
            principal=officer,
            substitute=user("reviewer_pd"),
            starts_on=today,
            ends_on=today,
            acting_user=user("reviewer_pd"),
        )


def test_overdue_items_escalate_once_with_an_outbox_event(user, django_capture_on_commit_callbacks):
    item = _item(instance(), ready(dueIn="P1D"))
    assert services.escalate_overdue(now=timezone.now()) == []
    later = timezone.now() + timedelta(days=2)
    assert inbox_for(user("officer_pd"), "available", overdue=True, now=later).get() == item
    escalated = services.escalate_overdue(now=later)
    assert [i.pk for i in escalated] == [item.pk]
    assert services.escalate_overdue(now=later) == []
    message = OutboxMessage.objects.get(idempotency_key=f"event:tasks.overdue:{item.pk}")
    assert message.payload["data"]["work_item_id"] == item.pk
    assert AuditEvent.objects.filter(action="tasks.overdue").count() == 1


def test_save_draft_requires_a_candidate(user):
    item = _item(instance(), ready())
    services.save_draft(item, user=user("officer_pd"), data={"opinion": "初步意见"})
    assert WorkItem.objects.get(pk=item.pk).draft == {"opinion": "初步意见"}
    with pytest.raises(PermissionDeniedError):
        services.save_draft(item, user=user("officer_hp"), data={})


def test_escalate_overdue_command(user):
    from io import StringIO

    from django.core.management import call_command

    item = _item(instance(), ready(dueIn="PT1H"))
    services.set_due(item, due_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "1 件" in out.getvalue()
    assert WorkItem.objects.get(pk=item.pk).escalated_at is not None


def test_saving_a_draft_is_audited_by_field_names_only(user):
    from security.chain import verify_chain

    officer, stand_in = user("officer_pd"), user("reviewer_pd")
    today = timezone.localdate()
    services.set_substitute(principal=officer, substitute=stand_in, starts_on=today, ends_on=today,
                            acting_user=officer)
    item = _item(instance(), ready())
    services.save_draft(item, user=stand_in, data={"opinion": "身份证 310101199001011234 待核"})
    event = AuditEvent.objects.get(action="tasks.draft_saved")
    assert (event.actor, event.on_behalf_of, event.subject_id) == (stand_in, officer, str(item.pk))
    assert event.data == {"fields": ["opinion"]}
    assert "310101199001011234" not in event.summary + str(event.data)  # what was typed stays in the item
    assert verify_chain().ok
