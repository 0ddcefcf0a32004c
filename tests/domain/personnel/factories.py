"""One factory per model for safety-management staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from domain.organisations.models import Organisation
from domain.personnel.models import Employment, PenaltyRecord, Person, SafetyCertificate, TrainingRecord
from domain.personnel.numbering import allocate_number


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"测试人员{n}")
    id_number = factory.Sequence(lambda n: f"3101151990{n:08d}")
    phone = "13800138000"


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    enterprise = factory.LazyFunction(lambda: Organisation.objects.get(name="上海浦江建设集团有限公司"))
    started_on = dt.date(2020, 1, 1)


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    course = "安全生产继续教育"
    hours = Decimal("12")
    completed_on = factory.LazyFunction(timezone.localdate)


class PenaltyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PenaltyRecord

    description = "未履行安全生产管理职责"
    decided_on = factory.LazyFunction(timezone.localdate)


def employed_person(enterprise: Organisation | None = None, **kwargs: Any) -> Person:
    person = PersonFactory(**kwargs)
    EmploymentFactory(person=person, **({"enterprise": enterprise} if enterprise else {}))
    return person


def valid_certificate(person: Person, *, klass: str = "C2", valid_to: dt.date | None = None,
                      employer: Organisation | None = None) -> SafetyCertificate:
    """A certificate in force (built directly: tests of later procedures start from here)."""
    employer = employer or person.current_employment.enterprise
    valid_to = valid_to or timezone.localdate() + dt.timedelta(days=400)
    cert = SafetyCertificate.objects.create(person=person, klass=klass, employer=employer,
                                            employer_name=employer.name, district=employer.district)
    cert.number = allocate_number(klass, valid_to.year - 3)
    cert.issued_on = valid_to - dt.timedelta(days=3 * 365)
    cert.valid_to = valid_to
    cert.issue()
    cert.announce()
    cert.save()
    return cert
