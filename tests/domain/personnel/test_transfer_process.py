"""M72 employer change within Shanghai and M73 moving in / leaving (forced leaving adds an officer's acceptance,
decision and upload) through the real BPMN."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from domain.errors import ProcedureError
from domain.organisations.models import User
from domain.personnel import procedures
from domain.personnel.models import CertificateState, Employment, SafetyCertificate
from processes.models import InstanceStatus, ProcessInstance
from tasks.attachments import store_attachment
from tasks.models import WorkItem

from .conftest import complete, open_items
from .factories import valid_certificate

CONFIRM = {"approved": True, "signer": "李明华"}


@pytest.fixture(autouse=True)
def _models(publish_models):
    publish_models("safety_staff_employer_change", "safety_staff_transfer")


@pytest.mark.django_db
def test_certificate_follows_the_person_to_the_new_employer(person, person_user, directory):
    cert = valid_certificate(person)
    new = directory["employer"]
    instance = procedures.start_employer_change(person=person, new_employer=new, acting_user=person_user)
    with pytest.raises(Exception):  # the old employer's operator is not a candidate
        complete(instance, "ent_contractor", CONFIRM)
    instance = complete(instance, "ent_employer", CONFIRM, "employer_confirm")
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.employer == new and cert.employer_name == new.name and cert.state == CertificateState.VALID
    assert person.current_employment.enterprise == new
    assert Employment.objects.filter(person=person, ended_on__isnull=False).count() == 1
    event = cert.events.get(kind="employer_changed")
    assert event.automatic is True
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.COMPLETED


@pytest.mark.django_db
def test_moving_in_from_another_province_issues_a_shanghai_number(person, person_user, contractor):
    instance = procedures.start_transfer_in(person=person, klass="C1", employer=contractor,
                                            origin_number="苏建安C1(2024)0000123", acting_user=person_user)
    instance = complete(instance, "ent_contractor", {"approved": True, "signer": "王建国"}, "employer_confirm")
    cert = SafetyCertificate.objects.get(person=person)
    assert cert.state == CertificateState.VALID and cert.number.startswith("沪建安C1(")
    assert cert.origin_number == "苏建安C1(2024)0000123"
    assert cert.events.get(kind="transfer_in_decided").automatic is True
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.COMPLETED


@pytest.mark.django_db
def test_moving_in_refuses_a_malformed_or_shanghai_number(person, person_user, contractor):
    with pytest.raises(ProcedureError, match="格式"):
        procedures.start_transfer_in(person=person, klass="C1", employer=contractor, origin_number="C1-123",
                                     acting_user=person_user)
    with pytest.raises(ProcedureError, match="本市"):
        procedures.start_transfer_in(person=person, klass="C1", employer=contractor,
                                     origin_number="沪建安C1(2024)0000123", acting_user=person_user)


@pytest.mark.django_db
def test_leaving_is_decided_automatically_with_no_human_task(person, person_user):
    cert = valid_certificate(person)
    instance = procedures.start_transfer_out(certificate=cert, acting_user=person_user, reason="调往江苏省工作")
    assert not WorkItem.objects.filter(instance_id=instance.pk).exists()
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.TRANSFERRED_OUT
    assert cert.events.get(kind="transferred_out").automatic is True
    assert person.current_employment is None


@pytest.mark.django_db
def test_forced_leaving_needs_acceptance_a_decision_and_an_upload(person, user):
    cert = valid_certificate(person)
    instance = procedures.start_transfer_out(certificate=cert, acting_user=user("ent_contractor"),
                                             reason="已解除劳动合同，本人未办理调出", forced=True)
    instance = complete(instance, "officer_pd", {"approved": True, "opinion": "予以受理"}, "forced_accept")
    item = open_items(instance)[0]
    assert item.element_id == "forced_decide"
    from django.core.exceptions import ValidationError

    from processes import engine

    with pytest.raises(ValidationError):  # the evidence upload is required
        engine.complete_work_item(item.pk, data={"approved": True, "opinion": "决定调出"}, acting_user=user("approver_pd"))
    upload = store_attachment(SimpleUploadedFile("解除劳动合同证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"),
                              user=user("approver_pd"), instance_id=instance.pk)
    complete(instance, "approver_pd", {"approved": True, "opinion": "决定调出", "evidence": upload.pk}, "forced_decide")
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.TRANSFERRED_OUT
    event = cert.events.get(kind="transferred_out")
    assert event.automatic is False and event.data == {"forced": True, "attachment_id": upload.pk}
    assert event.actor == User.objects.get(username="approver_pd")
    from domain.personnel.selectors import archive

    files = archive(user("officer_pd"), person)["attachments"]
    assert [f.original_name for f in files] == ["解除劳动合同证明.pdf"]  # the evidence is in the electronic archive
