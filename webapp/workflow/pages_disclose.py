"""The full value of a case's personal-data field (``x-pii``), for someone who may see the case, on the record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from processes.engine import pii
from webapp.acting import acting_user
from webapp.disclosure import disclosed

from .procedures import describe
from .visibility import instance_or_404


@login_required
@require_POST
def case_disclose(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    instance = instance_or_404(acting_user(request), pk)
    value = pii.disclosed_value(instance, name)
    if not value:
        raise Http404("该案件没有这项个人信息。")
    start_form = describe(instance.definition).start_form or {}
    label = str(((start_form.get("properties") or {}).get(name) or {}).get("title") or name)
    return disclosed(request, subject=instance, field=name, label=label, value=value)
