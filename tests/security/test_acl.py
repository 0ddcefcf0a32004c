import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from security.acl import verify_assignments


def _sql(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.mark.django_db
def test_assignments_made_through_the_application_verify(directory, user):
    assert verify_assignments() == []
    officer = user("officer_pd")
    officer.groups.add(Group.objects.get(name="reviewer"))
    officer.groups.remove(Group.objects.get(name="case_officer"))
    Group.objects.get(name="leader").user_set.add(officer)
    assert verify_assignments() == []
    call_command("verify_acl")


@pytest.mark.django_db
def test_role_granted_directly_in_the_database_is_detected(directory, user):
    contractor = user("ent_contractor")
    admin_group = Group.objects.get(name="sysadmin")
    _sql("INSERT INTO organisations_user_groups (user_id, group_id) VALUES (%s, %s)", [contractor.pk, admin_group.pk])
    issues = verify_assignments()
    assert [(i.username, i.group) for i in issues] == [("ent_contractor", "sysadmin")]
    with pytest.raises(CommandError):
        call_command("verify_acl")


@pytest.mark.django_db
def test_group_renamed_or_assignment_removed_in_the_database_is_detected(directory, user):
    group = Group.objects.get(name="enterprise_operator")
    _sql("UPDATE auth_group SET name = %s WHERE id = %s", ["sysadmin_x", group.pk])
    assert any("校验码不符" in i.problem for i in verify_assignments())
    _sql("UPDATE auth_group SET name = %s WHERE id = %s", ["enterprise_operator", group.pk])
    officer = user("officer_pd")
    _sql("DELETE FROM organisations_user_groups WHERE user_id = %s", [officer.pk])
    assert {i.problem for i in verify_assignments()} == {"角色分配被绕过系统直接删除。"}
    call_command("verify_acl", "--reseal")
    assert verify_assignments() == []


@pytest.mark.django_db
def test_role_and_scope_changes_are_in_the_audit_trail_with_who_made_them(directory, user, client):
    from security.chain import verify_chain
    from security.context import request_context
    from security.models import AuditEvent

    officer, admin = user("officer_pd"), user("admin")

    class Request:  # what the request middleware binds: the signed-in user of the request
        user = admin

    with request_context(request=Request()) as rid:
        officer.groups.add(Group.objects.get(name="approver"))
        Group.objects.get(name="leader").user_set.add(officer)
        officer.groups.remove(Group.objects.get(name="case_officer"))
        officer.organisation = directory["city"]  # moved to the city: sees every district now
        officer.save()
        directory["contractor"].district_id = "310101"
        directory["contractor"].save()
    officer.save(update_fields=["last_login"])  # not a scope change: no record

    roles = list(AuditEvent.objects.filter(action="security.roles_changed", request_id=rid).order_by("seq"))
    assert [(e.data["granted"], e.data["withdrawn"]) for e in roles] == [
        (["approver"], []), (["leader"], []), ([], ["case_officer"]),
    ]
    assert all(e.actor_id == admin.pk and e.subject_id == str(officer.pk) for e in roles)
    assert not AuditEvent.objects.exclude(request_id=rid).filter(action="security.user_scope_changed").exists()
    scope = AuditEvent.objects.get(action="security.user_scope_changed")
    assert scope.actor_id == admin.pk
    assert scope.before == {"organisation_id": directory["310115"].pk}
    assert scope.after == {"organisation_id": directory["city"].pk}
    org = AuditEvent.objects.get(action="security.organisation_scope_changed")
    assert org.before == {"district_id": "310115"} and org.after == {"district_id": "310101"}
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_account_created_outside_the_admin_is_audited(directory):
    from security.audit import history_for
    from security.chain import verify_chain

    call_command("createsuperuser", username="root2", email="", interactive=False, verbosity=0)
    from domain.organisations.models import User

    [event] = history_for(User.objects.get(username="root2"))
    assert event.action == "security.user_created" and "超级管理员" in event.summary
    assert event.after["is_superuser"] is True
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_reseal_names_the_command_as_its_actor(directory, user):
    from security.chain import verify_chain
    from security.models import AuditEvent

    call_command("verify_acl", "--reseal")
    event = AuditEvent.objects.get(action="security.acl_resealed")
    assert event.actor is None and event.actor_username == "系统（manage.py verify_acl --reseal）"
    assert verify_chain().ok
