"""What the task page and the case page show about a case: the application as filed, earlier steps' data,
history and attachments — all read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString

from processes import engine
from processes.engine import pii
from processes.models import ProcessInstance
from tasks.models import Attachment, WorkItem, WorkItemStatus
from tasks.selectors import items_of_instance, may_see_item_data

from .formrender import render_form
from .procedures import describe


@dataclass
class Step:
    item: WorkItem
    html: SafeString


def application_html(instance: ProcessInstance, attachments: dict[int, Attachment]) -> SafeString | None:
    """The start form's data as filed (申请信息), drawn with the start form's labels."""
    proc = describe(instance.definition)
    if not proc.start_form:
        return None
    return render_form(
        proc.start_form, proc.start_ui, instance.variables, readonly=True, attachments=attachments,
        disclose=lambda key: reverse("workflow:case-disclose", args=[instance.pk, key]),
        personal=pii.declared_in_any_version(instance.process_key),
    )


def case_context(
    instance_id: int,
    *,
    user: Any,
    attachments: dict[int, Attachment] | None = None,
    exclude_item: int | None = None,
) -> dict[str, Any]:
    instance = ProcessInstance.objects.select_related("definition", "initiator_org", "started_by").get(
        pk=instance_id
    )
    attachments = (
        attachments
        if attachments is not None
        else {a.pk: a for a in Attachment.objects.filter(instance_id=instance_id)}
    )
    items = list(items_of_instance(instance_id))
    steps = [
        Step(i, render_form(i.form, i.ui_schema, i.data, readonly=True, attachments=attachments))
        for i in items
        if i.status == WorkItemStatus.COMPLETED and i.pk != exclude_item and may_see_item_data(user, i)
    ]
    return {
        "instance": instance,
        "application_html": application_html(instance, attachments),
        "steps": steps,
        "work_items": items,
        "open_items": [i for i in items if i.is_active],
        "history": list(engine.instance_history(instance)),
        "attachments": list(attachments.values()),
    }
