import threading

import pytest
from django.db import connection, connections, transaction

from domain.errors import ConflictError
from processes import engine
from processes.models import ProcessHistory

from .conftest import ready_tasks


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need a server database (CI runs PostgreSQL)")
def test_concurrent_completion_of_one_task_one_wins_one_conflicts(publish, user):
    publish("review")
    officer = user("officer_pd")
    with transaction.atomic():
        instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    task_id = ready_tasks(instance)["fill"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete(amount: int) -> None:
        try:
            barrier.wait()
            engine.complete_task(instance.pk, task_id, data={"amount": amount}, acting_user=officer)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete, args=(amount,)) for amount in (80, 90)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert ProcessHistory.objects.filter(instance=instance, element_id="fill").count() == 1
    assert list(ready_tasks(instance)) == ["review"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need a server database (CI runs PostgreSQL)")
def test_two_sweeps_at_once_fire_each_timer_once(publish, user):
    from datetime import timedelta

    from django.utils import timezone

    publish("deadline")
    with transaction.atomic():
        instances = [
            engine.start("test_deadline", variables={"notice_date": "2030-01-10"}, acting_user=user("officer_pd"))
            for _ in range(4)
        ]
    later = timezone.now() + timedelta(hours=2)
    barrier = threading.Barrier(2)
    fired: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait()
            fired.extend(f.timer_id for f in engine.fire_due_timers(now=later))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(fired) == len(set(fired)) == len(instances)  # one "reminder" per instance, none twice
    for instance in instances:
        assert ProcessHistory.objects.filter(instance=instance, element_id="remind").count() == 1


def _complete_and_sweep_at_once(item_id: int, officer) -> list[BaseException]:
    from datetime import timedelta

    from django.utils import timezone

    from domain.errors import DomainError

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def complete() -> None:
        try:
            barrier.wait()
            engine.complete_work_item(item_id, data={}, acting_user=officer)
        except DomainError:
            pass  # the deadline won: the item was withdrawn
        except BaseException as exc:  # a deadlock or anything else fails the test
            errors.append(exc)
        finally:
            connections.close_all()

    def sweep() -> None:
        try:
            barrier.wait()
            engine.fire_due_timers(now=timezone.now() + timedelta(days=6))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete), threading.Thread(target=sweep)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need a server database (CI runs PostgreSQL)")
def test_a_deadline_firing_while_the_task_is_completed_never_deadlocks(publish, user):
    from tasks.models import WorkItem

    publish("deadline")
    officer = user("officer_pd")
    for _ in range(3):
        with transaction.atomic():
            instance = engine.start("test_deadline", variables={"district_code": "310115", "notice_date": "2030-01-10"},
                                    acting_user=officer)
        item = WorkItem.objects.get(instance_id=instance.pk, element_id="answer")
        assert _complete_and_sweep_at_once(item.pk, officer) == []
        elements = set(ProcessHistory.objects.filter(instance=instance).values_list("element_id", flat=True))
        assert ("answer" in elements) != ("overdue" in elements)  # exactly one of them happened
