"""Inbox benchmark: 1,000,000 work items on PostgreSQL; p50/p95 of "my groups' open items" (the selector, the API
and the inbox page), plus "my items" and the tab counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jg_inbox .venv/bin/python benchmarks/bench_inbox.py \
        [--items 1000000] [--repeat 200]

Creates a throw-away database ``jg_inbox_bench`` (dropped and re-created each run), fills it with COPY: 16
districts, the demo directory's users, items spread over roles and districts with 25 % open, 10 % claimed, the
rest closed; regulator items carry two candidate rows (district + city level), enterprise items one (the
organisation). Then measures, per user, the first page (20 rows) with its total count.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.test_settings")

DISTRICTS = [
    "310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112",
    "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151",
]  # fmt: skip
REGULATOR_GROUPS = ["case_officer", "case_officer", "reviewer", "approver", "legal_reviewer", "inspector"]


BENCH_DB = "jg_inbox_bench"


def setup(reuse: bool) -> None:
    """A fresh ``jg_inbox_bench`` database, or (``--reuse``) the one a previous run left behind."""
    import django
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("bench_inbox needs PostgreSQL (skipped): DATABASE_URL=postgres://postgres@127.0.0.1:5432/jg_inbox")
        sys.exit(0)
    settings.DATABASES["default"]["TEST"] = {"NAME": BENCH_DB}
    settings.ALLOWED_HOSTS = ["*"]
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if reuse:
        settings.DATABASES["default"]["NAME"] = BENCH_DB
        connection.close()
        connection.settings_dict["NAME"] = BENCH_DB
        call_command("migrate", verbosity=0, interactive=False)
        return
    connection.creation.create_test_db(verbosity=0, serialize=False, autoclobber=True)


def _rows(n: int, orgs: list[int], seed: int = 7) -> tuple[io.StringIO, io.StringIO]:
    rnd = random.Random(seed)
    items, cands = io.StringIO(), io.StringIO()
    now = datetime.now(UTC)
    for pk in range(1, n + 1):
        r = rnd.random()
        status = "open" if r < 0.25 else "claimed" if r < 0.35 else "completed" if r < 0.95 else "cancelled"
        district = rnd.choice(DISTRICTS)
        created = now - timedelta(minutes=rnd.randint(0, 60 * 24 * 365))
        due = created + timedelta(days=rnd.randint(1, 20))
        initiator = rnd.random() < 0.1
        group = "" if initiator else rnd.choice(REGULATOR_GROUPS)
        org = rnd.choice(orgs)
        active = "t" if status == "open" else "f"
        items.write(
            f"{pk}\t{pk // 3}\tgeneral_application\t一般事项申请\t1\tBK{pk:08d}\t\t{district}\t{org}\t"
            f"t{pk}\t{'supplement' if initiator else group}\t{'补正材料' if initiator else '审核'}\t"
            f"{'initiator' if initiator else group}\t\t\\N\t\\N\t{{}}\t[]\t{status}\t项目{pk} 申请\t50\t"
            f"{created.isoformat()}\t{due.isoformat()}\t\\N\t\\N\t\\N\t{{}}\t\\N\t\\N\t\\N\t{{}}\n"
        )
        if initiator:
            cands.write(f"{pk}\t\torg\t{org}\t\\N\t{active}\t{created.isoformat()}\t{due.isoformat()}\tf\n")
        else:
            for key in (district, "city"):
                cands.write(
                    f"{pk}\t{group}\t{key}\t\\N\t\\N\t{active}\t{created.isoformat()}\t{due.isoformat()}\tf\n"
                )
    items.seek(0)
    cands.seek(0)
    return items, cands


ITEM_COLUMNS = (
    "id, instance_id, process_key, process_name, process_version, business_key, subject_label, district_code, "
    "initiator_org_id, task_id, element_id, name, lane, documentation, form, ui_schema, properties, four_eyes, "
    "status, summary, priority, created_at, due_at, escalated_at, assignee_id, claimed_at, draft, completed_at, "
    "completed_by_id, completed_for_id, data"
)
CANDIDATE_COLUMNS = (
    'item_id, "group", district_code, organisation_id, user_id, active, created_at, due_at, multi'
)


def fill(n: int) -> None:
    from django.db import connection

    from domain.organisations import demo as org_demo
    from domain.organisations.models import Organisation, User

    org_demo.load(lambda _m: None)
    orgs = list(Organisation.objects.filter(kind="enterprise").values_list("pk", flat=True))
    start = time.perf_counter()
    items, cands = _rows(n, orgs)
    generated = time.perf_counter() - start
    with connection.cursor() as cur:
        raw = cur.connection
        with raw.cursor().copy(f"COPY tasks_workitem ({ITEM_COLUMNS}) FROM STDIN") as copy:
            copy.write(items.getvalue())
        with raw.cursor().copy(f"COPY tasks_workitemcandidate ({CANDIDATE_COLUMNS}) FROM STDIN") as copy:
            copy.write(cands.getvalue())
        # claimed items belong to someone: give the Pudong officer a realistic handful
        officer = User.objects.get(username="officer_pd").pk
        cur.execute(
            "UPDATE tasks_workitem SET assignee_id = %s WHERE status = 'claimed' AND district_code = '310115' "
            "AND element_id = 'case_officer'",
            [officer],
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('tasks_workitem', 'id'), %s)", [n])
        # what autovacuum does to a live table: statistics and the visibility map (for index-only scans)
        cur.execute("VACUUM ANALYZE tasks_workitem")
        cur.execute("VACUUM ANALYZE tasks_workitemcandidate")
        cur.execute("SELECT count(*) FROM tasks_workitemcandidate")
        (n_cands,) = cur.fetchone()
    print(
        f"  generated {n:,} items / {n_cands:,} candidate rows in {generated:.1f}s, "
        f"loaded with COPY in {time.perf_counter() - start - generated:.1f}s"
    )


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    for _ in range(5):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], samples[-1]


def measure(repeat: int) -> None:
    from django.test import Client
    from rest_framework.test import APIClient

    from domain.organisations.models import User
    from tasks.selectors import Filters, counts_for, inbox_list

    print(f"  {'what':52s} {'rows':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for username, label in (
        ("officer_pd", "district case officer (浦东)"),
        ("officer_city", "city-level case officer (all districts)"),
        ("reviewer_hp", "district reviewer (黄浦)"),
        ("ent_contractor", "enterprise (its own cases)"),
    ):
        user = User.objects.get(username=username)

        def selector(user: User = user) -> int:
            listing = inbox_list(user, "available")
            listing[0:20]
            return listing.count()

        total = selector()
        p50, p95, worst = timed(selector, repeat)
        print(f"  {label + ': selector page+count':52s} {total:>7,d} {p50:8.1f} {p95:8.1f} {worst:8.1f}")
        api = APIClient()
        api.force_authenticate(user)

        def call(api: APIClient = api) -> None:
            assert api.get("/api/tasks/?scope=available").status_code == 200

        p50, p95, worst = timed(call, repeat)
        print(
            f"  {label + ': GET /api/tasks/?scope=available':52s} {'':>7s} {p50:8.1f} {p95:8.1f} {worst:8.1f}"
        )
        page = Client()
        page.force_login(user)

        def html(page: Client = page) -> None:
            assert page.get("/tasks/?tab=available").status_code == 200

        p50, p95, worst = timed(html, max(repeat // 4, 20))
        print(f"  {label + ': inbox page (tab counts too)':52s} {'':>7s} {p50:8.1f} {p95:8.1f} {worst:8.1f}")
    officer = User.objects.get(username="officer_pd")
    for label, scope, filters in (
        ("district case officer: my claimed items", "mine", Filters()),
        ("district case officer: overdue tab (mine + groups)", "todo", Filters(overdue=True)),
    ):

        def tab(scope: str = scope, filters: Filters = filters) -> int:
            listing = inbox_list(officer, scope, filters=filters)
            listing[0:20]
            return listing.count()

        p50, p95, worst = timed(tab, repeat)
        print(f"  {label:52s} {tab():>7,d} {p50:8.1f} {p95:8.1f} {worst:8.1f}")
    p50, p95, worst = timed(lambda: counts_for(officer), repeat)
    print(
        f"  {'district case officer: all tab counts (2 queries)':52s} {'':>7s} {p50:8.1f} {p95:8.1f} {worst:8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run filled")
    args = parser.parse_args()
    setup(args.reuse)
    from tasks.models import WorkItem

    if args.reuse and WorkItem.objects.count() >= args.items:
        print(f"inbox benchmark: reusing {WorkItem.objects.count():,} work items in {BENCH_DB} (PostgreSQL)")
    else:
        print(f"inbox benchmark: {args.items:,} work items on PostgreSQL")
        fill(args.items)
    measure(args.repeat)


if __name__ == "__main__":
    main()
