"""Demo cranes of the lessor 上海东起机械租赁有限公司 (Minhang): a filed tower crane ready for an installation
notice, a tower crane in use on the contractor's Pudong site with its sealed use-registration certificate, and a
hoist whose filing awaits the Minhang officer. Also the supervising engineer ``supervisor_eng``. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domain.organisations.models import Organisation, User

from . import registration as reg
from . import services
from .demo_people import SUPERVISOR_USERNAME, supervising_engineer
from .models import Machine, MachineState

DEMO_ORDER = 55
DEMO_USERNAMES = (SUPERVISOR_USERNAME,)  # checked by the start-up refusal of demo passwords

CONTRACTOR = "上海浦江建设集团有限公司"
SITE = {"name": "浦江镇商品房项目（二期）", "address": "浦东新区浦江镇三鲁公路1188号", "district_code": "310115"}
# the project's construction permit, as the approval system pushes it (a new build: not a decoration site)
PERMIT = ("3101152026110009", SITE["name"], "310115", SITE["address"], "186000000", "68000", True, False, False)
INSTALLER = {"name": "上海东起机械租赁有限公司", "qualification_no": "D231012345",
             "safety_licence_no": "(沪)JZ安许证字[2020]010203"}
CREW = [
    {"name": "李安装", "trade": "installer", "certificate_no": "HU32020190012", "valid_until": "2030-12-31"},
    {"name": "周信号", "trade": "signaller", "certificate_no": "HU32020190345", "valid_until": "2030-12-31"},
]
OPERATORS = [
    {"name": "钱司机", "trade": "tower_driver", "certificate_no": "HU32020180777", "valid_until": "2030-12-31"},
    {"name": "周信号", "trade": "signaller", "certificate_no": "HU32020190345", "valid_until": "2030-12-31"},
]
MACHINES: dict[str, dict[str, Any]] = {
    "TC6010-22118": {"machine_type": "tower_crane", "model_name": "QTZ80(TC6010)", "manufacturer": "中联重科股份有限公司",
                     "manufacturing_licence_no": "TS2443001-2027", "product_certificate_no": "HG2022-06-118",
                     "rated_capacity": "800", "years": 3},
    "TC6513-210877": {"machine_type": "tower_crane", "model_name": "QTZ125(TC6513)", "manufacturer": "徐州建机工程机械有限公司",
                      "manufacturing_licence_no": "TS2432009-2028", "product_certificate_no": "XG-2021-0877",
                      "rated_capacity": "1250", "years": 5},
    "SC200-240311": {"machine_type": "hoist_sc", "model_name": "SC200/200", "manufacturer": "广州京龙工程机械有限公司",
                     "manufacturing_licence_no": "TS2444011-2026", "product_certificate_no": "JL-2024-0311",
                     "rated_capacity": "2", "years": 1},
}


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _do(subject: Any, element_id: str, username: str, data: dict[str, Any]) -> None:
    from processes import engine
    from processes.models import ProcessInstance
    from tasks.models import ACTIVE_STATUSES, WorkItem

    instance = ProcessInstance.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    ).latest("pk")
    item = WorkItem.objects.get(instance_id=instance.pk, element_id=element_id, status__in=ACTIVE_STATUSES)
    engine.complete_work_item(item.pk, data=data, acting_user=_user(username))


def _documents(user: User) -> dict[str, int]:
    from tasks.attachments import store_attachment

    return {
        key: store_attachment(
            SimpleUploadedFile(f"{key}.pdf", b"%PDF-1.4\n% demo\n", content_type="application/pdf"), user=user
        ).pk
        for key in ("manufacturing_licence", "product_certificate", "inspection_certificate", "invoice")
    }


def _submit(serial: str) -> Any:
    spec = dict(MACHINES[serial])
    years = spec.pop("years")
    data = {**spec, "factory_serial_no": serial, "safety_devices_ok": True,
            "factory_date": (timezone.localdate() - timedelta(days=365 * years + 40)).isoformat()}
    lessor = _user("ent_lessor")
    return services.submit_filing(acting_user=lessor, data=data, documents=_documents(lessor))


def _filed(serial: str) -> Machine:
    filing = _submit(serial)
    _do(filing, "officer_review", "officer_mh", {"officer_decision": "approve", "officer_opinion": "材料齐全，予以备案"})
    return Machine.objects.get(pk=filing.machine_id)


def _permit_number() -> str:
    from domain.sites import services as site_services
    from domain.sites.demo import permit_payload

    site_services.receive_permit(body=permit_payload(PERMIT), content_type="application/json")  # idempotent
    return PERMIT[0]


def _in_use(serial: str) -> Machine:
    from integrations import outbox

    machine = _filed(serial)
    today = timezone.localdate()
    installation = services.notify_installation(
        acting_user=_user("ent_lessor"), machine=machine, site={"permit_number": _permit_number()},
        main_contractor=Organisation.objects.get(name=CONTRACTOR), supervising_engineer=_user("supervisor_eng"),
        installer=INSTALLER, crew=CREW, plan_summary="基础验收→标准节→回转→塔帽→平衡臂→起重臂→配重，50t汽车吊配合。",
        planned_start=today - timedelta(days=12), planned_end=today - timedelta(days=10),
        today=today - timedelta(days=20),
    )
    _do(installation, "contractor_review", "ent_contractor", {"contractor_decision": "approve", "contractor_opinion": "同意安装"})
    _do(installation, "engineer_review", "supervisor_eng", {"engineer_decision": "approve", "engineer_opinion": "方案已审查，同意"})
    registration = reg.apply_use_registration(
        acting_user=_user("ent_contractor"), installation=installation, inspection_body="上海市建设机械检测中心",
        inspection_report_no="SJJ-2026-T-0456", inspected_on=today - timedelta(days=8),
        inspection_valid_until=today + timedelta(days=357), accepted_on=today - timedelta(days=7), operators=OPERATORS,
    )
    _do(registration, "engineer_review", "supervisor_eng", {"engineer_decision": "approve", "engineer_opinion": "资料齐全"})
    _do(registration, "officer_review", "officer_pd", {"officer_decision": "approve", "officer_opinion": "符合登记条件"})
    outbox.deliver_due()  # the national platform (local simulator) verifies and assigns the code
    _do(registration, "approve", "approver_pd", {"approver_decision": "approve", "approver_opinion": "准予使用登记"})
    return machine


def load(out: Callable[[str], None]) -> None:
    supervising_engineer()
    if Machine.objects.filter(factory_serial_no__in=list(MACHINES)).exists():
        out("    machinery demo already loaded")
        return
    filed = _filed("TC6010-22118")
    in_use = _in_use("TC6513-210877")
    _submit("SC200-240311")
    assert Machine.objects.get(pk=in_use.pk).state == MachineState.REGISTERED_IN_USE
    out(f"    cranes: {filed.filing_number} filed, {in_use.filing_number} in use, 1 filing awaiting review")
