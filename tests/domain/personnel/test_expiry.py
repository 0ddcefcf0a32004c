"""The validity sweep: expiring in the 3 months before expiry, expired after it; idempotent; an expiring
certificate can still be extended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domain.personnel.expiry import sweep_expiry
from domain.personnel.models import CertificateState, SafetyCertificate
from domain.personnel.services import extend_certificate

from .factories import employed_person, valid_certificate


@pytest.mark.django_db
def test_sweep_marks_expiring_and_expired_once(directory):
    today = timezone.localdate()
    soon = valid_certificate(employed_person(directory["contractor"]), valid_to=today + dt.timedelta(days=40))
    later = valid_certificate(employed_person(directory["contractor"]), valid_to=today + dt.timedelta(days=200))
    past = valid_certificate(employed_person(directory["contractor"]), valid_to=today - dt.timedelta(days=1))
    assert sweep_expiry(today=today) == {"expiring": 1, "expired": 1}
    assert sweep_expiry(today=today) == {"expiring": 0, "expired": 0}
    states = {c.pk: c.state for c in SafetyCertificate.objects.all()}
    assert states[soon.pk] == CertificateState.EXPIRING
    assert states[later.pk] == CertificateState.VALID
    assert states[past.pk] == CertificateState.EXPIRED
    extended = extend_certificate(certificate=soon.pk, automatic=False)
    assert extended.state == CertificateState.EXTENDED and extended.valid_to.year == soon.valid_to.year + 3
