"""Certificate numbers: national format, consecutive, no gaps or duplicates under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from domain.personnel.numbering import NUMBER_RE, allocate_number, format_number


def test_format_matches_the_national_pattern():
    number = format_number("C1", 2026, 1)
    assert number == "沪建安C1(2026)0000001"
    match = NUMBER_RE.match(number)
    assert match and match["klass"] == "C1" and match["year"] == "2026" and match["serial"] == "0000001"
    assert not NUMBER_RE.match("沪建安D(2026)0000001")


@pytest.mark.django_db
def test_numbers_are_consecutive_per_class_and_year():
    assert [allocate_number("A", 2026) for _ in range(3)] == [format_number("A", 2026, n) for n in (1, 2, 3)]
    assert allocate_number("A", 2027) == format_number("A", 2027, 1)
    assert allocate_number("C3", 2026) == format_number("C3", 2026, 1)


@pytest.mark.django_db
def test_a_rolled_back_issuance_leaves_no_gap():
    allocate_number("B", 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_number("B", 2026)
        raise RuntimeError("issuance failed")
    assert allocate_number("B", 2026) == format_number("B", 2026, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_has_no_gaps_or_duplicates():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://…)")
    threads_n, per_thread = 8, 25
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)
    lock = threading.Lock()

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    number = allocate_number("C2", 2026)
                with lock:
                    results.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == len(set(results)) == threads_n * per_thread
    assert sorted(results) == [format_number("C2", 2026, n) for n in range(1, threads_n * per_thread + 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_applications_admit_exactly_one(directory):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://…)")
    from domain.errors import DomainError
    from domain.personnel.models import SafetyCertificate
    from domain.personnel.services import apply_for_certificate

    from .factories import employed_person

    person = employed_person(directory["contractor"])
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def work(klass: str) -> None:
        try:
            barrier.wait()
            apply_for_certificate(person=person, klass=klass, employer=directory["contractor"])
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(f"refused {exc.status_code}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(k,)) for k in ("C1", "C2", "C3", "C1")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused 409", "refused 409", "refused 409"]
    assert SafetyCertificate.objects.filter(person=person).count() == 1
