
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from security.admin_audit import AuditedAdminMixin

from .models import District, Organisation, User


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "enterprise_type", "credit_code", "district", "is_active")
    list_filter = ("kind", "enterprise_type", "district")
    search_fields = ("name", "credit_code")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "organisation", "is_active")
    list_filter = ("groups", "organisation__kind")
    search_fields = ("username", "full_name", "organisation__name")
    fieldsets = (*BaseUserAdmin.fieldsets, ("单位", {"fields": ("full_name", "organisation")}))  # type: ignore[misc]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Django's password view saves outside a transaction: keep the new password and its audit record together
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)
