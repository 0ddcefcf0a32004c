"""The full ID number or phone of a person whose archive the user may see, on the record (查看完整个人信息)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from domain.errors import NotVisibleError
from domain.personnel import selectors
from webapp.acting import acting_user
from webapp.disclosure import disclosed

FIELDS = {"id_number": "身份证号码", "phone": "手机号码"}


@login_required
@require_POST
def disclose(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    if field not in FIELDS:
        raise Http404("没有该项个人信息。")
    try:
        person = selectors.get_person(acting_user(request), pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc
    return disclosed(request, subject=person, field=field, label=FIELDS[field], value=getattr(person, field))
