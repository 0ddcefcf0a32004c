"""The issue's "done when" path over HTTP with demo accounts: a person applies for a C certificate on the page,
the enterprise confirms and the officers review, notice, review and approve through the inbox API, the person
downloads the sealed certificate, changes employer, and cancels it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from documents.verify import verify_pdf
from domain.organisations.models import User
from domain.personnel import demo
from domain.personnel.models import SafetyCertificate
from processes import engine
from tasks.models import WorkItem

FOLDERS = ("safety_staff_certification", "safety_staff_employer_change", "safety_staff_cancellation")


def _complete(api, username: str, element_id: str, data: dict) -> None:
    item = WorkItem.objects.get(element_id=element_id, status__in=["open", "claimed"])
    resp = api(username).post(f"/api/tasks/{item.pk}/complete/", {"data": data}, format="json")
    assert resp.status_code == 200, resp.content.decode()


@pytest.mark.django_db
def test_demo_person_takes_a_c_certificate_from_application_to_cancellation(client, api, directory, publish_models):
    publish_models(*FOLDERS)
    demo._person("person_zhang", directory["contractor"])
    client.force_login(User.objects.get(username="person_zhang"))
    assert client.post("/personnel/apply/", {"klass": "C1", "job_title": "专职安全员"}).status_code == 302

    bad = WorkItem.objects.get(element_id="employer_confirm")
    resp = api("ent_contractor").post(f"/api/tasks/{bad.pk}/complete/", {"data": {"approved": True}}, format="json")
    assert resp.status_code == 400 and "signer" in resp.json()["errors"]  # the signature is required
    _complete(api, "ent_contractor", "employer_confirm", {"approved": True, "signer": "王建国"})
    _complete(api, "officer_pd", "accept", {"approved": True, "opinion": "予以受理"})
    _complete(api, "officer_pd", "preliminary_review", {"approved": True, "opinion": "考核合格"})
    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=7))
    _complete(api, "reviewer_pd", "review", {"approved": True, "opinion": "同意"})
    _complete(api, "approver_pd", "approve", {"approved": True, "opinion": "准予发证"})

    cert = SafetyCertificate.objects.get(person__user__username="person_zhang")
    assert cert.state == "valid"
    resp = client.get(f"/personnel/certificates/{cert.pk}/download/")
    assert verify_pdf(b"".join(resp.streaming_content)).status == "valid"

    assert client.post("/personnel/change-employer/", {"employer": directory["employer"].pk}).status_code == 302
    _complete(api, "ent_employer", "employer_confirm", {"approved": True, "signer": "李明华"})
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.employer == directory["employer"]

    resp = client.post(f"/personnel/certificates/{cert.pk}/cancel/", {"reason_code": "own_request"})
    assert resp.status_code == 302
    _complete(api, "ent_employer", "employer_opinion", {"employer_agrees": True, "signer": "李明华"})
    cert = SafetyCertificate.objects.get(pk=cert.pk)
    assert cert.state == "cancelled" and cert.events.get(kind="cancelled").automatic
    page = client.get("/personnel/archive/").url
    archive = client.get(page).content.decode()
    assert "证书注销" in archive and "聘用单位由" in archive and "自动决定" in archive
