"""The site supervision summary (工地监督小结) the approval system pulls for completion filing (竣工备案, M21)."""

from __future__ import annotations

from typing import Any

from security.audit import history_for
from security.context import system_actor

from .models import Site
from .selectors import draw_history


def summary_data(site: Site) -> dict[str, Any]:
    """Structured summary: the site, its classification, draws, supervision team and supervision record."""
    permit = site.permit
    rounds = draw_history(site)
    return {
        "permit_number": permit.permit_number,
        "project_name": permit.project_name,
        "district_code": site.district_id,
        "employer": {"name": permit.employer_name, "credit_code": permit.employer_credit_code},
        "contractor": {"name": permit.contractor_name, "credit_code": permit.contractor_credit_code},
        "is_general_decoration": site.is_general_decoration,
        "classification_reason": site.classification_reason,
        "supervision_state": site.state,
        "supervision_state_display": site.get_state_display(),
        "supervision_completed": site.state == "completed",
        "drawn": site.drawn,
        "draws": [
            {"round": r.round_key, "drawn": permit.permit_number in (r.selected or []), "record_id": r.pk}
            for r in rounds
        ],
        "supervision_team": [u.display_name for u in site.supervision_team.all()],
        "record": [
            {"at": e.occurred_at.isoformat(), "by": e.actor_username or "系统", "what": e.summary}
            for e in history_for(site)
        ],
    }


def summary_pdf(site: Site, data: dict[str, Any]) -> bytes:
    """The summary as a sealed PDF document (issued once per request; the digest is stored with it)."""
    from documents.services import issue_document

    document = issue_document(
        kind="generic",
        title="工地安全质量监督小结",
        context={
            "paragraphs": [
                f"项目：{data['project_name']}（施工许可证 {data['permit_number']}）",
                f"一般类装饰装修：{'是' if data['is_general_decoration'] else '否'}；"
                f"随机抽查：{'已抽中' if data['drawn'] else '未抽中'}；监督状态：{data['supervision_state_display']}",
                "监督组：" + ("、".join(data["supervision_team"]) or "未分配"),
            ],
            "table": [["时间", "办理人", "事项"]] + [[r["at"][:16], r["by"], r["what"]] for r in data["record"]],
        },
        subject=site,
    )
    return document.pdf_bytes()


def supervision_summary(site: Site) -> tuple[dict[str, Any], bytes]:
    """What the approval system pulls for completion filing (its request issues the summary document)."""
    data = summary_data(site)
    with system_actor("施工许可审批系统"):
        return data, summary_pdf(site, data)
