"""Paginated inbox lists that stay fast at a million rows (待办列表分页).

"My groups' open items" is answered from ``WorkItemCandidate``'s partial indexes: the page's item ids and the
total come from candidate rows alone, and only the page's 20 items are then read from ``tasks_workitem``. A list
is one or more *sources*, each already sorted the same way; a page takes the first ``stop`` keys of every
source, merges them, drops duplicates and slices. ``ItemList`` has ``count()`` and slicing, which is all Django's
and DRF's paginators need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import QuerySet

from .models import WorkItem

#: Columns a list row never shows; left out when the page's items are read.
HEAVY_FIELDS = ("form", "ui_schema", "properties", "documentation", "draft", "data")


@dataclass(frozen=True)
class Source:
    """Part of a list: querysets of ``(sort value, item id)`` rows, each already in the list's order (a page takes
    the first ``stop`` rows of each, so each can be an index scan with a top-N sort), and how to count its items."""

    keys: list[QuerySet[Any, Any]]
    count: Callable[[], int]


class ItemList:
    ordered = True  # tells Django's paginator the order is deliberate

    def __init__(self, sources: list[Source], *, descending: bool) -> None:
        self.sources = sources
        self.descending = descending
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(s.count() for s in self.sources)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[WorkItem]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, key: int) -> WorkItem: ...

    @overload
    def __getitem__(self, key: slice) -> list[WorkItem]: ...

    def __getitem__(self, key: int | slice) -> WorkItem | list[WorkItem]:
        if isinstance(key, int):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        ids = self._ids(stop)[start:stop]
        items = WorkItem.objects.select_related("assignee").defer(*HEAVY_FIELDS).in_bulk(ids)
        return [items[i] for i in ids if i in items]

    def _ids(self, stop: int) -> list[int]:
        """The first ``stop`` distinct item ids in order. An item matched by several rows takes one place, so
        when that leaves the page short while some query was cut off, read further."""
        limit = stop
        while True:
            keys: list[tuple[Any, int]] = []
            truncated = False
            for qs in (q for source in self.sources for q in source.keys):
                rows = [tuple(row) for row in qs[:limit]]
                truncated = truncated or len(rows) == limit
                keys.extend(rows)  # type: ignore[arg-type]
            keys.sort(key=lambda k: (k[0] is None, k[0], k[1]), reverse=self.descending)
            ids = list(dict.fromkeys(item_id for _sort, item_id in keys))
            if len(ids) >= stop or not truncated:
                return ids[:stop]
            limit *= 2
