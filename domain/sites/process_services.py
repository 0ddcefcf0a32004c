"""Service tasks of the site-supervision procedure (``processes/models/site_supervision``): each performs a
django-fsm transition, so an illegal step is impossible whatever the model says."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from processes.engine.registry import ServiceContext, service
from security import audit

from .models import Site


def _site_id(ctx: ServiceContext) -> int:
    return int(ctx.params.get("site_id") or ctx.variables["site_id"])


def _site(ctx: ServiceContext) -> Site:
    return Site.objects.select_for_update().get(pk=_site_id(ctx))


@service("sites.draw_status")
def draw_status(ctx: ServiceContext) -> dict[str, Any]:
    """Whether the site has been drawn (read at the gateway, so a draw made while the team was being assigned
    counts)."""
    site = Site.objects.get(pk=_site_id(ctx))
    return {"drawn": site.drawn, "team": [u.username for u in site.supervision_team.all()]}


def _step(ctx: ServiceContext, transition: str, summary: str) -> dict[str, Any]:
    with transaction.atomic():
        site = _site(ctx)
        getattr(site, transition)()
        site.save(update_fields=["state"])
        audit.record(action=f"sites.{transition}", actor=ctx.acting_user, subject=site, summary=summary)
    return {"state": site.state}


@service("sites.begin_first_supervision")
def begin_first_supervision(ctx: ServiceContext) -> dict[str, Any]:
    return _step(ctx, "start_first_supervision", "进入首次监督")


@service("sites.begin_process_supervision")
def begin_process_supervision(ctx: ServiceContext) -> dict[str, Any]:
    return _step(ctx, "start_process_supervision", "进入过程监督")


@service("sites.begin_completion_supervision")
def begin_completion_supervision(ctx: ServiceContext) -> dict[str, Any]:
    return _step(ctx, "start_completion_supervision", "进入竣工监督")


@service("sites.confirm_completion")
def confirm_completion(ctx: ServiceContext) -> dict[str, Any]:
    return _step(ctx, "confirm_completion", "安全标准化达标确认，监督完成")
