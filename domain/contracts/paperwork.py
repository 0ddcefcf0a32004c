"""The contract's documents (文书): contract text, public notice, objection answer and announcement, rendered,
numbered and e-sealed by ``documents`` (verifiable through their QR code)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from domain.organisations.models import Organisation, OrganisationKind

from .models import Contract, Objection


def _money(value: Any) -> str:
    return f"{value:,.2f} 元"


def contract_context(contract: Contract) -> dict[str, Any]:
    award = contract.award
    return {
        "parties": [["发包人", contract.employer.name], ["承包人", contract.contractor.name]],
        "project": f"{contract.project.name}（报建编号 {contract.project.code}）",
        "amount": _money(contract.price),
        "period": f"{contract.duration_days} 日历天",
        "fields": [
            ["合同编号", contract.number],
            ["合同类型", contract.get_contract_type_display()],
            ["计价方式", contract.get_pricing_method_display()],
            ["质量标准", contract.quality_standard],
            ["项目负责人", f"{contract.project_manager_name} {contract.project_manager_cert_no}".strip()],
            ["项目所在区", contract.project.district.name],
            ["招标编号", award.tender_reference if award else "非招标"],
        ],
        "clauses": [f"工程内容：{contract.scope}"],
        "paragraphs": ["发包人与承包人依据《中华人民共和国民法典》《上海市建筑市场管理条例》，经协商一致，订立本合同。"],
    }


def issue_contract_text(contract: Contract, acting_user: Any) -> int:
    from documents.services import issue_document

    doc = issue_document(kind="contract_summary", title=f"建设工程{contract.get_contract_type_display()}合同",
                         context=contract_context(contract), subject=contract, issuer=contract.employer,
                         acting_user=acting_user)
    return int(doc.pk)


def seal_contract_text(contract: Contract, organisation: Organisation, acting_user: Any) -> None:
    from documents.models import Document
    from documents.services import seal_document

    assert contract.document_id is not None
    seal_document(Document.objects.get(pk=contract.document_id), organisation=organisation, acting_user=acting_user)


def _authority(contract: Contract) -> Organisation | None:
    """The district authority of the project (its regulator organisation), or ``None`` (the city default)."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.REGULATOR, district_id=contract.project.district_id)
        .order_by("id")
        .first()
    )


def _issue_by_authority(contract: Contract, *, kind: str, title: str, context: dict[str, Any], subject: Any,
                        acting_user: Any) -> int:
    from documents.services import issue_document, seal_document

    authority = _authority(contract)
    doc = issue_document(kind=kind, title=title, context=context, subject=subject, issuer=authority,
                         acting_user=acting_user)
    if authority is not None:
        doc = seal_document(doc, organisation=authority, acting_user=None)
    return int(doc.pk)


def issue_notice(contract: Contract, acting_user: Any) -> int:
    ctx = contract_context(contract)
    ctx["paragraphs"] = [
        f"下列建设工程合同现予公示，公示期自 {contract.notice_starts_on} 起至 {contract.notice_ends_on} 止"
        f"（{contract.notice_working_days} 个工作日）。对公示内容有异议的，请在公示期内登录平台提出。"
    ]
    return _issue_by_authority(contract, kind="notice", title="建设工程合同公示", context=ctx, subject=contract,
                               acting_user=acting_user)


def issue_objection_answer(objection: Objection, acting_user: Any) -> int:
    from documents.services import issue_document, seal_document

    contract = objection.contract
    doc = issue_document(
        kind="generic", title="合同异议答复书", subject=objection, issuer=contract.employer, acting_user=acting_user,
        context={
            "recipient": objection.filer_organisation.name if objection.filer_organisation else objection.filed_by.display_name,
            "paragraphs": [f"关于合同 {contract.number}（{contract.title}）的异议：{objection.grounds}",
                           f"答复如下：{objection.answer}"],
            "fields": [["答复日期", timezone.localdate().isoformat()]],
        },
    )
    seal_document(doc, organisation=contract.employer, acting_user=acting_user)
    return int(doc.pk)


def issue_announcement(contract: Contract, acting_user: Any) -> int:
    ctx = contract_context(contract)
    ctx["paragraphs"] = [f"下列建设工程合同已于 {contract.signed_on} 由双方电子签章签订，并已报送备案，现予公告。"]
    return _issue_by_authority(contract, kind="notice", title="建设工程合同公告", context=ctx, subject=contract,
                               acting_user=acting_user)
