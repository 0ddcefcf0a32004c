"""Administration of working-day overrides and rule sets (saved through the audited services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from . import services
from .models import RuleSet, WorkingDayOverride


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_working_day", "name", "note", "updated_at")
    list_filter = ("is_working_day",)
    search_fields = ("name", "note")
    date_hierarchy = "day"

    def save_model(self, request: Any, obj: WorkingDayOverride, form: Any, change: bool) -> None:
        services.save_override(override=obj, acting_user=request.user)

    def delete_model(self, request: Any, obj: WorkingDayOverride) -> None:
        services.delete_override(override=obj, acting_user=request.user)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            services.delete_override(override=obj, acting_user=request.user)


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "active", "version", "updated_at")
    list_filter = ("active",)
    search_fields = ("key", "name")
    readonly_fields = ("version", "updated_at")

    def save_model(self, request: Any, obj: RuleSet, form: Any, change: bool) -> None:
        services.save_ruleset(ruleset=obj, acting_user=request.user)

    def delete_model(self, request: Any, obj: RuleSet) -> None:
        services.delete_ruleset(ruleset=obj, acting_user=request.user)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            services.delete_ruleset(ruleset=obj, acting_user=request.user)
