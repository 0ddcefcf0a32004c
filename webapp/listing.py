"""What every list page shares: a page of rows whose links keep the filters, whether a search or filter is applied
(an empty page then means "no match", not "nothing yet"), the search text as typed, and the districts worth a
filter. Templates: ``_pager.html`` (page links) and ``_empty.html`` (the two empty states).

A page number that is no number, below 1 or past the end gives the first or last page (``Paginator.get_page``), never
an error; an unknown filter value matches nothing or is ignored by the view, so a crawled or hand-edited address still
answers with a normal page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from domain.organisations.models import District
from domain.organisations.scoping import scope_of

PAGE_SIZE = 20
SEARCH_MAX = 100  # characters of a search box kept (longer text is cut, not refused)
#: a parameter that is never a filter (nor are the page numbers, ``page``, ``spage`` …)
_NOT_FILTERS = {"export"}


class ListPage(Page):
    """A :class:`~django.core.paginator.Page` that knows how to link to its neighbours with the same filters."""

    param: str = "page"
    query: str = ""  # the current search and filters, url-encoded, without the page number (for export links)
    prefix: str = "?page="  # ``{{ page.prefix }}{{ n }}`` is the address of page *n* with the current filters
    filtered: bool = False


class ListPaginator(Paginator):
    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        return ListPage(*args, **kwargs)


def search_text(request: HttpRequest, name: str = "q") -> str:
    """The search box's text, trimmed and cut to :data:`SEARCH_MAX` characters."""
    return request.GET.get(name, "").strip()[:SEARCH_MAX]


def paginate(
    request: HttpRequest,
    rows: Any,
    *,
    per_page: int | None = None,
    param: str = "page",
    filters: Mapping[str, Any] | Iterable[str] | None = None,
) -> ListPage:
    """The requested page of ``rows`` (a queryset, list or anything with ``count()`` and slicing), ``per_page`` rows
    a page (default :data:`PAGE_SIZE`).

    ``filters`` is what narrows the list: the values the view applied (``{"q": text, "state": state}``, an unknown
    value already dropped), or the names of the query parameters (default: every parameter but page numbers and
    ``export``); the page is ``filtered`` when one of them has a value. Page links keep every parameter but the page
    number."""
    page: ListPage = ListPaginator(rows, per_page or PAGE_SIZE).get_page(request.GET.get(param))  # type: ignore[assignment]
    kept = request.GET.copy()
    kept.pop(param, None)
    kept.pop("export", None)
    page.query = query = kept.urlencode()
    page.param = param
    page.prefix = f"?{query}&{param}=" if query else f"?{param}="
    if isinstance(filters, Mapping):
        page.filtered = any(v not in (None, "", False) for v in filters.values())
    else:
        names = set(filters) if filters is not None else {
            k for k in request.GET if k not in _NOT_FILTERS and not k.endswith("page")
        }
        page.filtered = any(request.GET.get(name, "").strip() for name in names)
    return page


def text_or_id(search: str, *fields: str, id_field: str = "pk") -> Q:
    """What a search box matches: ``search`` inside any of ``fields``, or, when it is a number, the record of that
    id (a case number typed into the box)."""
    match = Q()
    for name in fields:
        match |= Q(**{f"{name}__icontains": search})
    if search.isdigit() and len(search) <= 18:  # ids are 64-bit: a longer number is text, not an id
        match |= Q(**{id_field: int(search)})
    return match


def choice(request: HttpRequest, name: str, choices: Iterable[Any]) -> str:
    """A filter's value when it is one of ``choices`` (values, or ``(value, label)`` pairs), else ``""`` (all)."""
    value = request.GET.get(name, "")
    allowed = {c[0] if isinstance(c, tuple | list) else c for c in choices}
    return value if value in allowed else ""


def district_options(user: Any, rows: QuerySet[Any] | None = None, field: str = "district") -> Sequence[District]:
    """The districts to offer in a list's district filter: every district to city-level users, else those the
    user's own ``rows`` (already scoped) fall in — an enterprise with projects in several districts gets a filter,
    a district regulator (one district) gets none. A template shows the filter when there are two or more."""
    if scope_of(user).kind == "all":
        return list(District.objects.all())
    if rows is None:
        return []
    codes = rows.order_by().values_list(field, flat=True).distinct()
    return list(District.objects.filter(pk__in=codes))
