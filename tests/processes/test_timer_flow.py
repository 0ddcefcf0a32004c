from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from flows.serve import collect
from flows.timer_sweep import timer_sweep
from processes import engine
from processes.models import ProcessTimer, TimerStatus


@pytest.mark.django_db(transaction=True)
def test_timer_sweep_flow_fires_what_is_due(publish, user):
    publish("deadline")
    with transaction.atomic():
        instance = engine.start("test_deadline", variables={"notice_date": "2030-01-10"}, acting_user=user("officer_pd"))
    ProcessTimer.objects.filter(instance=instance, element_id="reminder").update(
        due_at=timezone.now() - timedelta(seconds=30)
    )
    result = timer_sweep.fn()
    assert result["fired"] == 1 and result["max_lateness_seconds"] >= 30
    assert ProcessTimer.objects.get(instance=instance, element_id="reminder").status == TimerStatus.FIRED
    assert timer_sweep.fn()["fired"] == 0


def test_timer_sweep_is_scheduled_every_minute():
    schedules = {fl.name: sched for fl, sched in collect()}
    assert schedules["process-timer-sweep"] == {"interval": 60}
