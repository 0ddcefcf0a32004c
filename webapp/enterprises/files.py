"""Rectification evidence (整改佐证材料) of a check case, for whoever may see the case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404

from domain.enterprises import selectors
from domain.enterprises.models import Evidence
from webapp.acting import acting_user
from webapp.files import stored_file


@login_required
def evidence(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    case = get_object_or_404(selectors.cases_visible_to(acting_user(request)), pk=pk)
    found = get_object_or_404(Evidence, pk=evidence_id, submission__case=case)
    return stored_file(found.file, filename=found.name, sm3=found.sm3)
