"""The BPMN side of this context: starting the procedures and telling them what happened outside a task.

* ``enterprise_dynamic_check`` (``processes/models/qualification_dynamic_check/``): one instance per check case;
  used for qualifications and safety licences alike (the variable ``check_kind`` says which).
* ``enterprise_revocation`` (``processes/models/revocation/``): one instance per revocation/withdrawal case.

A procedure runs only where its model is published (``manage.py publish_processes``); without it the same
services are driven directly (and by the sweeps in ``jobs``)."""

from __future__ import annotations

from typing import Any

from .models import CheckCase, Notice, NoticeKind, RevocationCase

CHECK_PROCESS = "enterprise_dynamic_check"
REVOCATION_PROCESS = "enterprise_revocation"
MSG_NOTICE_SERVED = "enterprises_notice_served"


def _published(key: str) -> bool:
    from processes.models import ProcessDefinition

    return ProcessDefinition.objects.filter(key=key).exists()


def start_check(case: CheckCase, *, acting_user: Any) -> None:
    if not _published(CHECK_PROCESS):
        return
    from processes import engine

    instance = engine.start(
        CHECK_PROCESS,
        subject=case,
        variables={
            "case_id": case.pk,
            "check_kind": case.batch.kind,
            "enterprise_name": case.enterprise.name,
            "batch_number": case.batch.number,
            "deadline": case.deadline.isoformat(),
            "findings": [f["finding"] for f in case.findings],
        },
        acting_user=acting_user,
        business_key=f"check-{case.pk}",
        district_code=case.district_id,
        initiator_org=case.enterprise,
    )
    case.process_instance_id = instance.pk
    case.save(update_fields=["process_instance_id"])


def start_revocation(case: RevocationCase, *, acting_user: Any) -> None:
    if not _published(REVOCATION_PROCESS):
        return
    from processes import engine

    instance = engine.start(
        REVOCATION_PROCESS,
        subject=case,
        variables={
            "revocation_id": case.pk,
            "case_number": case.number,
            "enterprise_name": case.enterprise.name,
            "kind": case.kind,
            "kind_label": "吊销" if case.licence_id and case.kind == "revoke" else case.get_kind_display(),
            "ground": case.ground,
            "credential": "qualification" if case.qualification_id else "safety_licence",
        },
        acting_user=acting_user,
        business_key=f"revocation-{case.pk}",
        district_code=case.district_id,
        initiator_org=case.enterprise,
    )
    case.process_instance_id = instance.pk
    case.save(update_fields=["process_instance_id"])


def notice_served(notice: Notice) -> None:
    """Tell a waiting procedure that its notice was served (after the delivery transaction's writes)."""
    if notice.check_case_id:
        key = f"check-{notice.check_case_id}"
    elif notice.revocation_case_id:
        key = f"revocation-{notice.revocation_case_id}"
    else:
        return
    from processes import engine

    payload: dict[str, Any] = {
        "served_kind": notice.kind,
        "served_on": notice.served_on.isoformat() if notice.served_on else "",
    }
    if notice.kind == NoticeKind.PRIOR_NOTICE and notice.revocation_case_id:
        due = RevocationCase.objects.values_list("defence_due_on", flat=True).get(
            pk=notice.revocation_case_id
        )
        payload["defence_due"] = due.isoformat() if due else ""
    engine.correlate(MSG_NOTICE_SERVED, key, payload)


def has_process(obj: CheckCase | RevocationCase) -> bool:
    return obj.process_instance_id is not None


SUSPENSION_PROCESS = "safety_licence_suspension"


def start_suspension_timer(licence: Any, *, acting_user: Any) -> None:
    """The suspension period as a BPMN timer that restores the licence (暂扣期满恢复)."""
    if not _published(SUSPENSION_PROCESS):
        return
    from processes import engine

    engine.start(
        SUSPENSION_PROCESS,
        subject=licence,
        variables={"licence_id": licence.pk, "suspended_until": licence.suspended_until.isoformat()},
        acting_user=acting_user,
        business_key=f"licence-{licence.pk}",
        district_code=licence.enterprise.district_id,
    )
