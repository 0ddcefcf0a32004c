"""The web's two writes on processes — start a procedure, complete a work item — each one transaction:
permission (403), form validation with per-field Chinese messages (400), uploaded files linked to the case, then
the engine."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from domain.errors import PermissionDeniedError
from domain.organisations.models import User
from processes import engine
from processes.models import ProcessInstance
from tasks import services as task_services
from tasks.attachments import link_attachments, link_refs, referenced_attachments
from tasks.forms import validate_data
from tasks.models import WorkItem

from .procedures import Procedure


def start_procedure(proc: Procedure, *, user: User, variables: Any) -> ProcessInstance:
    """Start ``proc`` as ``user`` with the start form's data (申请)."""
    if not proc.may_start(user):
        raise PermissionDeniedError("您无权发起该流程。")
    data = validate_data(proc.start_form, variables) if proc.start_form else _plain(variables)
    # only what the start form declares becomes a process variable: an applicant cannot set the outcome, the
    # district or the party a later step is offered to
    data = engine.declared_fields(proc.start_form, data)
    with transaction.atomic():
        refs = referenced_attachments(proc.start_form, data)
        instance = engine.start(proc.key, variables=data, acting_user=user, business_key=new_business_key())
        link_refs(refs, instance_id=instance.pk, user=user)
    return instance


def new_business_key() -> str:
    """An application number (申请编号) such as ``SQ20250301-3F9A2C``."""
    return f"SQ{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def _plain(variables: Any) -> dict[str, Any]:
    if variables in (None, ""):
        return {}
    if not isinstance(variables, dict):
        raise ValidationError({"variables": ["应为一个对象（JSON object）"]})
    return variables


def complete_item(item: WorkItem, *, user: User, data: Any) -> ProcessInstance:
    """Complete ``item`` as ``user`` (or for the principal ``user`` substitutes for) with the form ``data``."""
    with transaction.atomic():
        locked = WorkItem.objects.select_for_update().get(pk=item.pk)
        task_services.check_can_complete(locked, user)
        cleaned = validate_data(locked.form, data)
        link_attachments(locked, cleaned, user=user)
        return engine.complete_work_item(locked.pk, data=cleaned, acting_user=user)
