from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Document, DocumentSignature, Seal


class _ReadOnly(admin.ModelAdmin):
    """Documents and seals change only through their services (issue, seal, revoke), never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(_ReadOnly):
    list_display = ("number", "title", "kind", "issuer", "issued_at")
    list_filter = ("kind",)
    search_fields = ("number", "title")


@admin.register(Seal)
class SealAdmin(_ReadOnly):
    list_display = ("name", "es_id", "organisation", "seal_type", "valid_to", "revoked_at")
    search_fields = ("name", "es_id")
    exclude = ("image",)


@admin.register(DocumentSignature)
class DocumentSignatureAdmin(_ReadOnly):
    list_display = ("document", "position", "seal", "signer_name", "signed_at")
