"""Key rotation (密钥更新) for data at rest: re-encrypt every encrypted field under the current ``field`` key and
recompute every blind index under the current ``blind-index`` key."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import models, transaction

from .fields import EncryptedCharField


def encrypted_models() -> list[tuple[type[models.Model], list[str]]]:
    """Each concrete model with encrypted fields, and the columns to re-save (fields and their indexes)."""
    found = []
    for model in apps.get_models():
        if model._meta.abstract or model._meta.proxy:
            continue
        columns: list[str] = []
        for field in model._meta.local_fields:
            if isinstance(field, EncryptedCharField):
                columns.append(field.name)
                if field.has_blind_index:
                    columns.append(field.blind_index_name)
        if columns:
            found.append((model, columns))
    return found


def reencrypt_all(*, batch_size: int = 500, out: Callable[[str], None] = lambda _m: None) -> int:
    """Re-save every row holding encrypted data; returns the number of rows rewritten."""
    total = 0
    for model, columns in encrypted_models():
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            with transaction.atomic():
                for obj in model._base_manager.select_for_update().filter(pk__in=pks[start : start + batch_size]):
                    obj.save(update_fields=columns)
                    total += 1
        out(f"{model._meta.label}: {len(pks)} 行")
    return total
