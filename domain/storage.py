"""Where uploaded files are kept and which kinds are accepted (上传文件).

Uploaded files are stored under names nobody can guess and are never served from the media directory: each kind
has a permission-checked download view that sends it as an attachment (so an uploaded HTML page cannot run in the
platform's origin). The accepted kinds are the documents a construction-market case carries."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from django.utils.deconstruct import deconstructible

ALLOWED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".ofd", ".txt")


def suffix_refused(name: str) -> str | None:
    """A message when ``name`` is not of an accepted kind, else ``None``."""
    if (name or "").lower().endswith(ALLOWED_SUFFIXES):
        return None
    return f"不支持该文件类型，请上传 {'、'.join(ALLOWED_SUFFIXES)} 文件"


@deconstructible
class RandomName:
    """``upload_to`` giving ``<prefix>/<yyyy>/<mm>/<random>.<suffix>``: the uploader's file name is not used."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
        if not suffix.isalnum():
            suffix = "bin"
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)
