"""What an administrator changes in the Django admin is on the audit trail (security/admin_audit.py)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy

from decisions.models import RuleSet, WorkingDayOverride
from security.admin_audit import AuditedAdminMixin
from security.audit import history_for
from security.chain import verify_chain
from security.models import AuditEvent, LoginThrottle
from tasks.models import Substitution

# admins whose writes go through an audited service instead (decisions/services.py)
SERVICE_BACKED = {WorkingDayOverride, RuleSet}


@pytest.mark.django_db
def test_every_admin_that_lets_an_administrator_write_is_audited(directory, user):
    request = RequestFactory().get("/admin/")
    request.user = user("admin")
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        writes = (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                  or model_admin.has_delete_permission(request))
        if writes and not isinstance(model_admin, AuditedAdminMixin) and model not in SERVICE_BACKED:
            unaudited.append(model._meta.label)
    assert unaudited == []


@pytest.mark.django_db
def test_a_user_changed_in_the_admin_is_audited_without_values(client, directory, user):
    client.force_login(user("admin"))
    officer = user("reviewer_pd")
    joined = timezone.localtime(officer.date_joined)
    data = {"username": officer.username, "full_name": officer.full_name, "organisation": officer.organisation_id,
            "email": "fuhe.personal@example.com", "is_active": "on", "groups": [g.pk for g in officer.groups.all()],
            "date_joined_0": f"{joined:%Y-%m-%d}", "date_joined_1": f"{joined:%H:%M:%S}"}
    resp = client.post(f"/admin/organisations/user/{officer.pk}/change/", data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors if resp.context else resp
    event = history_for(officer).get(action="admin.changed")
    assert event.actor == user("admin") and event.data["model"] == "organisations.User"
    assert "Email address" in event.data["fields"] and "fuhe.personal" not in event.summary + str(event.data)

    resp = client.post(f"/admin/organisations/user/{officer.pk}/password/",
                       {"password1": "A-new-Passw0rd!x", "password2": "A-new-Passw0rd!x",
                        "usable_password": "true", "set_usable_password": "true"})
    assert resp.status_code == 302
    event = history_for(officer).filter(action="admin.changed").last()
    assert "password" in " ".join(event.data["fields"]).lower()
    officer.refresh_from_db()
    assert officer.password.split("$")[-1] not in str(event.data) + event.summary
    assert verify_chain().ok


@pytest.mark.django_db
def test_roles_tokens_unlocks_and_substitutions_removed_in_the_admin_are_audited(directory, user):
    request = RequestFactory().post("/admin/")
    request.user = user("admin")
    group = Group.objects.create(name="temporary")
    admin.site._registry[Group].delete_model(request, group)
    token = Token.objects.create(user=user("ent_contractor"))
    admin.site._registry[TokenProxy].delete_model(request, TokenProxy.objects.get(pk=token.pk))
    lock = LoginThrottle.objects.create(key="user:officer_pd", failures=0, locked_until=timezone.now())
    admin.site._registry[LoginThrottle].delete_queryset(request, LoginThrottle.objects.filter(pk=lock.pk))
    today = timezone.localdate()
    sub = Substitution.objects.create(principal=user("officer_pd"), substitute=user("reviewer_pd"),
                                      starts_on=today, ends_on=today)
    admin.site._registry[Substitution].delete_model(request, sub)

    events = list(AuditEvent.objects.filter(action="admin.deleted").order_by("seq"))
    assert [e.data["model"] for e in events] == [
        "auth.Group", "authtoken.TokenProxy", "security.LoginThrottle", "tasks.Substitution"
    ]
    assert all(e.actor == user("admin") for e in events)
    assert events[1].subject_id == str(user("ent_contractor").pk)  # the token's owner, never the token
    assert all(token.key not in e.summary + e.subject_repr + str(e.data) for e in events)
    assert not Group.objects.filter(name="temporary").exists() and not Substitution.objects.exists()
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_rule_set_deleted_in_the_admin_is_audited(directory, user):
    from decisions import services

    ruleset = services.save_ruleset(
        ruleset=RuleSet(key="demo_rules", name="演示规则", variables={"days": "numeric"}, rules=[
            {"id": "late", "name": "已超期", "conditions": {"all": [{"name": "days", "operator": "less_than", "value": 0}]},
             "actions": [{"name": "escalate", "params": {"role": "leader", "message": "办理已超过时限"}}]}]),
        acting_user=user("admin"),
    )
    request = RequestFactory().post("/admin/")
    request.user = user("admin")
    admin.site._registry[RuleSet].delete_model(request, ruleset)
    event = AuditEvent.objects.get(action="decisions.ruleset_deleted")
    assert event.actor == user("admin") and event.before["key"] == "demo_rules" and event.before["rules"]
    assert not RuleSet.objects.exists()
    assert verify_chain().ok
