"""Property filing (产权备案, M28) through the real BPMN: DMN screening, officer review, filing number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.machinery.models import FilingState, Machine, MachineState, PropertyFiling
from processes import engine
from processes.models import InstanceStatus
from security.models import AuditEvent

from .flows import do, fresh, instance_of, submit

pytestmark = pytest.mark.django_db


def test_a_clean_filing_waits_for_the_officer_then_gets_a_filing_number(machinery):
    filing = submit()
    instance = instance_of(filing)
    assert instance.status == InstanceStatus.RUNNING
    assert instance.district_code == "310112"  # the lessor's district files it
    machine = Machine.objects.get(pk=filing.machine_id)
    assert machine.state == MachineState.DRAFT and machine.filing_number is None
    instance = do(instance, "officer_review", "officer_mh", {"officer_decision": "approve", "officer_opinion": "材料齐全"})
    assert instance.status == InstanceStatus.COMPLETED
    machine = fresh(machine)
    filing = fresh(filing)
    assert machine.state == MachineState.FILED
    assert machine.filing_number.startswith(f"沪T112-{timezone.localdate().year}-")
    assert filing.state == FilingState.APPROVED and filing.disqualifiers == []
    assert AuditEvent.objects.filter(action="machinery.filing_granted").count() == 1


def test_filing_numbers_are_one_per_machine(machinery):
    first, second = submit(), submit(factory_serial_no="TC6010-22119")
    for f in (first, second):
        do(instance_of(f), "officer_review", "officer_mh", {"officer_decision": "approve", "officer_opinion": "同意"})
    numbers = set(Machine.objects.values_list("filing_number", flat=True))
    assert len(numbers) == 2 and None not in numbers


def test_the_officer_may_refuse(machinery):
    filing = submit()
    instance = do(instance_of(filing), "officer_review", "officer_mh",
                  {"officer_decision": "refuse", "officer_opinion": "发票与设备不符"})
    assert instance.status == InstanceStatus.COMPLETED
    filing = fresh(filing)
    assert filing.state == FilingState.REFUSED and filing.opinion == "发票与设备不符"
    assert Machine.objects.get(pk=filing.machine_id).state == MachineState.DRAFT


def _years_ago(years: float) -> str:
    return (timezone.localdate() - timedelta(days=int(years * 365.25) + 2)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"model_name": "QTZ25"}, "eliminated_type"),
        ({"rated_capacity": "400", "factory_date": _years_ago(10.1)}, "beyond_service_life"),
        ({"rated_capacity": "1000", "factory_date": _years_ago(15.1)}, "beyond_service_life"),
        ({"rated_capacity": "1600", "factory_date": _years_ago(20.1)}, "beyond_service_life"),
        ({"machine_type": "hoist_sc", "rated_capacity": "2", "factory_date": _years_ago(8.1)}, "beyond_service_life"),
        ({"machine_type": "hoist_ss", "rated_capacity": "1", "factory_date": _years_ago(5.1)}, "beyond_service_life"),
        ({"safety_devices_ok": False}, "missing_safety_devices"),
    ],
)
def test_each_disqualifier_refuses_without_officer_review(machinery, overrides, code):
    filing = submit(**overrides)
    instance = instance_of(filing)
    assert instance.status == InstanceStatus.COMPLETED  # refused straight away, no officer task
    filing = fresh(filing)
    assert filing.state == FilingState.REFUSED
    assert [d["code"] for d in filing.disqualifiers] == [code]
    assert filing.opinion == filing.disqualifiers[0]["reason"]
    screened = engine.instance_history(instance).get(element_id="screen")  # the DMN result is on the record
    assert [m["rule_id"] for m in screened.details["matched"]][0].startswith("rule_")


@pytest.mark.parametrize(
    "overrides",
    [
        {"rated_capacity": "400", "factory_date": _years_ago(9.9)},
        {"rated_capacity": "1000", "factory_date": _years_ago(14.9)},
        {"rated_capacity": "1600", "factory_date": _years_ago(19.9)},
        {"machine_type": "hoist_ss", "rated_capacity": "1", "factory_date": _years_ago(4.9)},
    ],
)
def test_machines_within_their_service_life_go_to_the_officer(machinery, overrides):
    instance = instance_of(submit(**overrides))
    assert instance.status == InstanceStatus.RUNNING


def test_missing_documents_disqualify(machinery):
    from domain.machinery import services

    from .flows import tower_crane, u

    docs = {"manufacturing_licence": 1, "product_certificate": 2}
    filing = services.submit_filing(acting_user=u("ent_lessor"), data=tower_crane(), documents=docs)
    filing = fresh(filing)
    assert [d["code"] for d in filing.disqualifiers] == ["incomplete_file"]


def test_a_refused_machine_may_apply_again(machinery):
    from domain.machinery import services

    from .flows import documents, tower_crane, u

    filing = submit(safety_devices_ok=False)
    machine = filing.machine
    again = services.submit_filing(acting_user=u("ent_lessor"), data=tower_crane(), documents=documents(), machine=machine)
    assert again.machine_id == machine.pk and PropertyFiling.objects.filter(machine=machine).count() == 2
    assert instance_of(again).status == InstanceStatus.RUNNING


def test_rows_report_their_rule_and_boundaries_are_exclusive():
    from datetime import date

    from domain.machinery.rules import filing_disqualifiers

    base = {"model_name": "QTZ80", "machine_type": "tower_crane", "safety_devices_ok": True, "today": date(2026, 11, 30),
            "documents": dict.fromkeys(("manufacturing_licence", "product_certificate", "inspection_certificate",
                                        "invoice"), 1)}
    at_limit = filing_disqualifiers(**base, rated_capacity=630, factory_date=date(2011, 11, 30))  # 15.0 years
    assert at_limit == []
    over = filing_disqualifiers(**base, rated_capacity=630, factory_date=date(2011, 11, 1))
    assert [d["rule_id"] for d in over] == ["rule_tower_medium_age"]
    everything = filing_disqualifiers(**{**base, "model_name": "qt16", "safety_devices_ok": False, "documents": {}},
                                      rated_capacity=400, factory_date=date(2010, 1, 1))
    assert [d["code"] for d in everything] == [
        "eliminated_type", "beyond_service_life", "missing_safety_devices", "incomplete_file"]
