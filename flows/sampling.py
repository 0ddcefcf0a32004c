"""Random inspection draws (双随机抽查) for general decoration works, per district, on a schedule.

The schedule is the setting ``SAMPLING_DRAW_CRON`` (env, default: 09:00 on the 1st of each month); the round key is the month
(``YYYY-MM``). Re-running a round is a no-op: the commitment and the result are fixed once made."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from prefect import flow

from flows.django_setup import setup


@flow(name="sampling-draw-district", log_prints=True)
def district_draw(district_code: str, round_key: str | None = None, proportion: str | None = None) -> dict:
    """Commit (publish the seed's SM3) and then reveal the draw for one district's round."""
    setup()
    from security.context import system_actor

    with system_actor("随机抽查"):
        return run_district_draw(district_code, round_key, proportion)


def run_district_draw(district_code: str, round_key: str | None = None, proportion: str | None = None) -> dict:
    from django.utils import timezone

    from domain.organisations.models import District
    from domain.sites import services

    district = District.objects.get(pk=district_code)
    key = round_key or timezone.localdate().strftime("%Y-%m")
    record, created = services.commit_draw(
        district=district,
        round_key=key,
        proportion=Decimal(proportion) if proportion else services.DEFAULT_PROPORTION,
    )
    record = services.reveal_draw(record=record)
    print(f"{district.name} {key}: {'new' if created else 'existing'} round, selected {len(record.selected)}")
    return {"round_id": record.pk, "created": created, "selected": record.selected}


@flow(name="sampling-draw-all-districts", log_prints=True)
def all_districts_draw(round_key: str | None = None) -> list[dict]:
    """The scheduled run: every district that has eligible general-decoration sites."""
    setup()
    from domain.sites.models import Site
    from security.context import system_actor

    codes = sorted(set(Site.objects.filter(is_general_decoration=True).values_list("district_id", flat=True)))
    with system_actor("随机抽查"):
        return [run_district_draw(code, round_key) for code in codes]


DEPLOYMENTS = [(all_districts_draw, {"cron": settings.SAMPLING_DRAW_CRON})]
