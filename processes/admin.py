"""Read-only admin views of definitions and instances: every change goes through ``processes.engine``."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import HeldMessage, ProcessDefinition, ProcessHistory, ProcessInstance, ProcessTimer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("key", "version", "name", "procedure", "published_at")
    search_fields = ("key", "name", "procedure")
    exclude = ("bpmn_files", "dmn_files", "forms")


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ReadOnlyAdmin):
    list_display = ("id", "process_key", "status", "business_key", "district_code", "started_at", "error_element_id")
    list_filter = ("status", "process_key")
    search_fields = ("business_key", "process_key")
    exclude = ("state",)


@admin.register(ProcessHistory)
class ProcessHistoryAdmin(ReadOnlyAdmin):
    list_display = ("instance", "element_id", "element_name", "actor", "completed_at", "outcome")
    search_fields = ("element_id", "element_name")


@admin.register(ProcessTimer)
class ProcessTimerAdmin(ReadOnlyAdmin):
    list_display = ("instance", "element_id", "kind", "due_at", "status", "lateness_seconds")
    list_filter = ("status", "kind")


@admin.register(HeldMessage)
class HeldMessageAdmin(ReadOnlyAdmin):
    list_display = ("instance", "message_name", "correlation_key", "received_at")
    search_fields = ("message_name", "correlation_key")
    exclude = ("payload",)
