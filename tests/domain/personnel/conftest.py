"""Personnel test helpers: the published safety-staff models, a person who logs in, and work-item driving."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from domain.organisations.models import Organisation, User
from processes import engine
from tasks.models import WorkItem
from tasks.selectors import items_of_instance

from .factories import employed_person

FOLDERS = ("safety_staff_certification", "safety_staff_extension", "safety_staff_employer_change",
           "safety_staff_transfer", "safety_staff_cancellation", "safety_staff_help")


@pytest.fixture
def contractor(directory) -> Organisation:
    return directory["contractor"]


@pytest.fixture
def person_user(directory) -> User:
    user = User.objects.create(username="person_t", full_name="张测试")
    user.groups.add(Group.objects.get(name="applicant"))
    return user


@pytest.fixture
def person(person_user, contractor):
    return employed_person(contractor, name="张测试", user=person_user)


def open_items(instance: Any) -> list[WorkItem]:
    return [i for i in items_of_instance(instance.pk) if i.status in ("open", "claimed")]


def complete(instance: Any, username: str, data: dict[str, Any], element_id: str | None = None) -> Any:
    items = open_items(instance)
    assert len(items) == 1, [(i.element_id, i.status) for i in items]
    if element_id:
        assert items[0].element_id == element_id
    return engine.complete_work_item(items[0].pk, data=data, acting_user=User.objects.get(username=username))
