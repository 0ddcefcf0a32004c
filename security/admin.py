from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, LoginThrottle


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, so the admin offers neither change nor delete."""

    list_display = ("occurred_at", "actor_username", "action", "subject_repr", "request_id")
    list_filter = ("action",)
    search_fields = ("actor_username", "action", "subject_repr", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Locked accounts and addresses; deleting a row unlocks it."""

    list_display = ("key", "failures", "window_started_at", "locked_until")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "window_started_at", "locked_until")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
