"""Demo: a few general applications (一般事项申请) in different states, so every inbox has something in it.

Runs after the directory (10) and the published models (20). Idempotent: cases are found by business key.
Imports the engine lazily — demo data is the one place the inbox layer drives the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

DEMO_ORDER = 30

CASES: list[tuple[str, str, str, str, list[tuple[str, str, dict[str, Any]]]]] = [
    # (business key, enterprise user, district, project, [(element, actor, data), ...])
    ("DEMO-GA-001", "ent_contractor", "310115", "浦东张江科创中心二期", []),
    (
        "DEMO-GA-002",
        "ent_contractor",
        "310115",
        "浦东前滩商务区地下车库",
        [("accept", "officer_pd", {"accept_decision": "accept", "accept_opinion": "材料齐全，予以受理。"})],
    ),
    (
        "DEMO-GA-003",
        "ent_employer",
        "310101",
        "黄浦外滩源历史建筑修缮",
        [
            ("accept", "officer_hp", {"accept_decision": "accept", "accept_opinion": "予以受理。"}),
            (
                "review",
                "reviewer_hp",
                {"review_decision": "pass", "review_opinion": "审核通过，同意报审批。"},
            ),
        ],
    ),
    (
        "DEMO-GA-004",
        "ent_lessor",
        "310112",
        "闵行颛桥塔吊基础加固",
        [
            ("accept", "officer_mh", {"accept_decision": "accept", "accept_opinion": "予以受理。"}),
            ("review", "reviewer_mh", {"review_decision": "pass", "review_opinion": "同意。"}),
            ("approve", "approver_mh", {"approve_decision": "approve", "approve_opinion": "批准。"}),
        ],
    ),
    (
        "DEMO-GA-005",
        "ent_contractor",
        "310115",
        "浦东川沙安置房三标段",
        [
            (
                "accept",
                "officer_pd",
                {"accept_decision": "supplement", "accept_opinion": "请补充施工组织设计。"},
            )
        ],
    ),
    ("DEMO-GA-006", "ent_builder", "310115", "浦东御桥保障房桩基工程", []),
    ("DEMO-GA-007", "ent_contractor", "310112", "闵行浦江镇配套道路", []),
]

#: Cases a system administrator intervened in (流程管控), with the reason on the audit trail.
CONTROLLED = [
    ("DEMO-GA-006", "suspend", "企业书面申请暂缓办理，待桩基方案专家论证后恢复"),
    ("DEMO-GA-007", "terminate", "申请人书面撤回申请"),
]


def _application(project: str, district: str) -> dict[str, Any]:
    return {
        "project_name": project,
        "application_type": "夜间施工许可",
        "district_code": district,
        "contact_phone": "13800138000",
        "planned_start": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "contract_amount": 3_560_000.0,
        "uses_public_funds": False,
        "description": "因混凝土连续浇筑需要，申请夜间施工，已制定降噪措施。",
        "lines": [{"item": "C30 混凝土", "unit": "m³", "quantity": 620, "unit_price": 585.0}],
    }


def load(out: Callable[[str], None]) -> None:
    from domain.organisations.models import User
    from processes import engine
    from processes.models import ProcessDefinition, ProcessInstance

    from .models import WorkItem, WorkItemStatus

    if not ProcessDefinition.objects.filter(key="general_application").exists():
        out("    一般事项申请未发布，跳过")
        return
    created = 0
    for business_key, applicant, district, project, steps in CASES:
        if ProcessInstance.objects.filter(business_key=business_key).exists():
            continue
        instance = engine.start(
            "general_application",
            variables=_application(project, district),
            acting_user=User.objects.get(username=applicant),
            business_key=business_key,
        )
        for element, actor, data in steps:
            item = WorkItem.objects.get(
                instance_id=instance.pk, element_id=element, status=WorkItemStatus.OPEN
            )
            engine.complete_work_item(item.pk, data=data, acting_user=User.objects.get(username=actor))
        for key, code, reason in CONTROLLED:
            if key == business_key:
                control = engine.suspend if code == "suspend" else engine.terminate
                control(instance.pk, acting_user=User.objects.get(username="admin"), reason=reason)
        created += 1
    # one Pudong item past its due date, so the overdue highlighting has something to show
    WorkItem.objects.filter(
        business_key="DEMO-GA-002", element_id="review", status=WorkItemStatus.OPEN
    ).update(due_at=timezone.now() - timedelta(days=1))
    out(f"    {created} 件一般事项申请")
