"""Sealed PDFs for this context (整改通知书, 事先告知书, 陈述申辩笔录, 法制审核意见书, 决定书, 送达回证, 整改申请书),
through ``documents.services`` (issue, then seal with the issuing organisation's e-seal)."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.db import models


def documents_available() -> bool:
    return importlib.util.find_spec("documents.services") is not None


def issue_sealed(
    *,
    kind: str,
    title: str,
    context: dict[str, Any],
    subject: models.Model,
    issuer: Any,
    acting_user: Any,
    seal: bool = True,
) -> int | None:
    """Issue a document and seal it with ``issuer``'s seal; returns its id (``None`` while the documents layer is
    not installed)."""
    if not documents_available():
        return None
    from documents import services as documents

    doc = documents.issue_document(
        kind=kind, title=title, context=context, subject=subject, issuer=issuer, acting_user=acting_user
    )
    if seal and issuer is not None:
        doc = documents.seal_document(doc, organisation=issuer, acting_user=None)
    return int(doc.pk)


def record_receipt(
    *, document_id: int | None, recipient_name: str, method: str, acting_user: Any
) -> int | None:
    """Record the delivery of a document and issue its receipt of delivery (送达回证); returns the receipt id."""
    if document_id is None or not documents_available():
        return None
    from documents import services as documents
    from documents.models import Delivery, Document

    method_map = {"online": Delivery.Method.ELECTRONIC, "on_site": Delivery.Method.DIRECT}
    document = Document.objects.select_related("issuer").get(pk=document_id)
    delivery = documents.record_delivery(
        document=document,
        recipient_name=recipient_name,
        method=method_map.get(method, Delivery.Method.NOTICE),
        acting_user=acting_user,
    )
    if delivery.receipt is not None and document.issuer is not None:
        documents.seal_document(delivery.receipt, organisation=document.issuer, acting_user=None)
    return delivery.receipt_id
