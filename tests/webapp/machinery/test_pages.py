"""The machinery pages as the demo users use them: file, notify installation, apply for use registration,
download and verify the certificate, notify dismantling; 4xx with Chinese messages on bad input; scoping."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from documents.verify import verify_pdf
from domain.machinery.models import (
    DISMANTLING_CHECKLIST,
    Installation,
    Machine,
    MachineState,
    PropertyFiling,
    RegistrationState,
    UseRegistration,
)
from domain.organisations.models import Organisation, User
from tests.domain.machinery.flows import deliver, do, filed_machine, installed, instance_of, registered

pytestmark = pytest.mark.django_db

CREW_TEXT = "李安装,建筑起重机械安装拆卸工,HU32020190012,2030-12-31\n周信号,建筑起重信号司索工,HU32020190345,2030-12-31"
OPERATORS_TEXT = "钱司机,建筑起重机械司机（塔式起重机）,HU32020180777,2030-12-31"


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4 test", content_type="application/pdf")


def filing_post(**overrides):
    data = {
        "machine_type": "tower_crane", "model_name": "QTZ125(TC6513)", "manufacturer": "徐工建机",
        "manufacturing_licence_no": "TS2432009-2028", "product_certificate_no": "XG-2023-0456",
        "factory_serial_no": "TC6513-230456", "factory_date": "2023-05-10", "rated_capacity": "1250",
        "safety_devices_ok": "on",
        **{k: _pdf(k) for k in ("manufacturing_licence", "product_certificate", "inspection_certificate", "invoice")},
    }
    data.update(overrides)
    return data


def test_lessor_files_a_tower_crane(machinery):
    response = client_for("ent_lessor").post("/machinery/file/", filing_post())
    assert response.status_code == 302
    filing = PropertyFiling.objects.get()
    assert len(filing.documents) == 4 and instance_of(filing).status == "running"
    assert response["Location"] == f"/machinery/{filing.machine_id}/"
    page = client_for("ent_lessor").get(response["Location"])
    assert "产权备案" in page.content.decode() and "未备案" in page.content.decode()


def test_bad_filing_input_is_a_400_with_a_chinese_message_and_nothing_saved(machinery):
    response = client_for("ent_lessor").post("/machinery/file/", filing_post(factory_date="明天", rated_capacity="-1"))
    assert response.status_code == 400
    assert "有效的日期" in response.content.decode() or "日期" in response.content.decode()
    assert not Machine.objects.exists()
    bad_file = filing_post(invoice=SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream"))
    response = client_for("ent_lessor").post("/machinery/file/", bad_file)
    assert response.status_code == 400 and "不支持该文件类型" in response.content.decode()
    assert not Machine.objects.exists()


def test_regulators_do_not_file(machinery):
    assert client_for("officer_mh").get("/machinery/file/").status_code == 404


def test_installation_notice_too_late_is_refused(machinery):
    machine = filed_machine()
    c = client_for("ent_lessor")
    post = {
        "site_name": "浦江镇商品房项目（二期）", "site_address": "三鲁公路1188号", "site_district": "310115",
        "main_contractor": Organisation.objects.get(name="上海浦江建设集团有限公司").pk,
        "supervising_engineer": User.objects.get(username="supervisor_eng").pk,
        "installer_name": "上海东起机械租赁有限公司", "installer_qualification_no": "D231012345",
        "installer_safety_licence_no": "(沪)JZ安许证字[2020]010203", "crew": CREW_TEXT,
        "plan_summary": "标准安装方案", "planned_start": timezone.localdate().isoformat(),
        "planned_end": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    response = c.post(f"/machinery/{machine.pk}/install/", post)
    assert response.status_code == 400 and "2个工作日" in response.content.decode()
    assert not Installation.objects.exists()
    post["planned_start"] = (timezone.localdate() + timedelta(days=10)).isoformat()
    post["planned_end"] = (timezone.localdate() + timedelta(days=12)).isoformat()
    assert c.post(f"/machinery/{machine.pk}/install/", post).status_code == 302
    assert Installation.objects.get().crew[0]["trade"] == "installer"


def test_contractor_applies_and_downloads_a_verifiable_certificate_then_dismantles(machinery, platform):
    machine = filed_machine()
    installation = installed(machine)
    c = client_for("ent_contractor")
    today = timezone.localdate()
    detail = c.get(f"/machinery/{machine.pk}/").content.decode()
    assert f"/machinery/installations/{installation.pk}/register/" in detail
    response = c.post(f"/machinery/installations/{installation.pk}/register/", {
        "inspection_body": "上海市建设机械检测中心", "inspection_report_no": "SJJ-2026-T-0999",
        "inspected_on": (today - timedelta(days=3)).isoformat(),
        "inspection_valid_until": (today + timedelta(days=360)).isoformat(),
        "accepted_on": (today - timedelta(days=2)).isoformat(), "operators": OPERATORS_TEXT,
        "inspection_report": _pdf("report"),
    })
    assert response.status_code == 302
    registration = UseRegistration.objects.get()
    inst = do(instance_of(registration), "engineer_review", "supervisor_eng",
              {"engineer_decision": "approve", "engineer_opinion": "同意"})
    inst = do(inst, "officer_review", "officer_pd", {"officer_decision": "approve", "officer_opinion": "同意"})
    deliver()
    do(inst, "approve", "approver_pd", {"approver_decision": "approve", "approver_opinion": "准予登记"})
    registration = UseRegistration.objects.get()
    assert registration.state == RegistrationState.APPROVED
    pdf = c.get(f"/machinery/registrations/{registration.pk}/certificate.pdf")
    assert pdf.status_code == 200 and verify_pdf(pdf.content).status == "valid"
    assert client_for("ent_employer").get(f"/machinery/registrations/{registration.pk}/certificate.pdf").status_code == 404
    in_use = client_for("officer_pd").get("/machinery/in-use/").content.decode()
    assert registration.registration_number in in_use
    post = {"dismantler_name": "上海东起机械租赁有限公司", "dismantler_qualification_no": "D231012345",
            "dismantler_safety_licence_no": "(沪)JZ安许证字[2020]010203", "crew": CREW_TEXT,
            "planned_date": (today + timedelta(days=5)).isoformat()}
    post.update({f"check_{k}": "on" for k in DISMANTLING_CHECKLIST if k != "certificate_returned"})
    response = c.post(f"/machinery/{machine.pk}/dismantle/", post)
    assert response.status_code == 400 and "使用登记证明已交回" in response.content.decode()
    post["check_certificate_returned"] = "on"
    assert c.post(f"/machinery/{machine.pk}/dismantle/", post).status_code == 302
    assert Machine.objects.get(pk=machine.pk).state == MachineState.DISMANTLED
    assert UseRegistration.objects.get().state == RegistrationState.CLOSED


def test_another_enterprise_cannot_see_the_machine_and_export_is_scoped(machinery, platform):
    machine = filed_machine()
    filed_machine(factory_serial_no="TC6010-55555")
    assert client_for("ent_employer").get(f"/machinery/{machine.pk}/").status_code == 404
    assert client_for("ent_employer").get(f"/machinery/{machine.pk}/install/").status_code == 404
    response = client_for("ent_lessor").get("/machinery/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "备案编号" and len(rows) == 3
    empty = client_for("ent_employer").get("/machinery/?export=xlsx")
    assert len(list(load_workbook(io.BytesIO(empty.content)).active.iter_rows(values_only=True))) == 1


def test_api_lists_only_visible_machines(machinery, api):
    machine = filed_machine()
    assert [m["id"] for m in api("ent_lessor").get("/api/machinery/machines/").json()["results"]] == [machine.pk]
    assert api("ent_employer").get("/api/machinery/machines/").json()["results"] == []
    assert api("ent_employer").get(f"/api/machinery/machines/{machine.pk}/").status_code == 404
    detail = api("officer_mh").get(f"/api/machinery/machines/{machine.pk}/").json()
    assert detail["filing_number"] == machine.filing_number and detail["registrations"] == []


def test_scrapping_an_installed_machine_is_a_409(machinery):
    machine = filed_machine()
    installed(machine)
    response = client_for("ent_lessor").post(f"/machinery/{machine.pk}/scrap/", {"reason": "锈蚀"})
    assert response.status_code == 409 and "不能报废" in response.content.decode()


def test_registered_machine_shows_on_pages(machinery, platform):
    registration = registered(installed(filed_machine()))
    page = client_for("ent_lessor").get("/machinery/?site=浦江镇").content.decode()
    assert registration.machine.filing_number in page


def test_supervising_engineer_confirms_use_from_the_site_list(machinery, platform):
    registration = registered(installed(filed_machine()))
    c = client_for("supervisor_eng")
    assert f"/machinery/registrations/{registration.pk}/confirm/" in c.get("/machinery/in-use/").content.decode()
    response = c.post(f"/machinery/registrations/{registration.pk}/confirm/", {"result": "issue", "note": ""})
    assert response.status_code == 400 and "检查记录" in response.content.decode()
    assert c.post(f"/machinery/registrations/{registration.pk}/confirm/", {"result": "ok"}).status_code == 302
    other = client_for("ent_contractor").post(f"/machinery/registrations/{registration.pk}/confirm/", {"result": "ok"})
    assert other.status_code == 403
    assert registration.confirmations.count() == 1


def _task(instance_id: int, element_id: str) -> int:
    from tasks.models import ACTIVE_STATUSES, WorkItem

    return WorkItem.objects.get(instance_id=instance_id, element_id=element_id, status__in=ACTIVE_STATUSES).pk


def _complete(username: str, instance_id: int, element_id: str, data: dict) -> None:
    c = client_for(username)
    pk = _task(instance_id, element_id)
    if "jg-claim" in c.get(f"/tasks/{pk}/").content.decode():  # offered to a group: claim it first (认领)
        assert c.post(f"/tasks/{pk}/claim/").status_code == 302
    assert "审核意见" in c.get(f"/tasks/{pk}/").content.decode()
    response = c.post(f"/tasks/{pk}/", {f"f.{k}": v for k, v in data.items()})  # the inbox form's field names
    body = response.content.decode()
    assert response.status_code == 302, body[body.find("<main"):][:3000]


def test_done_when_the_whole_path_through_the_pages(machinery, platform):
    """File as the lessor, notify installation, apply as the contractor, review and approve as officers in the
    inbox, download and verify the certificate, notify dismantling."""
    lessor, contractor = client_for("ent_lessor"), client_for("ent_contractor")
    assert lessor.post("/machinery/file/", filing_post()).status_code == 302
    filing = PropertyFiling.objects.get()
    _complete("officer_mh", filing.process_instance_id, "officer_review",
              {"officer_decision": "approve", "officer_opinion": "材料齐全，予以备案"})
    machine = Machine.objects.get(pk=filing.machine_id)
    assert machine.state == MachineState.FILED
    today = timezone.localdate()
    assert lessor.post(f"/machinery/{machine.pk}/install/", {
        "site_name": "浦江镇商品房项目（二期）", "site_address": "三鲁公路1188号", "site_district": "310115",
        "main_contractor": Organisation.objects.get(name="上海浦江建设集团有限公司").pk,
        "supervising_engineer": User.objects.get(username="supervisor_eng").pk,
        "installer_name": "上海东起机械租赁有限公司", "installer_qualification_no": "D231012345",
        "installer_safety_licence_no": "(沪)JZ安许证字[2020]010203", "crew": CREW_TEXT, "plan_summary": "标准方案",
        "planned_start": (today + timedelta(days=10)).isoformat(), "planned_end": (today + timedelta(days=12)).isoformat(),
    }).status_code == 302
    installation = Installation.objects.get()
    notice = instance_of(installation).pk
    _complete("ent_contractor", notice, "contractor_review", {"contractor_decision": "approve", "contractor_opinion": "同意安装"})
    _complete("supervisor_eng", notice, "engineer_review", {"engineer_decision": "approve", "engineer_opinion": "方案已审"})
    assert contractor.post(f"/machinery/installations/{installation.pk}/register/", {
        "inspection_body": "上海市建设机械检测中心", "inspection_report_no": "SJJ-2026-T-1001",
        "inspected_on": (today - timedelta(days=2)).isoformat(),
        "inspection_valid_until": (today + timedelta(days=360)).isoformat(),
        "accepted_on": (today - timedelta(days=1)).isoformat(), "operators": OPERATORS_TEXT,
    }).status_code == 302
    registration = UseRegistration.objects.get()
    case = registration.process_instance_id
    _complete("supervisor_eng", case, "engineer_review", {"engineer_decision": "approve", "engineer_opinion": "资料齐全"})
    _complete("officer_pd", case, "officer_review", {"officer_decision": "approve", "officer_opinion": "符合条件"})
    deliver()
    _complete("approver_pd", case, "approve", {"approver_decision": "approve", "approver_opinion": "准予登记"})
    registration = UseRegistration.objects.get()
    pdf = contractor.get(f"/machinery/registrations/{registration.pk}/certificate.pdf")
    assert verify_pdf(pdf.content).status == "valid"
    assert Client().get(f"/documents/verify/{registration.certificate.verification_code}/").status_code == 200
    assert contractor.get(f"/cases/{case}/").status_code == 200  # the case page with its diagram
    post = {"dismantler_name": "上海东起机械租赁有限公司", "dismantler_qualification_no": "D231012345",
            "dismantler_safety_licence_no": "(沪)JZ安许证字[2020]010203", "crew": CREW_TEXT,
            "planned_date": (today + timedelta(days=5)).isoformat(),
            **{f"check_{k}": "on" for k in DISMANTLING_CHECKLIST}}
    assert contractor.post(f"/machinery/{machine.pk}/dismantle/", post).status_code == 302
    assert Machine.objects.get(pk=machine.pk).state == MachineState.DISMANTLED
    assert UseRegistration.objects.get().state == RegistrationState.CLOSED


def test_cockpit_panels_count_machines_by_state(machinery, platform):
    from webapp.machinery.cockpit import panels

    registered(installed(filed_machine()))
    filed_machine(factory_serial_no="TC6010-31313")
    found = {p.title: p for p in panels(User.objects.get(username="leader"))}
    assert found["在用起重机械"].value == 1 and found["30日内检验到期"].value == 0
    assert sorted(found["起重机械（按状态）"].labels) == sorted(["已使用登记", "已备案"])
    assert client_for("leader").get("/cockpit/").status_code == 200


def test_malformed_crew_lines_and_ids_are_4xx_not_500(machinery):
    machine = filed_machine()
    c = client_for("ent_lessor")
    response = c.post(f"/machinery/{machine.pk}/install/", {"crew": "李安装,安装拆卸工,HU320"})
    assert response.status_code == 400 and "第1行应有4项" in response.content.decode()
    assert c.get("/machinery/file/?machine=abc").status_code == 404
    refile = c.post(f"/machinery/file/?machine={machine.pk}", filing_post())
    assert refile.status_code == 409 and "已备案" in refile.content.decode()
    assert c.get("/machinery/999999/").status_code == 404


def test_export_keeps_formula_like_text_as_text(machinery, platform):
    """An enterprise's text that looks like a formula must not become a live formula in a regulator's Excel."""
    machine = filed_machine()
    Machine.objects.filter(pk=machine.pk).update(model_name='=HYPERLINK("http://evil.example/x","核对")')
    response = client_for("ent_lessor").get("/machinery/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=3)
    assert cell.value == '=HYPERLINK("http://evil.example/x","核对")' and cell.data_type == "s"


def test_api_machine_detail_lists_only_the_registrations_the_caller_may_see(machinery, platform, api):
    registration = registered(installed(filed_machine()))
    machine = registration.machine
    owner = api("ent_lessor").get(f"/api/machinery/machines/{machine.pk}/").json()
    assert [r["id"] for r in owner["registrations"]] == [registration.pk]
    # the filing district's regulator sees the machine, not the registration at a site in another district
    filing_district = api("officer_mh").get(f"/api/machinery/machines/{machine.pk}/")
    assert filing_district.status_code == 200 and filing_district.json()["registrations"] == []
    site_district = api("officer_pd").get(f"/api/machinery/machines/{machine.pk}/").json()
    assert [r["id"] for r in site_district["registrations"]] == [registration.pk]


@pytest.mark.parametrize("raw", ["²", "١٢", "99999999999999999999"])
def test_a_machine_id_that_is_no_number_is_a_404_not_a_500(machinery, raw):
    """``str.isdigit()`` accepts superscripts and other scripts' digits that ``int()`` refuses (a ValueError, a
    500): the pre-filled filing form for a machine answers 404 for them like for any unknown machine."""
    assert client_for("ent_lessor").get("/machinery/file/", {"machine": raw}).status_code == 404


def test_a_refused_filing_keeps_none_of_its_uploads(machinery):
    """The documents were stored before the service refused (a second filing of a filed machine, 409): their rows
    stayed behind, half of a refused request. The form's work is one transaction now."""
    from tasks.models import Attachment

    machine = filed_machine()
    before = Attachment.objects.count()
    refile = client_for("ent_lessor").post(f"/machinery/file/?machine={machine.pk}", filing_post())
    assert refile.status_code == 409 and "已备案" in refile.content.decode()
    assert Attachment.objects.count() == before


def test_a_refused_filing_leaves_none_of_its_files_on_disk(machinery, settings):
    """The rows of the stored documents are rolled back with the refusal, and their files are deleted with them; the
    files of an accepted filing stay."""
    from pathlib import Path

    from tasks.models import Attachment

    def media_files() -> set[Path]:
        return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}

    machine = filed_machine()
    before, attachments = media_files(), Attachment.objects.count()
    refile = client_for("ent_lessor").post(f"/machinery/file/?machine={machine.pk}", filing_post())
    assert refile.status_code == 409
    assert media_files() == before
    assert client_for("ent_lessor").post("/machinery/file/", filing_post()).status_code == 302
    assert len(media_files() - before) == 4 == Attachment.objects.count() - attachments
