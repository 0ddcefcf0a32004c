"""Timers and message waits (定时与消息) for administrators: the sweep's health at the top (stuck timers of running
cases, held ones apart, lateness of the last 24 hours), the timer lists and the message waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from processes import engine
from processes.models import MessageSubscription, ProcessTimer, TimerStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline(publish):
    return publish("deadline")


def _start(user):
    return engine.start("test_deadline", variables={"district_code": "310115", "notice_date": "2030-01-10"},
                        acting_user=user("officer_pd"))


def _page(client, user, url="/operations/timers/"):
    client.force_login(user("admin"))
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_healthy_sweep_and_the_pending_timers(client, deadline, user):
    instance = _start(user)
    page = _page(client, user)
    assert 'id="jg-sweep-ok"' in page and "jg-sweep-stuck" not in page
    assert page.count(f"案件号 {instance.pk}") == 2  # its two boundary timers, pending
    assert "<code>reminder</code>" in page and "<code>overdue</code>" in page


def test_a_stuck_timer_of_a_running_case_raises_the_alarm_and_held_ones_do_not(client, deadline, user):
    running, held = _start(user), _start(user)
    engine.suspend(held.pk, acting_user=user("admin"), reason="核查")
    long_ago = timezone.now() - timedelta(hours=3)
    ProcessTimer.objects.filter(element_id="reminder").update(due_at=long_ago)  # the sweep has not run for hours
    page = _page(client, user)
    assert 'id="jg-sweep-stuck"' in page and "有 <strong>1</strong> 个定时器到期超过 5 分钟仍未触发" in page
    stuck = _page(client, user, "/operations/timers/?stuck=1")
    assert f"案件号 {running.pk}" in stuck and f"案件号 {held.pk}" not in stuck
    engine.fire_due_timers()
    assert 'id="jg-sweep-ok"' in _page(client, user)  # the sweep caught up; the held timer waits for the resume


def test_fired_timers_show_their_lateness(client, deadline, user):
    instance = _start(user)
    ProcessTimer.objects.filter(instance=instance, element_id="reminder").update(
        due_at=timezone.now() - timedelta(minutes=2))
    [fired] = engine.fire_due_timers()
    assert fired.lateness_seconds >= 120
    page = _page(client, user, "/operations/timers/?status=fired")
    assert "近 24 小时触发" in page and f"案件号 {instance.pk}" in page
    assert f"{fired.lateness_seconds:.0f} 秒" in page
    assert ProcessTimer.objects.get(instance=instance, element_id="reminder").status == TimerStatus.FIRED


def test_search_garbage_and_empty_states(client, deadline, user):
    instance = _start(user)
    assert f"案件号 {instance.pk}" in _page(client, user, f"/operations/timers/?q={instance.pk}")
    none = _page(client, user, "/operations/timers/?q=没有这个&status=bogus&page=-3")
    assert "没有符合条件的定时器" in none
    assert "没有这一类定时器" in _page(client, user, "/operations/timers/?status=cancelled")
    assert "没有在等待消息的环节" in none


def test_message_waits_are_grouped_by_message(client, publish, user):
    publish("messages")
    for permit_no in ("XK-1", "XK-2"):
        engine.start("test_messages", variables={"permit_no": permit_no, "district_code": "310115"},
                     acting_user=user("officer_pd"))
    page = _page(client, user)
    assert "共 2 个环节在等待外部消息" in page and "<code>permit_received</code>" in page and "2 个 · 最早自" in page
    engine.correlate("permit_received", "XK-1", {"approved": True})
    assert "共 1 个环节在等待外部消息" in _page(client, user)
    waiting = MessageSubscription.objects.get().instance_id
    engine.suspend(waiting, acting_user=user("admin"), reason="核查")
    engine.correlate("permit_received", "XK-2", {"approved": True})
    assert "暂存消息 1 条" in _page(client, user)
    case = client.get(f"/cases/{waiting}/").content.decode()
    assert "该案件已挂起" in case and "挂起期间收到的 1 条消息已暂存，恢复后按收到顺序投递" in case


def test_administrators_only(client, deadline, user):
    client.force_login(user("officer_pd"))
    assert client.get("/operations/timers/").status_code == 403
