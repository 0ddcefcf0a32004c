"""Timer sweep flow (定时器扫描): fires every due BPMN timer, every minute; safe to overlap or repeat."""

from __future__ import annotations

from prefect import flow

from flows.django_setup import setup


@flow(name="process-timer-sweep", log_prints=True, timeout_seconds=300)
def timer_sweep() -> dict[str, float]:
    setup()
    from processes.engine import fire_due_timers
    from security.context import system_actor

    with system_actor("定时器扫描"):
        fired = fire_due_timers()
    for timer in fired:
        print(f"fired {timer.element_id} of instance {timer.instance_id}, {timer.lateness_seconds:.1f}s late")
    latest = max((t.lateness_seconds for t in fired), default=0.0)
    return {"fired": len(fired), "max_lateness_seconds": latest}


DEPLOYMENTS = [(timer_sweep, {"interval": 60})]
