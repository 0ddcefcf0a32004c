from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .admin_audit import AuditedAdminMixin
from .models import AuditEvent, LoginThrottle
from .throttle import describe


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
class LoginThrottleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Locked accounts and addresses; deleting a row unlocks it (audited: ``admin.deleted``)."""

    list_display = ("key", "failures", "window_started_at", "locked_until")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "window_started_at", "locked_until")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def audit_subject(self, obj: LoginThrottle) -> Any:
        return describe(obj)[0]  # the account unlocked (a username no account has is not repeated in the trail)

    def audit_label(self, obj: LoginThrottle) -> str:
        return describe(obj)[2]


# Django's and DRF's own admins of roles and API tokens, audited like ours (security/admin_audit.py). Roles
# (groups) granted or withdrawn through a user are recorded by security.acl as well.
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass


class AuditedTokenAdmin(AuditedAdminMixin, TokenAdmin):
    def audit_subject(self, obj: Any) -> Any:
        return obj.user  # a token's str() is the token itself: the trail names its owner instead

    def audit_label(self, obj: Any) -> str:
        return obj.user.username


for _model, _admin in ((Group, AuditedGroupAdmin), (TokenProxy, AuditedTokenAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
