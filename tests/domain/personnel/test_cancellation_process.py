"""M74 cancellation through the real BPMN: the employer's opinion and signature, then ``personnel_cancellation``
decides automatically where the rules allow; otherwise an officer decides."""

from __future__ import annotations

import pytest

from domain.errors import ProcedureError
from domain.personnel import procedures
from domain.personnel.models import CertificateState, SafetyCertificate
from processes.models import InstanceStatus, ProcessInstance

from .conftest import complete, open_items
from .factories import valid_certificate

AGREE = {"employer_agrees": True, "signer": "王建国", "opinion": "同意注销"}


@pytest.fixture(autouse=True)
def _models(publish_models):
    publish_models("safety_staff_cancellation")


@pytest.mark.django_db
def test_own_request_with_employer_agreement_is_cancelled_automatically(person, person_user):
    cert = valid_certificate(person)
    instance = procedures.start_cancellation(certificate=cert, reason_code="own_request", acting_user=person_user)
    instance = complete(instance, "ent_contractor", AGREE, "employer_opinion")
    assert open_items(instance) == []
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.COMPLETED
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.CANCELLED
    assert cert.events.get(kind="cancelled").automatic is True
    assert "王建国" in cert.events.get(kind="employer_opinion").summary


@pytest.mark.django_db
def test_employer_disagreement_goes_to_an_officer(person, person_user):
    cert = valid_certificate(person)
    instance = procedures.start_cancellation(certificate=cert, reason_code="own_request", acting_user=person_user)
    instance = complete(instance, "ent_contractor", {"employer_agrees": False, "signer": "王建国"})
    instance = complete(instance, "officer_pd", {"approved": True, "opinion": "本人确已离开建筑施工企业"}, "officer_decide")
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.CANCELLED and cert.events.get(kind="cancelled").automatic is False


@pytest.mark.django_db
def test_cancellation_needs_a_known_reason_and_a_certificate_in_force(person, person_user):
    cert = valid_certificate(person)
    with pytest.raises(ProcedureError, match="事由"):
        procedures.start_cancellation(certificate=cert, reason_code="bored", acting_user=person_user)
