"""Outbox sender for the national platform (全国工程质量安全监管平台): verify the machine, get its code, record it
and wake the waiting use-registration process. A platform outage raises, so the outbox retries with back-off;
the application simply waits (nothing is lost)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from integrations import outbox
from integrations.models import OutboxMessage
from integrations.national_platform import client

from .models import RegistrationState, UseRegistration
from .registration import NATIONAL_CODE_CHANNEL, NATIONAL_CODE_MESSAGE, record_national_code


@outbox.sender(NATIONAL_CODE_CHANNEL)
def send_use_registration(message: OutboxMessage) -> dict[str, Any]:
    registration = UseRegistration.objects.select_related("machine__owner", "applicant", "installation").get(
        pk=message.payload["registration_id"]
    )
    if registration.state != RegistrationState.AWAITING_CODE:
        return {"skipped": registration.state}
    machine = registration.machine
    platform = client()
    platform.verify_machine(
        filing_number=machine.filing_number or "",
        machine_type=machine.machine_type,
        factory_serial_no=machine.factory_serial_no,
        owner_credit_code=machine.owner.credit_code or "",
    )
    code = platform.request_code(
        reference=f"jianguan-use-{registration.pk}",
        filing_number=machine.filing_number or "",
        user_credit_code=registration.applicant.credit_code or "",
        district_code=registration.installation.site_district_id,
    )
    with transaction.atomic():
        record_national_code(registration=registration, code=code)
        from processes import engine

        result = engine.correlate(NATIONAL_CODE_MESSAGE, registration.business_key, {"national_code": code})
        if result.nobody_waiting:  # the case is not waiting (yet): undo and let the outbox try again later
            raise RuntimeError(f"使用登记 {registration.pk} 的流程当前未在等待赋码，稍后重试")
    # a suspended case holds the message and receives it when resumed
    return {"code": code, "delivered_to": [i.pk for i in result.instances], "held_for": result.held}
