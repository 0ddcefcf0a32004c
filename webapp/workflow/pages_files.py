"""Attachment download (附件下载): only for the uploader and those who may see the case; never a public URL."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from tasks.models import Attachment
from webapp.acting import acting_user
from webapp.files import stored_file

from .visibility import may_see_attachment


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = Attachment.objects.filter(pk=pk).first()
    if found is None or not may_see_attachment(acting_user(request), found):
        raise Http404("未找到该附件，或您无权查看。")
    return stored_file(found.file, filename=found.original_name, sm3=found.sm3, content_type=found.content_type)
