"""Drive the machinery procedures through the real engine, as the demo users would in the inbox."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domain.machinery import registration as reg
from domain.machinery import services
from domain.machinery.models import Installation, Machine, PropertyFiling, UseRegistration
from domain.organisations.models import Organisation, User
from integrations import outbox
from processes import engine
from processes.engine import definitions
from processes.engine.spiff import dump_state, load_state
from processes.models import ProcessInstance
from tasks.attachments import store_attachment
from tasks.models import ACTIVE_STATUSES, WorkItem


def u(username: str) -> User:
    return User.objects.get(username=username)


def fresh(obj: Any) -> Any:
    """The row as stored now (FSM-protected fields cannot be refreshed in place)."""
    return type(obj).objects.get(pk=obj.pk)


def round_trip(instance_id: int) -> ProcessInstance:
    """Reload the instance and check that its workflow survives a serializer round trip unchanged."""
    instance = ProcessInstance.objects.select_related("definition").get(pk=instance_id)
    if instance.state:
        spec, subprocess_specs = definitions.specs_for(instance.definition)
        workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
        assert json.loads(dump_state(workflow)) == json.loads(instance.state)
    return instance


def instance_of(subject: Any) -> ProcessInstance:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(subject)
    return round_trip(ProcessInstance.objects.get(subject_type=ct, subject_id=str(subject.pk)).pk)


def open_items(instance: ProcessInstance) -> list[str]:
    return sorted(
        WorkItem.objects.filter(instance_id=instance.pk, status__in=ACTIVE_STATUSES).values_list("element_id", flat=True)
    )


def do(instance: ProcessInstance, element_id: str, username: str, data: dict[str, Any]) -> ProcessInstance:
    item = WorkItem.objects.get(instance_id=instance.pk, element_id=element_id, status__in=ACTIVE_STATUSES)
    engine.complete_work_item(item.pk, data=data, acting_user=u(username))
    return round_trip(instance.pk)


def documents(username: str = "ent_lessor") -> dict[str, int]:
    user = u(username)
    return {
        key: store_attachment(SimpleUploadedFile(f"{key}.pdf", b"%PDF-1.4 demo", "application/pdf"), user=user).pk
        for key in ("manufacturing_licence", "product_certificate", "inspection_certificate", "invoice")
    }


def tower_crane(**overrides: Any) -> dict[str, Any]:
    data = {
        "machine_type": "tower_crane",
        "model_name": "QTZ80(TC6010)",
        "manufacturer": "中联重科股份有限公司",
        "manufacturing_licence_no": "TS2443001-2027",
        "product_certificate_no": "HG2022-06-118",
        "factory_serial_no": "TC6010-22118",
        "factory_date": (timezone.localdate() - timedelta(days=3 * 365)).isoformat(),
        "rated_capacity": "800",
        "safety_devices_ok": True,
    }
    data.update(overrides)
    return data


def submit(username: str = "ent_lessor", **overrides: Any) -> PropertyFiling:
    return services.submit_filing(acting_user=u(username), data=tower_crane(**overrides), documents=documents(username))


def filed_machine(**overrides: Any) -> Machine:
    filing = submit(**overrides)
    do(instance_of(filing), "officer_review", "officer_mh", {"officer_decision": "approve", "officer_opinion": "材料齐全"})
    return Machine.objects.get(pk=filing.machine_id)


CREW = [
    {"name": "李安装", "trade": "installer", "certificate_no": "HU32020190012", "valid_until": "2030-12-31"},
    {"name": "周信号", "trade": "signaller", "certificate_no": "HU32020190345", "valid_until": "2030-12-31"},
]
OPERATORS = [
    {"name": "钱司机", "trade": "tower_driver", "certificate_no": "HU32020180777", "valid_until": "2030-12-31"},
    {"name": "周信号", "trade": "signaller", "certificate_no": "HU32020190345", "valid_until": "2030-12-31"},
]
INSTALLER = {"name": "上海东起机械租赁有限公司", "qualification_no": "D231012345", "safety_licence_no": "(沪)JZ安许证字[2020]010203"}


def notify(machine: Machine, *, start_in_days: int = 7, today: date | None = None) -> Installation:
    today = today or timezone.localdate()
    return services.notify_installation(
        acting_user=u("ent_lessor"),
        machine=machine,
        site={"name": "浦江镇商品房项目（二期）", "address": "浦东新区浦江镇三鲁公路1188号", "district_code": "310115"},
        main_contractor=Organisation.objects.get(name="上海浦江建设集团有限公司"),
        supervising_engineer=u("supervisor_eng"),
        installer=INSTALLER,
        crew=CREW,
        plan_summary="QTZ80塔机安装：基础验收→标准节→回转→塔帽→平衡臂→起重臂→配重，汽车吊配合。",
        planned_start=today + timedelta(days=start_in_days),
        planned_end=today + timedelta(days=start_in_days + 2),
        today=today,
    )


def installed(machine: Machine) -> Installation:
    installation = notify(machine)
    inst = instance_of(installation)
    inst = do(inst, "contractor_review", "ent_contractor", {"contractor_decision": "approve", "contractor_opinion": "同意安装"})
    do(inst, "engineer_review", "supervisor_eng", {"engineer_decision": "approve", "engineer_opinion": "方案已审查"})
    return Installation.objects.get(pk=installation.pk)


def apply(installation: Installation, *, accepted_days_ago: int = 3) -> UseRegistration:
    today = timezone.localdate()
    return reg.apply_use_registration(
        acting_user=u("ent_contractor"),
        installation=installation,
        inspection_body="上海市建设机械检测中心",
        inspection_report_no="SJJ-2026-T-0456",
        inspected_on=today - timedelta(days=accepted_days_ago + 1),
        inspection_valid_until=today + timedelta(days=365),
        accepted_on=today - timedelta(days=accepted_days_ago),
        operators=OPERATORS,
    )


def to_code(registration: UseRegistration) -> ProcessInstance:
    """Supervising engineer and officer approve; the request for a national code is queued."""
    inst = instance_of(registration)
    inst = do(inst, "engineer_review", "supervisor_eng", {"engineer_decision": "approve", "engineer_opinion": "资料齐全"})
    return do(inst, "officer_review", "officer_pd", {"officer_decision": "approve", "officer_opinion": "符合登记条件"})


def deliver(now: Any = None) -> dict[str, int]:
    return outbox.deliver_due(now=now)


def registered(installation: Installation) -> UseRegistration:
    registration = apply(installation)
    inst = to_code(registration)
    deliver()
    do(round_trip(inst.pk), "approve", "approver_pd", {"approver_decision": "approve", "approver_opinion": "准予登记"})
    return UseRegistration.objects.get(pk=registration.pk)
