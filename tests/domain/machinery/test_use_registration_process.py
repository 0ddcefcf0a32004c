"""Installation notice, use registration (M29-M32) with the national platform, and dismantling (M33), each
through the real BPMN."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from documents.verify import verify_pdf
from domain.errors import PermissionDeniedError, ProcedureError, TransitionNotAllowed
from domain.machinery import registration as reg
from domain.machinery.models import (
    DISMANTLING_CHECKLIST,
    DismantlingState,
    InstallationState,
    Machine,
    MachineState,
    RegistrationState,
)
from integrations.models import OutboxMessage, OutboxStatus
from processes import engine
from processes.models import InstanceStatus

from .flows import (
    CREW,
    INSTALLER,
    apply,
    deliver,
    do,
    filed_machine,
    fresh,
    installed,
    instance_of,
    notify,
    open_items,
    registered,
    round_trip,
    to_code,
    u,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- installation notice


def test_installation_notice_is_reviewed_by_contractor_then_engineer(machinery):
    machine = filed_machine()
    installation = notify(machine)
    instance = instance_of(installation)
    assert open_items(instance) == ["contractor_review"]
    assert installation.state == InstallationState.NOTIFIED
    instance = do(instance, "contractor_review", "ent_contractor", {"contractor_decision": "approve", "contractor_opinion": "同意"})
    assert fresh(installation).state == InstallationState.CONTRACTOR_CONFIRMED
    assert open_items(instance) == ["engineer_review"]
    assert fresh(machine).state == MachineState.FILED
    instance = do(instance, "engineer_review", "supervisor_eng", {"engineer_decision": "approve", "engineer_opinion": "同意"})
    assert instance.status == InstanceStatus.COMPLETED
    installation = fresh(installation)
    assert installation.state == InstallationState.ACCEPTED
    assert fresh(machine).state == MachineState.INSTALLED
    assert [o["step"] for o in installation.opinions] == ["contractor", "engineer"]


def test_the_contractor_may_send_the_notice_back(machinery):
    machine = filed_machine()
    installation = notify(machine)
    instance = do(instance_of(installation), "contractor_review", "ent_contractor",
                  {"contractor_decision": "refuse", "contractor_opinion": "基础未验收"})
    assert instance.status == InstanceStatus.COMPLETED
    assert fresh(installation).state == InstallationState.REJECTED
    assert fresh(machine).state == MachineState.FILED
    notify(machine)  # a new notice is allowed after a rejection


def test_notice_needs_two_working_days(machinery):
    machine = filed_machine()
    friday = timezone.datetime(2026, 11, 27).date()  # Friday: Saturday and Sunday are not working days
    with pytest.raises(ValidationError) as exc:
        notify(machine, start_in_days=3, today=friday)  # Monday is only 1 working day later
    assert "2个工作日" in str(exc.value)
    notify(machine, start_in_days=4, today=friday)  # Tuesday: 2 working days


def test_no_installation_before_filing(machinery):
    from .flows import submit

    filing = submit()
    with pytest.raises(TransitionNotAllowed):
        notify(filing.machine)


def test_crew_without_valid_certificate_is_refused(machinery):
    from domain.machinery import services
    from domain.organisations.models import Organisation

    machine = filed_machine()
    expired = [{**CREW[0], "valid_until": "2020-01-01"}]
    with pytest.raises(ValidationError) as exc:
        services.notify_installation(
            acting_user=u("ent_lessor"), machine=machine,
            site={"name": "某工程", "address": "某路1号", "district_code": "310115"},
            main_contractor=Organisation.objects.get(name="上海浦江建设集团有限公司"),
            supervising_engineer=u("supervisor_eng"), installer=INSTALLER, crew=expired, plan_summary="方案",
            planned_start=timezone.localdate() + timedelta(days=10),
            planned_end=timezone.localdate() + timedelta(days=12),
        )
    assert "crew.0.valid_until" in exc.value.message_dict


# ---------------------------------------------------------------- use registration


def test_use_registration_end_to_end_with_sealed_certificate(machinery, platform):
    machine = filed_machine()
    installation = installed(machine)
    registration = apply(installation)
    assert registration.state == RegistrationState.SUBMITTED
    instance = to_code(registration)
    assert instance.status == InstanceStatus.WAITING  # waits for the national platform
    assert fresh(registration).state == RegistrationState.AWAITING_CODE
    assert deliver()["sent"] == 1
    instance = round_trip(instance.pk)
    assert open_items(instance) == ["approve"]
    registration = fresh(registration)
    assert registration.state == RegistrationState.CODED and registration.national_code.startswith("TC310115")
    instance = do(instance, "approve", "approver_pd", {"approver_decision": "approve", "approver_opinion": "准予登记"})
    registration = fresh(registration)
    assert registration.state == RegistrationState.APPROVED and registration.registration_number
    assert fresh(machine).state == MachineState.REGISTERED_IN_USE
    assert instance.status == InstanceStatus.WAITING  # the inspection-expiry reminder timer
    pdf = registration.certificate.pdf_bytes()
    assert verify_pdf(pdf).status == "valid"
    assert verify_pdf(pdf[:-200] + b"x" * 200).status != "valid"


def test_national_platform_outage_waits_retries_and_completes(machinery, platform):
    registration = apply(installed(filed_machine()))
    platform.down = True
    instance = to_code(registration)
    assert deliver()["retrying"] == 1
    message = OutboxMessage.objects.get(idempotency_key=f"national-code-{registration.pk}")
    assert message.status == OutboxStatus.PENDING and "503" in message.last_error
    assert round_trip(instance.pk).status == InstanceStatus.WAITING
    assert fresh(registration).state == RegistrationState.AWAITING_CODE
    assert deliver(now=timezone.now() + timedelta(minutes=1))["retrying"] == 1  # still down
    platform.down = False
    assert deliver(now=timezone.now() + timedelta(minutes=5))["sent"] == 1
    assert fresh(registration).state == RegistrationState.CODED
    assert open_items(round_trip(instance.pk)) == ["approve"]
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 3


def test_application_more_than_30_days_after_acceptance_is_refused(machinery):
    installation = installed(filed_machine())
    with pytest.raises(ProcedureError) as exc:
        apply(installation, accepted_days_ago=31)
    assert "30日" in exc.value.message
    apply(installation, accepted_days_ago=30)


def test_only_the_main_contractor_applies(machinery):
    installation = installed(filed_machine())
    with pytest.raises(PermissionDeniedError):
        reg.apply_use_registration(
            acting_user=u("ent_lessor"), installation=installation, inspection_body="检测中心",
            inspection_report_no="R-1", inspected_on=timezone.localdate(),
            inspection_valid_until=timezone.localdate() + timedelta(days=300),
            accepted_on=timezone.localdate(), operators=[],
        )


def test_engineer_and_officer_may_refuse(machinery, platform):
    machine = filed_machine()
    registration = apply(installed(machine))
    instance = do(instance_of(registration), "engineer_review", "supervisor_eng",
                  {"engineer_decision": "refuse", "engineer_opinion": "司机证书与人员不符"})
    assert instance.status == InstanceStatus.COMPLETED
    assert fresh(registration).state == RegistrationState.REFUSED
    second = apply(fresh(registration).installation)  # may apply again after a refusal
    instance = do(instance_of(second), "engineer_review", "supervisor_eng",
                  {"engineer_decision": "approve", "engineer_opinion": "同意"})
    instance = do(instance, "officer_review", "officer_pd", {"officer_decision": "refuse", "officer_opinion": "检验报告存疑"})
    assert instance.status == InstanceStatus.COMPLETED and fresh(second).state == RegistrationState.REFUSED
    assert fresh(machine).state == MachineState.INSTALLED
    assert not OutboxMessage.objects.exists()


def test_no_use_registration_without_inspection_and_acceptance(machinery):
    machine = filed_machine()
    installed(machine)
    machine = fresh(machine)
    with pytest.raises(Exception, match="register_use"):
        machine.register_use()  # the FSM guard: no registration with inspection and acceptance records


def test_inspection_reminder_fires_before_expiry(machinery, platform):
    registration = registered(installed(filed_machine()))
    instance = instance_of(registration)
    fired = engine.fire_due_timers(now=timezone.now() + timedelta(days=340))
    assert [f.instance_id for f in fired] == [instance.pk]
    assert round_trip(instance.pk).status == InstanceStatus.COMPLETED
    from security.models import AuditEvent

    assert AuditEvent.objects.filter(action="machinery.inspection_due").count() == 1
    event = OutboxMessage.objects.get(idempotency_key__startswith="event:machinery.inspection_due:")
    assert event.payload["data"]["registration_number"] == registration.registration_number


def test_states_cannot_be_assigned_by_hand(machinery):
    machine = filed_machine()
    with pytest.raises(AttributeError):
        machine.state = MachineState.REGISTERED_IN_USE


# ---------------------------------------------------------------- dismantling


CONFIRMED = dict.fromkeys(DISMANTLING_CHECKLIST, True)


def test_dismantling_closes_the_use_registration(machinery, platform):
    machine = filed_machine()
    registration = registered(installed(machine))
    dismantling = reg.notify_dismantling(
        acting_user=u("ent_contractor"), machine=fresh(machine), dismantler=INSTALLER, crew=CREW,
        checklist=CONFIRMED, planned_date=timezone.localdate() + timedelta(days=3),
    )
    assert instance_of(dismantling).status == InstanceStatus.COMPLETED
    assert fresh(dismantling).state == DismantlingState.FILED
    assert fresh(registration).state == RegistrationState.CLOSED
    assert fresh(machine).state == MachineState.DISMANTLED
    assert fresh(registration.installation).state == InstallationState.REMOVED
    notify(fresh(machine))  # a dismantled machine may be installed elsewhere


def test_every_checklist_item_must_be_confirmed(machinery, platform):
    machine = filed_machine()
    registered(installed(machine))
    with pytest.raises(ValidationError) as exc:
        reg.notify_dismantling(
            acting_user=u("ent_contractor"), machine=fresh(machine), dismantler=INSTALLER, crew=CREW,
            checklist={**CONFIRMED, "weather_checked": False}, planned_date=timezone.localdate(),
        )
    assert DISMANTLING_CHECKLIST["weather_checked"] in str(exc.value)


def test_scrapped_is_final(machinery):
    from domain.machinery import services

    machine = filed_machine()
    services.scrap_machine(machine=machine, acting_user=u("ent_lessor"), reason="结构件严重锈蚀")
    machine = Machine.objects.get(pk=machine.pk)
    assert machine.state == MachineState.SCRAPPED
    with pytest.raises(TransitionNotAllowed):
        services.scrap_machine(machine=machine, acting_user=u("ent_lessor"), reason="再次")
    with pytest.raises(TransitionNotAllowed):
        notify(machine)


def test_installed_machine_cannot_be_scrapped(machinery):
    from domain.machinery import services

    machine = filed_machine()
    installed(machine)
    with pytest.raises(TransitionNotAllowed):
        services.scrap_machine(machine=fresh(machine), acting_user=u("ent_lessor"), reason="报废")


def test_only_the_sites_supervising_engineer_confirms_use(machinery, platform):
    registration = registered(installed(filed_machine()))
    with pytest.raises(PermissionDeniedError):
        reg.confirm_use(registration=registration, acting_user=u("ent_contractor"), in_order=True)
    with pytest.raises(ValidationError):
        reg.confirm_use(registration=registration, acting_user=u("supervisor_eng"), in_order=False)
    reg.confirm_use(registration=registration, acting_user=u("supervisor_eng"), in_order=True)
    reg.confirm_use(registration=registration, acting_user=u("supervisor_eng"), in_order=False, note="限位器失灵，已要求停用整改")
    assert registration.confirmations.count() == 2
    assert OutboxMessage.objects.filter(payload__type="machinery.use_issue").count() == 1


def test_a_suspended_case_holds_the_assigned_code_until_resumed(machinery, platform):
    registration = apply(installed(filed_machine()))
    instance = to_code(registration)
    engine.suspend(instance.pk, acting_user=u("admin"))
    # the platform's answer is recorded and its message held: nothing is asked twice, nothing advances meanwhile
    assert deliver()["sent"] == 1
    assert fresh(registration).national_code
    assert open_items(round_trip(instance.pk)) == []
    engine.resume(instance.pk, acting_user=u("admin"))
    assert open_items(round_trip(instance.pk)) == ["approve"]
    assert deliver(now=timezone.now() + timedelta(minutes=2))["sent"] == 0
