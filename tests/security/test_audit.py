import pytest
from django.db import transaction

from security import audit
from security.context import request_context
from security.models import AppendOnlyError, AuditEvent


@pytest.mark.django_db
def test_record_captures_actor_subject_and_request_id(directory, user):
    officer = user("officer_pd")
    with request_context("req-12345678"):
        event = audit.record(
            action="demo.test", actor=officer, subject=directory["contractor"], summary="测试", after={"a": 1}
        )
    assert event.actor_username == "officer_pd"
    assert event.subject_id == str(directory["contractor"].pk)
    assert event.request_id == "req-12345678"
    assert list(audit.history_for(directory["contractor"])) == [event]


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted(directory):
    event = audit.record(action="demo.test", summary="原始")
    event.summary = "篡改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="篡改")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "原始"


@pytest.mark.django_db(transaction=True)
def test_audit_record_rolls_back_with_the_change(directory):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(action="demo.rolled_back")
        raise RuntimeError("operation failed")
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_admin_offers_no_change_or_delete(client, directory):
    client.login(username="admin", password="jianguan-demo")
    event = audit.record(action="demo.test")
    assert client.get(f"/admin/security/auditevent/{event.pk}/delete/").status_code == 403
    resp = client.post(f"/admin/security/auditevent/{event.pk}/change/", {"summary": "x"})
    assert resp.status_code == 403
