"""Admin: work items are read-only here (they change only through the engine and ``tasks.services``);
substitutions can be reviewed and removed (audited: ``admin.deleted``)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from security.admin_audit import AuditedAdminMixin

from .models import Attachment, Substitution, WorkItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "name",
        "process_name",
        "business_key",
        "district_code",
        "status",
        "assignee",
        "due_at",
    )
    list_filter = ("status", "process_key", "district_code")
    search_fields = ("name", "summary", "business_key")
    list_select_related = ("assignee",)
    show_full_result_count = False  # a million rows: no COUNT(*) on every page


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "original_name", "instance_id", "size", "sm3", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "sha256", "sm3")


@admin.register(Substitution)
class SubstitutionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("principal", "substitute", "starts_on", "ends_on", "reason")
    list_select_related = ("principal", "substitute")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # set through the 代理设置 page, which audits it

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
