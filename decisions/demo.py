"""Demo rule sets (预警规则集): wage arrears, concrete strength and SLA escalation, editable in the admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import services
from .models import RuleSet

DEMO_ORDER = 15

RULESETS: list[dict[str, Any]] = [
    {
        "key": "wage_arrears",
        "name": "欠薪预警",
        "description": "农民工工资专用账户与实名制考勤数据比对后的欠薪预警（阈值为数据，可由管理员调整）。",
        "variables": {
            "arrears_amount": "numeric",
            "workers_affected": "numeric",
            "days_overdue": "numeric",
            "rectified": "boolean",
        },
        "rules": [
            {
                "id": "arrears_red",
                "name": "大额或群体性欠薪",
                "conditions": {
                    "all": [
                        {"name": "rectified", "operator": "is_false", "value": None},
                        {
                            "any": [
                                {
                                    "name": "arrears_amount",
                                    "operator": "greater_than_or_equal_to",
                                    "value": 1000000,
                                },
                                {
                                    "name": "workers_affected",
                                    "operator": "greater_than_or_equal_to",
                                    "value": 30,
                                },
                            ]
                        },
                    ]
                },
                "actions": [
                    {
                        "name": "warn",
                        "params": {"level": "red", "message": "欠薪金额≥100万元或涉及30人以上，立即约谈"},
                    },
                    {
                        "name": "escalate",
                        "params": {"role": "leader", "message": "群体性欠薪风险，请领导督办"},
                    },
                ],
            },
            {
                "id": "arrears_orange",
                "name": "逾期未发放工资",
                "conditions": {
                    "all": [
                        {"name": "days_overdue", "operator": "greater_than", "value": 30},
                        {"name": "rectified", "operator": "is_false", "value": None},
                    ]
                },
                "actions": [
                    {"name": "warn", "params": {"level": "orange", "message": "工资逾期发放超过30日"}}
                ],
            },
        ],
    },
    {
        "key": "concrete_strength",
        "name": "混凝土强度预警",
        "description": "预拌混凝土试块强度评定（GB/T 50107）不合格或偏低时的预警。",
        "variables": {"strength_ratio": "numeric", "grade": "string", "structural_member": "boolean"},
        "rules": [
            {
                "id": "below_grade",
                "name": "强度不合格",
                "conditions": {"all": [{"name": "strength_ratio", "operator": "less_than", "value": 1.0}]},
                "actions": [
                    {"name": "warn", "params": {"level": "red", "message": "试块强度低于设计强度等级"}},
                    {"name": "flag", "params": {"code": "concrete_nonconforming", "message": "启动实体检测"}},
                ],
            },
            {
                "id": "marginal",
                "name": "强度偏低",
                "conditions": {
                    "all": [
                        {"name": "strength_ratio", "operator": "less_than", "value": 1.05},
                        {"name": "strength_ratio", "operator": "greater_than_or_equal_to", "value": 1.0},
                        {"name": "structural_member", "operator": "is_true", "value": None},
                    ]
                },
                "actions": [
                    {"name": "warn", "params": {"level": "yellow", "message": "主体结构构件强度富余不足5%"}}
                ],
            },
        ],
    },
    {
        "key": "sla_escalation",
        "name": "办理时限督办",
        "description": "待办事项剩余工作日不足或已超期时的提醒与升级。",
        "variables": {"working_days_left": "numeric", "statutory": "boolean"},
        "rules": [
            {
                "id": "overdue",
                "name": "已超期",
                "conditions": {"all": [{"name": "working_days_left", "operator": "less_than", "value": 0}]},
                "actions": [{"name": "escalate", "params": {"role": "leader", "message": "办理已超过时限"}}],
            },
            {
                "id": "due_soon_statutory",
                "name": "法定时限即将届满",
                "conditions": {
                    "all": [
                        {"name": "working_days_left", "operator": "less_than_or_equal_to", "value": 2},
                        {"name": "working_days_left", "operator": "greater_than_or_equal_to", "value": 0},
                        {"name": "statutory", "operator": "is_true", "value": None},
                    ]
                },
                "actions": [
                    {
                        "name": "warn",
                        "params": {"level": "orange", "message": "法定办理时限剩余不足2个工作日"},
                    }
                ],
            },
        ],
    },
]


def load(out: Callable[[str], None]) -> None:
    for spec in RULESETS:
        if RuleSet.objects.filter(key=spec["key"]).exists():
            continue
        services.save_ruleset(ruleset=RuleSet(**spec), acting_user=None)
        out(f"预警规则集 {spec['key']}")
