"""Outbound records for the finance cloud (财政云, M05), written to the outbox inside the business transaction
(nothing is lost when the remote is down; the idempotency key makes a resend harmless)."""

from __future__ import annotations

from integrations import outbox

from .models import Contract, Project, TenderAward


def project_record(project: Project) -> dict[str, object]:
    return {
        "project_code": project.code, "project_name": project.name, "district_code": project.district_id,
        "funding_type": project.funding_type, "employer_name": project.employer.name,
        "employer_credit_code": project.employer.credit_code or "", "registered_on": project.registered_on.isoformat(),
    }


def send_project(project: Project) -> None:
    outbox.enqueue(channel="finance_cloud.project", payload=project_record(project),
                   idempotency_key=f"finance_cloud.project:{project.code}", subject=project)


def send_award(award: TenderAward) -> None:
    outbox.enqueue(
        channel="finance_cloud.award",
        payload={"tender_reference": award.tender_reference, "project_code": award.project.code,
                 "winner_name": award.winner.name, "winner_credit_code": award.winner.credit_code or "",
                 "price": str(award.price), "duration_days": award.duration_days,
                 "awarded_on": award.awarded_on.isoformat()},
        idempotency_key=f"finance_cloud.award:{award.tender_reference}", subject=award,
    )


def send_contract(contract: Contract) -> None:
    """The procurement contract (政府采购合同) once announced; a change later is a new version."""
    version = contract.changes.filter(state="accepted").count()
    outbox.enqueue(
        channel="finance_cloud.contract",
        payload={"contract_number": contract.number, "version": version, "project_code": contract.project.code,
                 "employer_credit_code": contract.employer.credit_code or "",
                 "contractor_credit_code": contract.contractor.credit_code or "",
                 "contractor_name": contract.contractor.name, "price": str(contract.price),
                 "pricing_method": contract.pricing_method, "duration_days": contract.duration_days,
                 "signed_on": contract.signed_on.isoformat() if contract.signed_on else "",
                 "tender_reference": contract.award.tender_reference if contract.award else ""},
        idempotency_key=f"finance_cloud.contract:{contract.number}:v{version}", subject=contract,
    )
