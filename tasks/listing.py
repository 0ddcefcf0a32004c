"""Paginated inbox lists that stay fast at a million rows (待办列表分页).

"My groups' open items" is answered from ``WorkItemCandidate``'s partial indexes: the page's item ids and the
total come from candidate rows alone, and only the page's 20 items are then read from ``tasks_workitem``. A list
is one or more *sources*, each already sorted the same way; a page takes the first ``stop`` keys of every
source, merges them, drops duplicates and slices. ``ItemList`` has ``count()`` and slicing, which is all Django's
and DRF's paginators need.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import QuerySet

from .models import WorkItem


@dataclass(frozen=True)
class Source:
    keys: QuerySet[Any, Any]  # values_list(sort_field, item_id), ordered by the list's order, distinct
    count: QuerySet[Any, Any]  # rows to count (one per item)


class ItemList:
    ordered = True  # tells Django's paginator the order is deliberate

    def __init__(self, sources: list[Source], *, descending: bool) -> None:
        self.sources = sources
        self.descending = descending
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(s.count.count() for s in self.sources)
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
        keys: list[tuple[Any, int]] = []
        for source in self.sources:
            keys.extend(tuple(row) for row in source.keys[:stop])  # type: ignore[misc]
        if len(self.sources) > 1:
            keys.sort(key=lambda k: (k[0] is None, k[0], k[1]), reverse=self.descending)
        ids: list[int] = []
        seen: set[int] = set()
        for _sort, item_id in keys:
            if item_id not in seen:
                seen.add(item_id)
                ids.append(item_id)
        ids = ids[start:stop]
        items = WorkItem.objects.select_related("assignee").in_bulk(ids)
        return [items[i] for i in ids if i in items]
