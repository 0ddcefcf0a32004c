"""Writes of the decisions layer (administrators): working-day overrides and rule sets, each audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from security import audit

from .models import RuleSet, WorkingDayOverride


@transaction.atomic
def save_override(*, override: WorkingDayOverride, acting_user: Any) -> WorkingDayOverride:
    """Add or change a working-day override (工作日调整)."""
    override.full_clean()
    override.save()
    audit.record(
        action="decisions.working_day_override",
        actor=acting_user,
        subject=override,
        summary=f"工作日调整：{override}",
        after={
            "day": override.day.isoformat(),
            "is_working_day": override.is_working_day,
            "name": override.name,
        },
    )
    return override


@transaction.atomic
def delete_override(*, override: WorkingDayOverride, acting_user: Any) -> None:
    audit.record(
        action="decisions.working_day_override_deleted",
        actor=acting_user,
        subject=override,
        summary=f"删除工作日调整：{override}",
        before={"day": override.day.isoformat(), "is_working_day": override.is_working_day},
    )
    override.delete()


def _snapshot(ruleset: RuleSet) -> dict[str, Any]:
    """What a rule set says, as the trail keeps it."""
    return {"key": ruleset.key, "version": ruleset.version, "active": ruleset.active,
            "variables": ruleset.variables, "rules": ruleset.rules}


@transaction.atomic
def save_ruleset(*, ruleset: RuleSet, acting_user: Any) -> RuleSet:
    """Validate and save a rule set (预警规则集); each change raises its version."""
    ruleset.full_clean()
    if ruleset.pk:
        ruleset.version = (
            RuleSet.objects.filter(pk=ruleset.pk).values_list("version", flat=True).first() or 0
        ) + 1
    ruleset.save()
    audit.record(
        action="decisions.ruleset_saved",
        actor=acting_user,
        subject=ruleset,
        summary=f"保存预警规则集 {ruleset.key}（第 {ruleset.version} 版）",
        after=_snapshot(ruleset),
    )
    return ruleset


@transaction.atomic
def delete_ruleset(*, ruleset: RuleSet, acting_user: Any) -> None:
    """Remove a rule set (删除预警规则集); the trail keeps what it said."""
    audit.record(
        action="decisions.ruleset_deleted",
        actor=acting_user,
        subject=ruleset,
        summary=f"删除预警规则集 {ruleset.key}（第 {ruleset.version} 版）",
        before=_snapshot(ruleset),
    )
    ruleset.delete()
