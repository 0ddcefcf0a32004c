"""M70 certification through the real BPMN: person applies → employer confirms and signs → accept → preliminary
review → public notice (period as data) → review → approve → sealed certificate with QR → result announced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from documents.verify import verify_pdf
from domain.errors import ConflictError, DomainError, ProcedureError
from domain.personnel import procedures
from domain.personnel.models import CertificateState, PublicNotice, SafetyCertificate
from domain.personnel.numbering import NUMBER_RE
from processes import engine
from processes.models import InstanceStatus, ProcessInstance
from security.models import AuditEvent

from .conftest import complete, open_items

YES = {"approved": True, "opinion": "符合条件"}


@pytest.fixture(autouse=True)
def _models(publish_models):
    publish_models("safety_staff_certification")


def _through_review(instance, notice_days: int):
    instance = complete(instance, "ent_contractor", {"approved": True, "signer": "王建国"}, "employer_confirm")
    instance = complete(instance, "officer_pd", YES, "accept")
    instance = complete(instance, "officer_pd", {"approved": True, "opinion": "材料齐全，考核成绩合格"}, "preliminary_review")
    return ProcessInstance.objects.get(pk=instance.pk)


@pytest.mark.django_db
def test_person_takes_a_c_certificate_through_notice_to_a_sealed_certificate(person, person_user):
    instance = procedures.start_certification(person=person, klass="C2", employer=person.current_employment.enterprise,
                                              acting_user=person_user, notice_days=7)
    cert = SafetyCertificate.objects.get(person=person)
    assert cert.state == CertificateState.APPLIED
    assert [i.element_id for i in open_items(instance)] == ["employer_confirm"]

    instance = _through_review(instance, 7)
    notice = PublicNotice.objects.get(certificate=cert, kind=PublicNotice.Kind.REVIEW_OPINION)
    assert notice.period_days == 7 and notice.ends_on == notice.starts_on + dt.timedelta(days=7)
    assert instance.status == InstanceStatus.WAITING and open_items(instance) == []

    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=3))  # still in the notice period
    assert open_items(instance) == []
    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=9))
    instance = complete(instance, "reviewer_pd", YES, "review")
    instance = complete(instance, "approver_pd", {"approved": True, "opinion": "准予发证"}, "approve")

    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == CertificateState.VALID
    assert NUMBER_RE.match(cert.number) and cert.number.startswith("沪建安C2(")
    assert cert.valid_to == cert.issued_on.replace(year=cert.issued_on.year + 3) - dt.timedelta(days=1)
    assert cert.document is not None and cert.document.is_sealed
    assert verify_pdf(cert.document.pdf_bytes()).status == "valid"
    assert PublicNotice.objects.filter(certificate=cert, kind=PublicNotice.Kind.RESULT).exists()
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.COMPLETED
    kinds = list(cert.events.values_list("kind", flat=True))
    assert kinds == ["applied", "employer_confirmed", "review_notice", "issued", "announced"]
    assert AuditEvent.objects.filter(action="personnel.issued").exists()


@pytest.mark.django_db
def test_duplicate_application_is_refused(person, person_user, contractor):
    procedures.start_certification(person=person, klass="C1", employer=contractor, acting_user=person_user)
    with pytest.raises(ConflictError, match="不能重复申请"):
        procedures.start_certification(person=person, klass="C2", employer=contractor, acting_user=person_user)
    assert SafetyCertificate.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_b_certificate_requires_constructor_registration(person, person_user, contractor):
    with pytest.raises(ProcedureError, match="注册建造师"):
        procedures.start_certification(person=person, klass="B", employer=contractor, acting_user=person_user)


@pytest.mark.django_db
def test_application_through_a_firm_the_person_does_not_work_for_is_refused(person, person_user, directory):
    with pytest.raises(ProcedureError, match="不在"):
        procedures.start_certification(person=person, klass="C2", employer=directory["lessor"], acting_user=person_user)


@pytest.mark.django_db
def test_refusal_at_preliminary_review_rejects_the_application(person, person_user, contractor):
    instance = procedures.start_certification(person=person, klass="C3", employer=contractor, acting_user=person_user)
    instance = complete(instance, "ent_contractor", {"approved": True, "signer": "王建国"})
    instance = complete(instance, "officer_pd", YES)
    instance = complete(instance, "officer_pd", {"approved": False, "opinion": "考核成绩不合格"})
    cert = SafetyCertificate.objects.get(person=person)
    assert cert.state == CertificateState.REJECTED and cert.number is None
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.COMPLETED
    # a rejected application no longer blocks a new one
    procedures.start_certification(person=person, klass="C3", employer=contractor, acting_user=person_user)


@pytest.mark.django_db
def test_another_enterprise_cannot_confirm(person, person_user, contractor, user):
    instance = procedures.start_certification(person=person, klass="C2", employer=contractor, acting_user=person_user)
    item = open_items(instance)[0]
    with pytest.raises(DomainError):
        engine.complete_work_item(item.pk, data={"approved": True, "signer": "李明华"}, acting_user=user("ent_employer"))
