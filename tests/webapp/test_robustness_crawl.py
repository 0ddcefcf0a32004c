"""Robustness crawl over the demo world: no page, form or API operation a demo user can reach answers with a 5xx.

The demo world is loaded once for the module inside a transaction that is rolled back at the end; each test runs
in its own savepoint on top of it (what one account's posts change does not leak into the next test), and each
request in a savepoint of its own (a database error in one request does not poison the next on PostgreSQL).

* **GET crawl** (one test per demo account): breadth-first from the home page and the account's menu over
  same-site links (``href``, ``hx-get``, ``src``), at most ``MAX_PAGES`` pages and ``PER_SHAPE`` of each URL
  shape; every list page is asked again with garbage query parameters (paging, search, unknown filter values,
  impossible dates, its own search form's fields).
* **Form fuzz** (same test, after the GETs): every ``<form method="post">`` seen is posted empty and once per
  garbage variant (see ``TEXT`` …); a post that succeeds and redirects opens the page it leads to, whose new forms
  are fuzzed too (a task's form appears once it is claimed).
* **API fuzz**: every operation of the OpenAPI schema, as a regulator and as an enterprise: garbage query
  parameters, bodies that are not JSON, JSON of the wrong shape, objects with wrong-typed fields, and plausible
  objects with one field at a time attacked; path parameters are real ids from the demo data, a missing one and a
  malformed one.
* **Object-level permissions**: the detail pages (and API rows) one account sees are requested as an account with
  no business there; only public pages (公示/公告, verification by code, draw records: by design) may answer 200.

List queries and forms of no particular object are the same for every account of a kind (regulator, enterprise,
person), so they are fuzzed once per kind. Failures are collected and reported together at the end of each test:
user, method, URL, payload and the exception (or status)."""

from __future__ import annotations

import io
import json
import re
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve
from rest_framework.test import APIClient

from domain.organisations.models import User
from webapp.nav import items_for

REGULATORS = ["officer_pd", "reviewer_pd", "approver_pd", "officer_city", "legal_city", "leader", "admin",
              "inspector_agency"]
ENTERPRISES = ["ent_builder", "ent_employer", "ent_lessor", "ent_contractor", "supervisor_eng"]
PEOPLE = ["person_zhang", "person_li", "person_wang"]
ACCOUNTS = REGULATORS + ENTERPRISES + PEOPLE

MAX_PAGES = 150  # GET pages per account
PER_SHAPE = 5  # pages of one URL shape (``/contracts/{n}/``) per account
MAX_ADMIN_PAGES = 25  # Django admin pages (admin only; its forms are not fuzzed)
MAX_FOLLOWED = 40  # pages opened after a successful post, per account
SKIP_PREFIXES = ("/static/", "/media/", "/accounts/logout", "/api/docs")
SKIP_SUFFIXES = (".zip",)

LONG = ("长'\"<>%_\\;--" + "测试文本x" * 1000)[:5000]
OVERFLOW = "99999999999999999999"
# One value per garbage variant (a form is posted once per variant); None is a plausible value: the page's own, or
# "1" (a date for date fields). The first variants are garbage throughout; each later one attacks one thing with the
# rest plausible, so that it gets past the first check and reaches the services and the database: 2 over-long text
# (one text field at a time), 3 overflowing numbers, 4 negative numbers, 5 and 6 dates at the ends of the calendar
# (and out-of-range ids), 7 numbers of 100,000 digits.
TEXT: list[str | None] = [LONG, "abc", None, OVERFLOW, "-1", None, None, "1e99999"]
NUMBER: list[str | None] = ["NaN", "1e309", None, OVERFLOW, "-1", None, None, "1e99999"]
DATE: list[str | None] = ["2026-02-30", "not-a-date", None, None, None, "0001-01-01", "9999-12-31", None]
CHOICE: list[str | None] = ["__nonexistent__", OVERFLOW, None, None, None, None, None, None]
HIDDEN: list[str | None] = [None, "²", None, None, None, None, OVERFLOW, None]  # "²" passes str.isdigit(), not int()
CHECKBOX: list[str | None] = ["on", "abc", "on", "on", "on", "on", None, "on"]
FILES = [None, ("garbage.pdf", b"not a pdf"), ("empty.xml", b""), None, ("x.xlsx", b"PK\x03\x04broken"), None, None,
         None]
LONG_ONE_BY_ONE = 2  # the variant that posts once per text field, with only that field over-long
PLAUSIBLE_DATE = "2026-03-02"
VARIANTS = len(TEXT)
DATE_NAME = re.compile(r"(date|_on$|_at$|until|since|_from$|_to$|deadline|period|day$)", re.I)
GENERIC_QUERIES = [{"page": "abc"}, {"page": "-1"}, {"page": "99999"}, {"page": OVERFLOW}]
# parameters the list views read (grep ``request.GET`` under webapp/), with garbage values
GENERIC_FILTERS = {"q": LONG, "text": LONG, "status": "nonexistent", "state": "nonexistent", "district": "x",
                   "kind": "x", "tab": "nonexistent", "process": "nonexistent", "klass": "x", "employer": "abc",
                   "owner": "abc", "site": "abc", "machine": "²", "machine_type": "x", "batch": "abc",
                   "enterprise": "abc", "general_decoration": "maybe", "drawn": "maybe", "from": "2026-02-30",
                   "to": "9999-12-31", "date": "2026-02-30", "page_size": OVERFLOW, "ordering": "-nonexistent"}

# Views that show an object to anyone by design, so the object-level check does not count them as leaks: public
# notices and announcements of contracts (公示/公告) and their published settlement, a document opened by its
# verification code (the QR code's target: the code is the capability), the public record of a random draw.
PUBLIC_VIEWS = {"contracts:public", "contracts:comparison", "documents:verify-code", "documents:download",
                "sites:draw", "sites:draw-record"}


# ---------------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """The demo world, loaded once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("crawl-media")
    with override_settings(DEMO=True, MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield media
        finally:
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root(demo_world, settings):
    """Override of the suite's per-test media folder: the demo world's files stay readable."""
    settings.MEDIA_ROOT = demo_world
    settings.DEMO = True


# ----------------------------------------------------------------------------------------------- HTML parsing


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "textarea" or "submit"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: list[FormField] = field(default_factory=list)


class PageParser(HTMLParser):
    """Links (``href``, ``hx-get``) and forms of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._option_text: list[str] | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        for attr in ("href", "hx-get", "src"):
            if a.get(attr) and tag not in ("link", "script"):
                self.links.append(a[attr])
        if tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=a.get("action") or a.get("hx-post", ""),
                              multipart="multipart" in a.get("enctype", ""))
            return
        form = self._form
        if form is None or tag not in ("input", "select", "option", "textarea", "button"):
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "reset", "button"):
                kind = "submit" if kind == "submit" else "ignore"
            form.fields.append(FormField(name, kind, a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                                         checked="checked" in a))
        elif tag == "select" and name:
            self._select = FormField(name, "select")
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if "value" in a:
                self._select.options.append(a["value"])
                if "selected" in a:
                    self._select.value = a["value"]
            else:
                self._option_text = []
        elif tag == "textarea" and name:
            self._textarea = FormField(name, "textarea")
            form.fields.append(self._textarea)
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            form.fields.append(FormField(name, "submit", a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._option_text is not None:
            self._option_text.append(data)
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option_text is not None and self._select is not None:
            self._select.options.append("".join(self._option_text).strip())
            self._option_text = None
        elif tag == "select":
            if self._select is not None and not self._select.value:
                self._select.value = next((o for o in self._select.options if o), "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


# ---------------------------------------------------------------------------------------------------- probing


def _short(value: Any) -> Any:
    """Payloads as they appear in failure messages (5000-character strings abbreviated)."""
    if isinstance(value, str) and len(value) > 60:
        if value[:1] in "{[":  # a JSON body: its long strings abbreviated
            try:
                return json.dumps(_short(json.loads(value)), ensure_ascii=False)
            except ValueError:
                pass
        return f"{value[:20]}…({len(value)} chars)"
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_short(v) for v in value]
    if isinstance(value, SimpleUploadedFile):
        return f"<file {value.name}>"
    return value


def _where(exc: BaseException) -> str:
    """The innermost frame of our own code in the traceback of ``exc``."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/.venv/" not in f.filename
              and "site-packages" not in f.filename and "/tests/" not in f.filename]
    if not frames:
        return ""
    f = frames[-1]
    return f" at {Path(f.filename).relative_to(Path.cwd()) if f.filename.startswith(str(Path.cwd())) else f.filename}:{f.lineno}"


class Probe:
    """Requests as one account, each in its own savepoint; 5xx answers and exceptions are collected."""

    def __init__(self, username: str, failures: list[str], *, api: bool = False):
        self.username = username
        self.failures = failures
        self.user = User.objects.get(username=username)
        self.client: Client | APIClient
        if api:
            self.client = APIClient()
            self.client.force_authenticate(self.user)
        else:
            self.client = Client()
            self.client.force_login(self.user)
        self.requests = 0

    def __call__(self, method: str, url: str, data: Any = None, **extra: Any) -> Any:
        self.requests += 1
        call = getattr(self.client, method.lower())
        try:
            with transaction.atomic():
                response = call(url, data, **extra) if data is not None else call(url, **extra)
        except Exception as exc:  # the test client re-raises what the view raised: a 500 in production
            self.failures.append(f"{self.username} {method} {url} payload={_short(data)!r}: "
                                 f"{type(exc).__name__}: {str(exc)[:160]}{_where(exc)}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{self.username} {method} {url} payload={_short(data)!r}: "
                                 f"HTTP {response.status_code}")
        return response


def _report(failures: list[str]) -> None:
    assert not failures, f"{len(failures)} request(s) answered 5xx:\n" + "\n".join(dict.fromkeys(failures))


def shape(path: str) -> str:
    """``/contracts/12/`` → ``/contracts/{n}/``: path segments with a digit are object keys."""
    return re.sub(r"/[^/.]*\d[^/.]*", "/{n}", path)


def _is_html(response: Any) -> bool:
    return (response is not None and response.status_code == 200 and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html"))


# ---------------------------------------------------------------------------------------------------- crawling


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # url -> status code (or "exc")
    lists: list[tuple[str, list[Form]]] = field(default_factory=list)  # list pages and their GET forms
    forms: list[tuple[str, Form]] = field(default_factory=list)  # (action url, POST form)
    form_keys: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)  # (action shape, field names) seen


def post_forms(url: str, page: PageParser, seen: set[tuple[str, tuple[str, ...]]]) -> list[tuple[str, Form]]:
    """The POST forms of ``page`` (at ``url``) not seen before, one per action shape and set of fields."""
    found = []
    for form in page.forms:
        action = (_same_site(url, form.action) if form.action else url) if form.method == "post" else None
        if not action or urlsplit(action).path.startswith(("/accounts/logout", "/admin/")):
            continue
        key = (shape(urlsplit(action).path), tuple(sorted(f.name for f in form.fields)))
        if key not in seen:
            seen.add(key)
            found.append((action, form))
    return found


def _same_site(base: str, href: str) -> str | None:
    if href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(probe: Probe) -> Crawl:
    """Breadth-first GETs from the home page and the menu; returns the pages, list pages and POST forms seen."""
    result = Crawl()
    start = ["/"] + [c["url"] for item in items_for(probe.user) for c in item.get("children", [item])]
    queue: deque[str] = deque(dict.fromkeys(start))
    seen: set[str] = set(queue)
    per_shape: dict[str, int] = {}
    admin_pages = 0
    while queue and len(result.pages) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if path.startswith("/admin/"):
            if admin_pages >= MAX_ADMIN_PAGES:
                continue
            admin_pages += 1
        key = shape(path) + ("?" if "?" in url else "")
        if per_shape.get(key, 0) >= PER_SHAPE:
            continue
        per_shape[key] = per_shape.get(key, 0) + 1
        response = probe("GET", url)
        result.pages[url] = str(getattr(response, "status_code", "exc"))
        if not _is_html(response):
            continue
        page = parse(response.content.decode(response.charset or "utf-8", "replace"))
        for href in page.links:
            target = _same_site(url, href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
        if path.startswith("/admin/"):
            continue
        if not resolve(path).kwargs and "?" not in url:  # a list or start page, not one object's
            result.lists.append((url, [f for f in page.forms if f.method == "get"]))
        result.forms.extend(post_forms(url, page, result.form_keys))
    return result


def fuzz_query(probe: Probe, url: str, fields: list[FormField]) -> None:
    """``url`` (a list answering 200) again with garbage paging, search and filter values, ``fields`` included."""
    for query in GENERIC_QUERIES:
        probe("GET", url, query)
    for variant in (0, 1, 3, 4, 5, 6) if fields else (0, 6):  # a page without a search form reads little
        query = {k: (v if variant == 0 else TEXT[variant] or "1") for k, v in GENERIC_FILTERS.items()}
        query["from"] = query["to"] = DATE[variant] or PLAUSIBLE_DATE
        query["export"] = "xlsx" if variant % 2 else ""
        for f in fields:
            query[f.name] = _garbage(f, variant, keep_hidden=False) or "x"
        response = probe("GET", url, query)
        if response is None or response.status_code >= 500:  # name the culprit
            for k, v in query.items():
                probe("GET", url, {k: v})
        elif response.status_code >= 400:  # one refusal may hide another: the declared fields one by one
            for f in fields:
                probe("GET", url, {f.name: query[f.name]})


#: (kind of account, list path) already asked with garbage queries, and (kind of account, action shape, field
#: names) of the forms of no particular object already fuzzed: the same view parses the same parameters and the
#: same form for every regulator (or every enterprise), so one account of each kind is enough
_QUERIED: set[tuple[str, str]] = set()
_FUZZED: set[tuple[str, str, tuple[str, ...]]] = set()


def account_kind(user: User) -> str:
    """regulator (administrators with them: same views, wider scope), enterprise or person."""
    org = user.organisation
    if user.is_superuser or (org is not None and org.is_regulator):
        return "regulator"
    return "person" if org is None else "enterprise"


def garbage_queries(probe: Probe, crawl_result: Crawl) -> None:
    """Each list page again with garbage queries (its own GET forms' fields included), once per kind of account."""
    kind = account_kind(probe.user)
    for url, get_forms in crawl_result.lists:
        if (kind, url) in _QUERIED:
            continue
        _QUERIED.add((kind, url))
        fields: dict[str, FormField] = {}
        for form in get_forms:
            for f in form.fields:
                fields.setdefault(f.name, f)
        fuzz_query(probe, url, list(fields.values()))


def _is_text(f: FormField) -> bool:
    return f.kind not in ("number", "range", "date", "datetime-local", "month", "week", "time", "select", "radio",
                          "hidden", "checkbox", "file", "submit", "ignore") and not DATE_NAME.search(f.name)


def _garbage(f: FormField, variant: int, *, keep_hidden: bool = True) -> Any:
    kind = f.kind
    if kind in ("number", "range"):
        return NUMBER[variant] or f.value or "1"
    if kind in ("date", "datetime-local", "month", "week", "time"):
        return DATE[variant] or f.value or PLAUSIBLE_DATE
    if kind in ("select", "radio"):
        return CHOICE[variant] or f.value
    if kind == "hidden":
        if f.name == "csrfmiddlewaretoken":
            return f.value
        garbage = HIDDEN[variant]
        return f.value if garbage is None and keep_hidden else (garbage or "abc")
    if kind == "checkbox":
        return CHECKBOX[variant] or f.value
    if kind == "file":
        upload = FILES[variant]
        return SimpleUploadedFile(*upload) if upload else None
    if kind == "submit":
        return f.value
    if DATE_NAME.search(f.name.rsplit(".", 1)[-1]):
        return DATE[variant] or f.value or PLAUSIBLE_DATE
    return TEXT[variant] or f.value or "1"


def fuzz_forms(probe: Probe, crawl_result: Crawl) -> int:
    """Each POST form once empty and once per garbage variant. Where a post succeeds and redirects (a task claimed,
    a draft saved), the page it leads to is opened and its new forms are fuzzed too (the task's own form appears
    only once the task is claimed)."""
    queue = deque(crawl_result.forms)
    followed: set[str] = set()
    fuzzed = 0
    kind = account_kind(probe.user)
    while queue:
        action, form = queue.popleft()
        key = (kind, shape(urlsplit(action).path), tuple(sorted(f.name for f in form.fields)))
        if key in _FUZZED:
            continue
        if "{n}" not in key[1]:  # a page of no object (help, decisions, verification): the same for all of a kind
            _FUZZED.add(key)
        fuzzed += 1
        buttons = [f for f in form.fields if f.kind == "submit"]
        posts: list[dict[str, Any]] = [{f.name: f.value for f in form.fields if f.name == "csrfmiddlewaretoken"}]
        for variant in range(VARIANTS):
            data: dict[str, Any] = {}
            for f in form.fields:
                if f.kind in ("submit", "ignore") or (f.kind in ("checkbox", "radio") and f.name in data):
                    continue
                value = _garbage(f, variant)
                if value is not None:
                    data[f.name] = value
            if buttons:
                button = buttons[variant % len(buttons)]
                data[button.name] = button.value if variant != 1 else "abc"
            texts = [f.name for f in form.fields if _is_text(f)] if variant == LONG_ONE_BY_ONE else []
            posts.extend([{**data, name: LONG} for name in texts] or [data])
        for data in posts:
            response = probe("POST", action, data)
            target = (_same_site(action, response["Location"])
                      if response is not None and response.status_code in (301, 302, 303) else None)
            if not target or target in followed or len(followed) >= MAX_FOLLOWED:
                continue
            followed.add(target)
            page = probe("GET", target)
            if _is_html(page):
                queue.extend(post_forms(target, parse(page.content.decode(page.charset or "utf-8", "replace")),
                                        crawl_result.form_keys))
    return fuzzed


# --------------------------------------------------------------------------------------------------- the tests

_CRAWLS: dict[str, Crawl] = {}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ACCOUNTS)
def test_no_page_or_form_answers_5xx(username, demo_world):
    failures: list[str] = []
    probe = Probe(username, failures)
    t0 = time.monotonic()
    result = crawl(probe)
    _CRAWLS[username] = result
    t1 = time.monotonic()
    garbage_queries(probe, result)
    t2 = time.monotonic()
    forms = fuzz_forms(probe, result)
    print(f"{username}: {len(result.pages)} pages ({t1 - t0:.1f}s), {len(result.lists)} lists ({t2 - t1:.1f}s), "
          f"{forms} forms ({time.monotonic() - t2:.1f}s), {probe.requests} requests")
    _report(failures)


# -------------------------------------------------------------------------------------------------- API fuzzing

API_ACCOUNTS = ["officer_pd", "ent_contractor"]
INF = "__1e309__"  # written into the JSON text as the number literal 1e309 (parses to an infinite float)
BIG = 99999999999999999999
#: request fields of operations whose body the schema leaves open (``request=dict``), from their views
OPEN_BODIES = {
    "/api/contracts/{id}/payments/": ["period_end", "unit_rate_work", "lump_sum_items", "day_work", "safety_fee",
                                      "additions", "advance_recovery", "employer_supplied", "cumulative_completed",
                                      "cumulative_paid"],
    "/api/contracts/{id}/changes/": ["kind", "changed_on", "project_manager_name", "project_manager_cert_no",
                                     "party", "new_name", "summary", "reason"],
    "/api/contracts/{id}/settlement/": ["file"],
    "/api/attachments/": ["file", "instance", "path"],
    "/api/documents/verify/": ["file", "code"],
}


def _ref(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def wrong_types(schema: dict[str, Any], components: dict[str, Any], variant: int, depth: int = 0) -> Any:
    """A value of the wrong type (or a garbage one of the right type) for ``schema``; 4 variants."""
    schema = _ref(schema, components)
    kind = schema.get("type")
    if "enum" in schema:
        return ["__nonexistent__", 12345, None, LONG][variant]
    if kind == "object" or "properties" in schema:
        if depth and variant == 1:
            return "not-an-object"
        return {name: wrong_types(p, components, variant, depth + 1)
                for name, p in (schema.get("properties") or {}).items()}
    if kind == "array":
        return ["notalist", [{"garbage": [None]}], [LONG], [BIG, -1]][variant]
    if kind in ("integer", "number"):
        return ["abc", [1, 2], INF, BIG if variant == 3 else -1][variant]
    if kind == "boolean":
        return ["maybe", {"x": 1}, 2, -1][variant]
    if schema.get("format") in ("date", "date-time") or DATE_NAME.search(str(schema.get("title", ""))):
        return ["2026-02-30", "not-a-date", "9999-12-31", 0][variant]
    return [12345, {"nested": [1, {"x": None}]}, LONG, "  "][variant]


#: Values tried in one field at a time, every other field plausible (so the body gets past the serializer)
ATTACKS: dict[str, list[Any]] = {"string": [LONG, "NaN", "1e99999"], "number": [BIG, -1, INF, "1e99999"],
                                 "date": ["0001-01-01", "9999-12-31"], "boolean": ["maybe"],
                                 "enum": ["__nonexistent__"]}
PLAUSIBLE = {"round_key": "2031-07", "district_code": "310115", "to": "reviewer_pd", "username": "officer_pd"}
OPEN_TEXT = re.compile(r"name|reason|summary|kind|party|code|path|cert_no")


def plausible(schema: dict[str, Any], components: dict[str, Any], leaves: list[tuple[tuple[Any, ...], str]],
              name: str = "", path: tuple[Any, ...] = ()) -> Any:
    """A plausible value for ``schema``; its leaves (path, family) are collected into ``leaves``."""
    schema = _ref(schema, components)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {k: plausible(v, components, leaves, k, (*path, k)) for k, v in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [plausible(schema.get("items") or {}, components, leaves, name, (*path, 0))]
    family = ("enum" if "enum" in schema else "number" if kind in ("integer", "number") else
              "boolean" if kind == "boolean" else
              "date" if schema.get("format") in ("date", "date-time") or DATE_NAME.search(name) else "string")
    leaves.append((path, family))
    if family == "enum":
        return schema["enum"][0]
    if name in PLAUSIBLE:
        return PLAUSIBLE[name]
    return {"number": 1, "boolean": True, "date": PLAUSIBLE_DATE}.get(family, "1")


def attacked(base: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``base`` with the leaf at ``path`` replaced by ``value``."""
    if not path:
        return value
    copy = dict(base) if isinstance(base, dict) else list(base)
    copy[path[0]] = attacked(base[path[0]], path[1:], value)
    return copy


def _open_object(names: list[str], variant: int) -> dict[str, Any]:
    values = [[LONG, "abc", INF, BIG][variant], {"nested": [1]}, "2026-02-30", -1]
    return {name: values[(i + variant) % len(values)] for i, name in enumerate(names)}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace(f'"{INF}"', "1e309")


class Ids:
    """Real values for path parameters: the first items the enclosing list endpoint returns."""

    def __init__(self, probe: Probe):
        self.probe = probe
        self.cache: dict[str, list[dict[str, Any]]] = {}

    def items(self, url: str) -> list[dict[str, Any]]:
        if url not in self.cache:
            rows: list[dict[str, Any]] = []
            for attempt in (url, url + "?scope=available"):
                response = self.probe("GET", attempt)
                if response is None or response.status_code != 200:
                    continue
                body = response.json()
                found = body.get("results", []) if isinstance(body, dict) else body
                rows.extend(r for r in found if isinstance(r, dict))
            self.cache[url] = rows
        return self.cache[url]

    def resolve(self, template: str) -> tuple[str, dict[str, Any]]:
        """``template`` with real values where the demo has some (else 1), and the last item found."""
        url, item = template, {}
        for match in re.finditer(r"\{(\w+)\}", template):
            prefix = url[: url.index(match.group(0))]
            rows = self.items(prefix)
            item = rows[0] if rows else {}
            value = item.get(match.group(1), item.get("id", item.get("key", 1)))
            if match.group(1) == "permit_number":
                value = item.get("permit_number", "3101152026110009")
            url = url.replace(match.group(0), str(value), 1)
        return url, item


def api_bodies(template: str, op: dict[str, Any], components: dict[str, Any], probe: Probe,
               url: str, item: dict[str, Any]) -> list[tuple[Any, str]]:
    """(body, format) pairs: not JSON, JSON of the wrong shape, objects with wrong-typed fields."""
    bodies: list[tuple[Any, str]] = [("{not json", "raw"), ("[]", "raw"), ('"string"', "raw"), ("{}", "raw"),
                                     ("null", "raw"), ("12", "raw")]
    content = op.get("requestBody", {}).get("content", {})
    schema = (content.get("application/json") or content.get("multipart/form-data") or {}).get("schema") or {}
    names = OPEN_BODIES.get(template, [])
    open_schema = _open_schema(template, probe, url, item)
    for variant in range(4):
        body = wrong_types(schema, components, variant) if schema else {}
        body = body if isinstance(body, dict) else {}
        body.update(_open_object(names, variant))
        for name, sub in open_schema.items():
            body[name] = wrong_types(sub, components, variant) if variant != 1 else "not-an-object"
        bodies.append((body, "json"))
    open_fields = {n: {"type": "string"} if OPEN_TEXT.search(n) else {"type": "number"} for n in names}
    whole = {"type": "object", "properties": {**_ref(schema, components).get("properties", {}), **open_fields,
                                              **open_schema}}
    leaves: list[tuple[tuple[Any, ...], str]] = []
    base = plausible(whole, components, leaves)
    bodies += [(attacked(base, path, value), "json") for path, family in leaves for value in ATTACKS[family]]
    bodies.append((base, "json"))  # last: what it creates must not turn the attacks into repeats
    if "multipart/form-data" in content or template in OPEN_BODIES:
        for variant in range(2):
            data: dict[str, Any] = {k: str(v) for k, v in _open_object(names, variant).items()}
            data.update({n: [SimpleUploadedFile("garbage.xml", b"<oops"), SimpleUploadedFile("x.pdf", b"%PDF-1.4 no")][variant]
                         for n in names if n == "file"})
            bodies.append((data, "multipart"))
    return bodies


def _open_schema(template: str, probe: Probe, url: str, item: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of the free-form ``data`` / ``variables`` / ``inputs`` object of some operations."""
    if template.startswith("/api/tasks/{id}/") and template.endswith(("complete/", "draft/")):
        detail = probe("GET", url.rsplit("/", 2)[0] + "/")
        form = detail.json().get("form") if detail is not None and detail.status_code == 200 else None
        return {"data": form or {"type": "object"}}
    if template == "/api/processes/{key}/instances/":
        return {"variables": item.get("start_form") or {"type": "object"}}
    if template == "/api/decisions/{key}/evaluate/":
        names = [i["expression"] for i in item.get("inputs", []) if re.fullmatch(r"\w+", i.get("expression", ""))]
        return {"inputs": {"type": "object", "properties": {n: {"type": "number"} for n in names}}}
    if template.endswith("/act/") and template.startswith("/api/contracts/"):
        detail = probe("GET", url.split("/act/")[0].split("/payments/")[0] + "/")
        ready = detail.json().get("ready", []) if detail is not None and detail.status_code == 200 else []
        if ready:
            return {"element": {"enum": [ready[0]["element"]]}, "data": ready[0].get("form") or {"type": "object"}}
    return {}


def fuzz_api(probe: Probe, schema: dict[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})
    ids = Ids(probe)
    for template, operations in schema["paths"].items():
        for method, op in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            url, item = ids.resolve(template)
            for bogus in ("999999", "abc"):
                if "{" in template:
                    probe(method.upper(), re.sub(r"\{\w+\}", bogus, template), {}, format="json")
            if method == "get":
                names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
                _garbage_api_queries(probe, url, names)
                continue
            for body, fmt in api_bodies(template, op, components, probe, url, item):
                if fmt == "raw":
                    probe(method.upper(), url, body, content_type="application/json")
                elif fmt == "json":
                    probe(method.upper(), url, _json(body), content_type="application/json")
                else:
                    probe(method.upper(), url, body, format="multipart")


def _garbage_api_queries(probe: Probe, url: str, names: list[str]) -> None:
    response = probe("GET", url)
    if response is not None and response.status_code == 200:
        fuzz_query(probe, url, [FormField(name, "text") for name in names])


@pytest.mark.django_db
@pytest.mark.parametrize("username", API_ACCOUNTS)
def test_no_api_operation_answers_5xx(username, demo_world):
    from django.core.cache import cache

    failures: list[str] = []
    probe = Probe(username, failures, api=True)
    t0 = time.monotonic()
    response = probe("GET", "/api/schema/?format=json")
    assert response is not None and response.status_code == 200
    try:
        fuzz_api(probe, json.loads(response.content))
    finally:
        cache.clear()  # the token endpoint's throttle counts in the cache: leave none for other tests
    print(f"api {username}: {probe.requests} requests in {time.monotonic() - t0:.1f}s")
    _report(failures)


# ------------------------------------------------------------------------------------ object-level permissions


#: API lists and the detail of one of their rows
API_DETAILS = {"/api/contracts/": "/api/contracts/{}/", "/api/machinery/machines/": "/api/machinery/machines/{}/",
               "/api/enterprises/cases/": "/api/enterprises/cases/{}/",
               "/api/enterprises/licences/": "/api/enterprises/licences/{}/",
               "/api/enterprises/revocations/": "/api/enterprises/revocations/{}/", "/api/tasks/": "/api/tasks/{}/"}


def _api_leaks(owner: str, other: str, failures: list[str]) -> list[str]:
    """The same check on the API: rows of ``owner``'s lists that ``other``'s lists lack answer 404 to ``other``."""
    owner_ids, other_ids = Ids(Probe(owner, failures, api=True)), Ids(Probe(other, failures, api=True))
    probe = Probe(other, failures, api=True)
    leaks = []
    for listing, detail in API_DETAILS.items():
        theirs = {row.get("id") for row in other_ids.items(listing)}
        for row in owner_ids.items(listing):
            if row.get("id") in theirs:
                continue
            response = probe("GET", detail.format(row.get("id")))
            if response is not None and response.status_code == 200:
                leaks.append(f"{other} GET {detail.format(row.get('id'))} (a row of {owner}) answered 200")
    return leaks


@pytest.mark.django_db
@pytest.mark.parametrize(("owner", "other"), [("ent_employer", "ent_builder"), ("ent_builder", "ent_employer"),
                                              ("ent_contractor", "ent_builder"), ("ent_lessor", "ent_builder"),
                                              ("person_li", "person_wang"), ("person_wang", "person_zhang")])
def test_another_account_cannot_open_private_object_pages(owner, other, demo_world):
    """Detail pages ``owner`` reaches are 403/404 for ``other`` (no business with ``owner`` in the demo world)
    unless ``other`` reaches them too or they are public by design."""
    failures: list[str] = []
    seen = {}
    for username in (owner, other):
        if username not in _CRAWLS:
            _CRAWLS[username] = crawl(Probe(username, failures))
        seen[username] = {u for u, status in _CRAWLS[username].pages.items() if status == "200"}
    probe = Probe(other, failures)
    leaks = []
    for url in sorted(seen[owner] - seen[other]):
        path = urlsplit(url).path
        match = resolve(path)
        if path.startswith("/admin/") or not match.kwargs or match.view_name in PUBLIC_VIEWS:
            continue
        response = probe("GET", url)
        if response is not None and response.status_code == 200:
            leaks.append(f"{other} GET {url} (a page of {owner}) answered 200")
    leaks += _api_leaks(owner, other, failures)
    _report(failures)
    assert not leaks, "\n".join(leaks)
