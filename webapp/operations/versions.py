"""Process versions and instance migration (流程版本与迁移): the administrator's list of published processes with
the active cases on each version, and a process's page with a dry run of moving the cases on older versions to the
latest one (:func:`processes.engine.migration.migrate_instances`) and the form that migrates the safe ones.

The dry run locks and loads each case's workflow, so a page previews at most :data:`PLAN_MAX` cases (the oldest
first); once they are migrated the next dry run shows the rest. A migration run records one summary audit event
(``process.migration_run``) with its reason, besides the engine's ``process.migrate`` event per case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from domain.errors import ConflictError
from processes.engine.migration import MigrationPlan, migrate_instances
from processes.models import ACTIVE_STATUSES, InstanceStatus, ProcessDefinition, ProcessInstance
from security import audit
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text
from webapp.refusals import attempt

from .controls import REASON_MAX, clean_reason, require_operator

PAGE_SIZE = 20
PLAN_MAX = 200  # cases previewed by one dry run
MIGRATE_MAX = 500  # cases one migration run may name
_ID = re.compile(r"[0-9]{1,18}")


def _administrator(request: HttpRequest) -> Any:
    return require_operator(acting_user(request), "查看流程版本和迁移流程实例")


@dataclass
class VersionCount:
    version: int
    active: int
    latest: bool


@dataclass
class ProcessRow:
    key: str
    name: str
    latest: int
    published_at: datetime | None
    counts: list[VersionCount]  # the latest version, then each older one with active cases (newest first)
    outdated: int  # active cases on older versions


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    """One row per process key: its latest version and the active cases on each version; keys with active cases on
    an older version are marked (they can be migrated)."""
    _administrator(request)
    search = search_text(request)
    published = ProcessDefinition.objects.all()
    if search:
        matching = ProcessDefinition.objects.filter(Q(key__icontains=search) | Q(name__icontains=search))
        published = published.filter(key__in=matching.values("key"))
    keys = published.order_by().values("key").annotate(latest=Max("version")).order_by("key")
    page = paginate(request, keys, per_page=PAGE_SIZE, filters={"q": search})
    on_page = {row["key"]: row["latest"] for row in page.object_list}
    latest: dict[str, tuple[str, datetime | None]] = {}
    for key, version, name, when in ProcessDefinition.objects.filter(key__in=on_page).order_by().values_list(
        "key", "version", "name", "published_at"
    ):
        if version == on_page[key]:
            latest[key] = (name, when)
    active: dict[str, dict[int, int]] = {}
    for key, version, n in (
        ProcessInstance.objects.filter(process_key__in=on_page, status__in=ACTIVE_STATUSES).order_by()
        .values_list("process_key", "definition__version").annotate(n=Count("id"))
    ):
        active.setdefault(key, {})[version] = n
    rows = []
    for key, newest in on_page.items():
        per_version = active.get(key, {})
        name, published_at = latest.get(key, ("", None))
        counts = [VersionCount(newest, per_version.get(newest, 0), True)] + [
            VersionCount(v, n, False) for v, n in sorted(per_version.items(), reverse=True) if v < newest and n
        ]
        rows.append(ProcessRow(key, name or key, newest, published_at, counts,
                               sum(n for v, n in per_version.items() if v < newest)))
    return render(request, "operations/definitions.html", {"page": page, "rows": rows, "q": search})


def _render_definition(request: HttpRequest, key: str, *, status: int = 200, plan: bool = False,
                       from_value: str | None = None) -> HttpResponse:
    """The page of process ``key``: its versions with their case counts and, asked for (``plan``) and when cases
    are active on older versions, the dry run of their migration with the form that migrates the safe ones."""
    versions = list(
        ProcessDefinition.objects.filter(key=key).order_by("-version").values(
            "version", "name", "procedure", "content_hash", "published_at"
        ).annotate(
            active=Count("instances", filter=Q(instances__status__in=ACTIVE_STATUSES)),
            completed=Count("instances", filter=Q(instances__status=InstanceStatus.COMPLETED)),
        )
    )
    if not versions:
        raise Http404("没有这个流程。")
    target = versions[0]
    older = [v for v in versions[1:] if v["active"]]
    outdated = sum(v["active"] for v in older)
    context: dict[str, Any] = {
        "key": key, "name": target["name"] or key, "target": target, "versions": versions, "older": older,
        "outdated": outdated, "plan": False, "reason_max": REASON_MAX, "plan_max": PLAN_MAX,
    }
    if outdated and plan:
        offered = [str(v["version"]) for v in older]
        source = choice(request, "from", offered) if from_value is None else (from_value if from_value in offered else "")
        candidates = ProcessInstance.objects.filter(
            process_key=key, status__in=ACTIVE_STATUSES, definition__version__lt=target["version"]
        )
        if source:
            candidates = candidates.filter(definition__version=int(source))
        total = candidates.count()
        first = list(candidates.order_by("pk").values_list("pk", flat=True)[:PLAN_MAX])
        plans = migrate_instances(key, acting_user=acting_user(request), dry_run=True, instance_ids=first,
                                  from_version=int(source) if source else None)
        business_keys = dict(ProcessInstance.objects.filter(pk__in=[p.instance_id for p in plans])
                             .values_list("pk", "business_key"))
        safe = [p for p in plans if p.safe]
        context.update({
            "plan": True, "source": source, "total": total, "plans": [(p, business_keys.get(p.instance_id, ""))
                                                                       for p in plans],
            "safe": safe, "unsafe": len(plans) - len(safe), "capped": total > len(plans),
        })
    return render(request, "operations/definition.html", context, status=status)


@login_required
def definition(request: HttpRequest, key: str) -> HttpResponse:
    """A process's versions; ``?plan=1`` (``&from=<version>``) adds the dry run of migrating its older cases."""
    _administrator(request)
    return _render_definition(request, key, plan=request.GET.get("plan") == "1")


def _posted_ids(values: list[str]) -> list[int]:
    """The case numbers the form posted: digits only, each once, at least one and at most :data:`MIGRATE_MAX`."""
    if not values:
        raise ValidationError("没有可迁移的实例：请先预演迁移，再提交可迁移的实例。")
    if len(values) > MIGRATE_MAX:
        raise ValidationError(f"一次最多迁移 {MIGRATE_MAX} 个实例（提交了 {len(values)} 个）。")
    bad = [v for v in values if not _ID.fullmatch(v.strip())]
    if bad:
        raise ValidationError(f"提交的实例编号无效：“{bad[0][:20]}”。请重新预演迁移后再提交。")
    return sorted({int(v) for v in values})


def _summary(plans: list[MigrationPlan], ids: list[int]) -> tuple[list[int], dict[int, list[str]], list[int]]:
    migrated = [p.instance_id for p in plans if p.migrated]
    refused = {p.instance_id: p.reasons for p in plans if not p.migrated}
    planned = {p.instance_id for p in plans}
    return migrated, refused, [i for i in ids if i not in planned]


@login_required
@require_POST
def migrate(request: HttpRequest, key: str) -> HttpResponse:
    """Migrate the posted cases of process ``key`` (the safe ones of the dry run) to its latest version, with the
    reason typed; the engine checks each case again and leaves an unsafe one as it is. Refused (no reason, bad case
    numbers, a newer version published since the dry run): the page again with the message, nothing migrated."""
    user = _administrator(request)
    target = ProcessDefinition.objects.filter(key=key).order_by("-version").only("pk", "version").first()
    if target is None:
        raise Http404("没有这个流程。")
    source = request.POST.get("from", "")

    def run() -> HttpResponse:
        reason = clean_reason(request.POST.get("reason"))
        ids = _posted_ids(request.POST.getlist("instance"))
        planned_for = request.POST.get("to", "").strip()
        if planned_for and not _ID.fullmatch(planned_for):
            raise ValidationError(f"目标版本无效：“{planned_for[:20]}”。请重新预演迁移后再提交。")
        if planned_for and planned_for != str(target.version):
            raise ConflictError(f"预演后流程已发布新版本 v{target.version}，请重新预演后再迁移。")
        plans = migrate_instances(key, acting_user=user, to_version=target.version, instance_ids=ids)
        migrated, refused, skipped = _summary(plans, ids)
        audit.record(
            action="process.migration_run",
            actor=user,
            summary=f"流程 {key} 迁移到 v{target.version}：迁移 {len(migrated)} 个实例，{len(refused)} 个因不安全未迁移",
            data={"key": key, "to_version": target.version, "reason": reason, "migrated": migrated,
                  "refused": {str(i): reasons for i, reasons in refused.items()}, "skipped": skipped},
        )
        text = f"已迁移 {len(migrated)} 个实例，{len(refused)} 个因不安全未迁移"
        if skipped:
            text += f"，{len(skipped)} 个已不在旧版本上办理（已迁移或已结束），未处理"
        messages.success(request, text + "。")
        return redirect("operations:definition", key=key)

    def page(status: int) -> HttpResponse:
        return _render_definition(request, key, status=status, plan=True, from_value=source)

    return attempt(request, run, page, lead="未能迁移流程实例：")
