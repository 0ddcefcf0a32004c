"""M71 extension through the real BPMN and the ``personnel_extension`` decision table: passes → automatic
decision with no human task, recorded as automatic; otherwise an officer decides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from domain.errors import ProcedureError
from domain.personnel import procedures
from domain.personnel.models import CertificateState, SafetyCertificate
from processes import engine
from processes.models import InstanceStatus, ProcessInstance
from security.models import AuditEvent
from tasks.models import WorkItem

from .conftest import complete, open_items
from .factories import PenaltyRecordFactory, TrainingRecordFactory, valid_certificate


@pytest.fixture(autouse=True)
def _models(publish_models):
    publish_models("safety_staff_extension")


def _expiring(person, hours: str = "36"):
    cert = valid_certificate(person, valid_to=timezone.localdate() + dt.timedelta(days=60))
    TrainingRecordFactory(person=person, hours=Decimal(hours), completed_on=timezone.localdate() - dt.timedelta(days=200))
    return cert


@pytest.mark.django_db
def test_extension_with_enough_training_and_no_penalty_is_decided_automatically(person, person_user):
    cert = _expiring(person)
    old_valid_to = cert.valid_to
    instance = procedures.start_extension(certificate=cert, acting_user=person_user)
    assert not WorkItem.objects.filter(instance_id=instance.pk).exists()  # no human task at all
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.COMPLETED
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.EXTENDED
    assert cert.valid_to == old_valid_to.replace(year=old_valid_to.year + 3)
    event = cert.events.get(kind="extended")
    assert event.automatic is True and event.actor is None
    assert AuditEvent.objects.filter(action="personnel.extended", summary__startswith="【自动决定】").exists()
    decision = engine.instance_history(ProcessInstance.objects.get(pk=instance.pk)).get(element_id="decide")
    assert "rule_auto" in str(decision.details)


@pytest.mark.django_db
def test_too_few_training_hours_route_to_an_officer(person, person_user):
    cert = _expiring(person, hours="20")  # 6.7 hours per certificate year
    instance = procedures.start_extension(certificate=cert, acting_user=person_user)
    assert [i.element_id for i in open_items(instance)] == ["officer_review"]
    assert SafetyCertificate.objects.get(pk=cert.pk).state == CertificateState.VALID
    complete(instance, "officer_pd", {"approved": True, "opinion": "已补充学时证明"})
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.EXTENDED and cert.events.get(kind="extended").automatic is False


@pytest.mark.django_db
def test_a_penalty_routes_to_an_officer_who_may_refuse(person, person_user):
    cert = _expiring(person)
    PenaltyRecordFactory(person=person)
    instance = procedures.start_extension(certificate=cert, acting_user=person_user)
    complete(instance, "officer_pd", {"approved": False, "opinion": "有安全生产违法行为"}, "officer_review")
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.VALID and cert.events.filter(kind="extension_refused").exists()


@pytest.mark.django_db
def test_extension_outside_the_three_month_window_is_refused(person, person_user):
    cert = valid_certificate(person, valid_to=timezone.localdate() + dt.timedelta(days=200))
    with pytest.raises(ProcedureError, match="3个月内"):
        procedures.start_extension(certificate=cert, acting_user=person_user)
