"""The site-supervision BPMN through the real engine: drawn sites skip first and completion supervision (M20)."""

import pytest
from django.contrib.auth.models import Group

from domain.organisations.models import User
from domain.sites.models import Site, SiteState
from domain.sites.supervision import start_supervision
from processes import engine
from processes.models import InstanceStatus, ProcessInstance
from tasks.models import WorkItem
from tasks.selectors import items_of_instance

from .factories import SiteFactory

INSPECTION = {"inspected_on": "2026-11-20", "conclusion": "合格", "findings": ""}


@pytest.fixture
def inspector(directory, publish_models):
    publish_models("site_supervision")
    user = User.objects.create(username="insp_x", organisation=directory["310115"], full_name="检查员甲")
    user.groups.add(Group.objects.get(name="inspector"))
    return user


def _open_item(instance) -> WorkItem:
    items = [i for i in items_of_instance(instance.pk) if i.status in ("open", "claimed")]
    assert len(items) == 1, items
    return items[0]


def _complete(instance, username, data):
    item = _open_item(instance)
    return engine.complete_work_item(item.pk, data=data, acting_user=User.objects.get(username=username)), item


@pytest.mark.django_db
def test_drawn_site_goes_straight_to_process_supervision(user, inspector):
    site = SiteFactory(drawn=True)
    instance = start_supervision(site=site)
    assert _open_item(instance).element_id == "assign_team"
    instance, _ = _complete(instance, "officer_pd", {"team_confirmed": True})
    assert Site.objects.get(pk=site.pk).state == SiteState.PROCESS_SUPERVISION
    item = _open_item(instance)
    assert item.element_id == "process_supervision"
    instance, _ = _complete(instance, "insp_x", INSPECTION)
    assert Site.objects.get(pk=site.pk).state == SiteState.COMPLETED
    instance = ProcessInstance.objects.get(pk=instance.pk)
    assert instance.status == InstanceStatus.COMPLETED
    visited = {h.element_id for h in engine.instance_history(instance)}
    assert "first_supervision" not in visited and "completion_supervision" not in visited


@pytest.mark.django_db
def test_undrawn_site_follows_the_normal_path(user, inspector):
    site = SiteFactory()
    instance = start_supervision(site=site)
    instance, _ = _complete(instance, "officer_pd", {"team_confirmed": True})
    assert Site.objects.get(pk=site.pk).state == SiteState.FIRST_SUPERVISION
    for expected in ("first_supervision", "process_supervision", "completion_supervision"):
        assert _open_item(instance).element_id == expected
        instance, _ = _complete(instance, "insp_x", INSPECTION)
    assert Site.objects.get(pk=site.pk).state == SiteState.COMPLETED


@pytest.mark.django_db
def test_other_districts_officers_cannot_assign_the_team(user, inspector):
    site = SiteFactory()
    instance = start_supervision(site=site)
    item = _open_item(instance)
    from domain.errors import DomainError

    with pytest.raises(DomainError):
        engine.complete_work_item(item.pk, data={"team_confirmed": True}, acting_user=user("officer_hp"))
