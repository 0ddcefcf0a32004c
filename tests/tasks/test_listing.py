from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import Paginator

from tasks import services
from tasks.models import WorkItem
from tasks.selectors import Filters, counts_for, inbox_for, inbox_list
from tasks.sync import sync_instance_tasks

from .factories import instance, ready

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _file(n: int, **props: str) -> list[WorkItem]:
    items = []
    for i in range(n):
        ref = instance()
        task = ready(**props)
        sync_instance_tasks(ref, [type(task)(**{**task.__dict__, "ready_since": T0 + timedelta(minutes=i)})])
        items.append(WorkItem.objects.get(instance_id=ref.id))
    return items


def test_available_pages_newest_first_and_match_the_queryset(user):
    items = _file(7)
    officer = user("officer_pd")
    listing = inbox_list(officer, "available")
    assert listing.count() == 7
    pages = Paginator(listing, 3)
    seen = [i.pk for n in pages.page_range for i in pages.page(n)]
    assert seen == [i.pk for i in reversed(items)]
    assert seen == list(inbox_for(officer, "available").values_list("pk", flat=True))


def test_an_item_matched_twice_is_listed_once(user):
    # offered to reviewers and approvers; a user holding both roles matches two candidate rows
    from django.contrib.auth.models import Group

    reviewer = user("reviewer_pd")
    reviewer.groups.add(Group.objects.get(name="approver"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    _file(2, candidateGroups="reviewer,approver")
    listing = inbox_list(reviewer, "available")
    assert listing.count() == 2 and len(listing[0:10]) == 2


def test_todo_merges_mine_and_available_by_due_date(user):
    a, b, c = _file(3, dueIn="P1D")
    officer = user("officer_pd")
    services.claim(b, user=officer)
    services.set_due(c, due_at=T0 - timedelta(days=5))
    later = T0 + timedelta(days=30)
    listing = inbox_list(officer, "todo", filters=Filters(overdue=True), now=later)
    assert [i.pk for i in listing[0:10]] == [c.pk, a.pk, b.pk]
    assert listing.count() == 3
    counts = counts_for(officer)
    assert counts["mine"] == 1 and counts["available"] == 2


def test_filters_by_process_and_search(user):
    _file(3)
    officer = user("officer_pd")
    target = WorkItem.objects.order_by("id").first()
    found = inbox_list(officer, "available", filters=Filters(search=target.business_key))
    assert [i.pk for i in found[0:5]] == [target.pk]
    assert inbox_list(officer, "available", filters=Filters(process="other")).count() == 0


def test_counts_and_pages_deduplicate_for_multi_role_and_substitutes(user):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    _file(2, candidateGroups="reviewer,approver")
    _file(1)  # a case-officer item
    reviewer = user("reviewer_pd")
    reviewer.groups.add(Group.objects.get(name="approver"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    assert counts_for(reviewer)["available"] == 2
    # a Pudong approver standing in for the reviewer matches the same items through both identities
    today = timezone.localdate()
    services.set_substitute(
        principal=reviewer,
        substitute=user("approver_pd"),
        starts_on=today,
        ends_on=today,
        acting_user=reviewer,
    )
    listing = inbox_list(user("approver_pd"), "available")
    assert listing.count() == 2 and len({i.pk for i in listing[0:10]}) == 2
    assert counts_for(user("approver_pd"))["available"] == 2
