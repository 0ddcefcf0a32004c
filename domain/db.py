"""Database portability helpers shared by every layer."""

from __future__ import annotations

from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def lock_rows(source: models.Manager[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """``SELECT … FOR UPDATE`` of the queryset's own table only where the database can say so (PostgreSQL,
    Oracle, MySQL 8); MariaDB and SQLite lock without ``OF`` (SQLite serialises writers anyway)."""
    queryset = source.all()
    if connection.features.has_select_for_update_of:
        return queryset.select_for_update(of=("self",))
    return queryset.select_for_update()
