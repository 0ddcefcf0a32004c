"""The personnel demo world loads idempotently with a case in progress, an issued certificate and an automatic
extension."""

from __future__ import annotations

import pytest

from domain.personnel import demo
from domain.personnel.models import CertificateEvent, HelpRequest, SafetyCertificate
from tasks.models import WorkItem


@pytest.mark.django_db
def test_demo_loads_idempotently(directory, publish_models):
    publish_models("safety_staff_certification", "safety_staff_extension", "safety_staff_help")
    demo.load(lambda _msg: None)
    counts = (SafetyCertificate.objects.count(), CertificateEvent.objects.count(), HelpRequest.objects.count())
    demo.load(lambda _msg: None)
    assert (SafetyCertificate.objects.count(), CertificateEvent.objects.count(), HelpRequest.objects.count()) == counts
    li = SafetyCertificate.objects.get(person__user__username="person_li")
    assert li.state == "applied"
    assert WorkItem.objects.filter(element_id="preliminary_review", status="open").exists()
    wang = {c.klass: c for c in SafetyCertificate.objects.filter(person__user__username="person_wang")}
    assert wang["A"].state == "valid" and wang["A"].document is not None
    assert wang["C3"].state == "extended" and wang["C3"].events.get(kind="extended").automatic
    assert not SafetyCertificate.objects.filter(person__user__username="person_zhang").exists()
