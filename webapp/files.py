"""Sending a stored upload to someone allowed to see it: never from a public media URL, never able to run as a
page of the platform (``Content-Security-Policy: sandbox``, no content sniffing), with its SM3 digest."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404


def stored_file(file: Any, *, filename: str, sm3: str = "", content_type: str | None = None) -> FileResponse:
    if not file:
        raise Http404("该文件不存在。")
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("该文件已不在存储中，请联系管理员。") from exc
    response = FileResponse(handle, as_attachment=False, filename=filename, content_type=content_type or None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    if sm3:
        response["X-Attachment-SM3"] = sm3
    return response
