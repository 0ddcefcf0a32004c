"""Page-side lookups: what the API answers with 404 is a plain ``Http404`` on pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from domain.errors import NotVisibleError
from processes.models import ProcessInstance
from tasks.models import Attachment, WorkItem
from tasks.selectors import get_visible_item

from .cases import get_visible_instance


def item_or_404(user: Any, pk: int) -> WorkItem:
    try:
        return get_visible_item(user, pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc


def instance_or_404(user: Any, pk: int) -> ProcessInstance:
    try:
        return get_visible_instance(user, pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc


def may_see_attachment(user: Any, attachment: Attachment) -> bool:
    """The uploader, and whoever may see the case the file belongs to."""
    if attachment.uploaded_by_id == user.pk:
        return True
    if attachment.instance_id is None:
        return False
    try:
        get_visible_instance(user, attachment.instance_id)
    except NotVisibleError:
        return False
    return True
