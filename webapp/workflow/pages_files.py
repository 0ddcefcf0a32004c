"""Attachment download (附件下载): only for the uploader and those who may see the case; never a public URL."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from tasks.models import Attachment
from webapp.acting import acting_user

from .visibility import may_see_attachment


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = Attachment.objects.filter(pk=pk).first()
    if found is None or not may_see_attachment(acting_user(request), found):
        raise Http404("未找到该附件，或您无权查看。")
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=False,
        filename=found.original_name,
        content_type=found.content_type or None,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["X-Attachment-SM3"] = found.sm3
    return response
