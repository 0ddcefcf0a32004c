"""The certificate history (证书变更记录) and its audit record, written together."""

from __future__ import annotations

from typing import Any

from security import audit

from .models import CertificateEvent, SafetyCertificate


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def record_event(
    certificate: SafetyCertificate,
    *,
    kind: str,
    summary: str,
    actor: Any = None,
    automatic: bool = False,
    data: dict[str, Any] | None = None,
    document: Any = None,
    instance_id: int | None = None,
) -> CertificateEvent:
    """Append to the certificate history and the audit chain (call inside the business transaction). An automatic
    decision (自动决定) has no human actor: whoever triggered the step is kept as ``triggered_by``."""
    if automatic and _user(actor) is not None:
        data = {**(data or {}), "triggered_by": actor.username}
        actor = None
    event = CertificateEvent.objects.create(
        certificate=certificate,
        kind=kind,
        summary=summary[:300],
        automatic=automatic,
        actor=_user(actor),
        data=data or {},
        document=document,
        instance_id=instance_id,
    )
    audit.record(
        action=f"personnel.{kind}",
        actor=_user(actor),
        subject=certificate,
        summary=("【自动决定】" if automatic else "") + summary,
        data={"automatic": automatic, "number": certificate.number or "", **(data or {})},
    )
    return event
