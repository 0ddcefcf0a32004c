"""The supervision task sheet (监督任务书) and the site-supervision procedure (M20: drawn sites skip first and
completion supervision and go straight to process supervision once a team is assigned)."""

from __future__ import annotations

from typing import Any

from domain.organisations.models import Organisation, OrganisationKind
from security import audit

from .models import Site

PROCESS_KEY = "site_supervision"


def _issuer(site: Site) -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.REGULATOR, district=site.district).first()


def issue_task_sheet(*, site: Site, acting_user: Any = None) -> Any:
    """Generate and seal the supervision task sheet for a new general-decoration site."""
    from documents.services import issue_document, seal_document

    permit = site.permit
    issuer = _issuer(site)
    document = issue_document(
        kind="notice",
        title="建设工程安全质量监督任务书（一般类装饰装修）",
        context={
            "recipient": permit.employer_name,
            "paragraphs": [
                f"你单位申报的{permit.project_name}（施工许可证编号：{permit.permit_number}）经认定属于一般类装饰装修工程，"
                "现纳入监督并实行随机抽查。",
                f"工程地址：{permit.address}；施工单位：{permit.contractor_name}；"
                f"合同价款：{permit.contract_amount} 元；施工面积：{permit.floor_area} ㎡。",
                "被抽中的项目将直接进入过程监督，请配合监督人员开展检查。",
            ],
            "issuer": issuer.name if issuer else "上海市住房和城乡建设管理委员会",
        },
        subject=site,
        issuer=issuer,
        acting_user=acting_user,
    )
    if issuer is not None:
        document = seal_document(document, organisation=issuer, acting_user=acting_user)
    audit.record(action="sites.task_sheet_issued", actor=acting_user, subject=site, summary=f"签发监督任务书 {document}")
    return document


def start_supervision(*, site: Site, acting_user: Any = None) -> Any:
    from processes import engine

    return engine.start(
        PROCESS_KEY,
        subject=site,
        variables={"site_id": site.pk, "site_name": site.name, "permit_number": site.permit.permit_number},
        acting_user=acting_user,
        business_key=site.permit.permit_number,
        district_code=site.district_id,
    )
