from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import District, Organisation, User


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "enterprise_type", "credit_code", "district", "is_active")
    list_filter = ("kind", "enterprise_type", "district")
    search_fields = ("name", "credit_code")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "organisation", "is_active")
    list_filter = ("groups", "organisation__kind")
    search_fields = ("username", "full_name", "organisation__name")
    fieldsets = (*BaseUserAdmin.fieldsets, ("单位", {"fields": ("full_name", "organisation")}))  # type: ignore[misc]
