"""The Prefect draw flow: runs a district's round end to end; re-running the round is a no-op."""

import pytest
from django.contrib.auth.models import Group

from domain.organisations.models import User
from domain.sites.models import DrawRound
from flows.sampling import all_districts_draw, district_draw
from flows.serve import collect

from .factories import SiteFactory


@pytest.mark.django_db(transaction=True)
def test_flow_draws_once_per_round(directory, settings):
    group = Group.objects.get(name="inspector")
    for i in range(3):
        User.objects.create(username=f"fi{i}", organisation=directory["310115"]).groups.add(group)
    for _ in range(10):
        SiteFactory()
    first = district_draw.fn("310115", "2026-11", "0.2")
    second = district_draw.fn("310115", "2026-11", "0.2")
    assert first["created"] and not second["created"]
    assert first["selected"] == second["selected"] and len(first["selected"]) == 2
    assert DrawRound.objects.count() == 1
    results = all_districts_draw.fn("2026-11")
    assert [r["round_id"] for r in results] == [first["round_id"]]


def test_draw_flow_is_scheduled_by_the_configured_cron(settings):
    schedules = {fl.name: sched for fl, sched in collect()}
    assert schedules["sampling-draw-all-districts"] == {"cron": settings.SAMPLING_DRAW_CRON}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_flow_runs_under_a_real_prefect_server(directory, tmp_path, monkeypatch):
    """The flow as Prefect runs it (state tracking, parameters), against a throw-away local Prefect server."""
    from prefect.testing.utilities import prefect_test_harness

    group = Group.objects.get(name="inspector")
    for i in range(2):
        User.objects.create(username=f"ph{i}", organisation=directory["310115"]).groups.add(group)
    for _ in range(4):
        SiteFactory()
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    with prefect_test_harness(server_startup_timeout=120):
        state = district_draw("310115", "2026-10", "0.5", return_state=True)
    assert state.is_completed()
    result = state.result()
    assert result["created"] and len(result["selected"]) == 2
    assert DrawRound.objects.get(pk=result["round_id"]).state == "completed"
