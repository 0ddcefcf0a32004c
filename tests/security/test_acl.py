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
