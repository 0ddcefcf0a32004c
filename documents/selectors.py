"""Reads for documents and seals, always scoped to what the acting user may see."""

from __future__ import annotations

from typing import Any

from django.db import models

from domain.organisations.scoping import scope_queryset

from .models import Document, Seal


def documents_for(user: Any) -> models.QuerySet[Document]:
    """Documents issued by, or sealed by, an organisation the user may see (district regulators: their district)."""
    qs = Document.objects.select_related("issuer").order_by("-id")
    return scope_queryset(
        qs,
        user,
        organisation_fields=["issuer", "signatures__seal__organisation"],
        district_field="issuer__district",
    )


def seals_for(user: Any) -> models.QuerySet[Seal]:
    qs = Seal.objects.select_related("organisation").order_by("organisation__name", "-id")
    return scope_queryset(qs, user, organisation_fields=["organisation"], district_field="organisation__district")


def document_by_code(code: str) -> Document | None:
    """The public verification page's lookup: the unguessable code printed in the QR link."""
    return Document.objects.select_related("issuer").filter(verification_code=code).first()
