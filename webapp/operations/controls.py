"""The operator controls of a case (流程管控) — retry after an incident, suspend, resume, terminate — as the case page
offers them: who may use them, which apply in the case's state, and running one with its reason.

The engine (:mod:`processes.engine.control`) locks the instance, refuses a control the state no longer allows
(409: another operator or the engine moved it on) and writes the audit event with the reason; this module only adds
what a person must supply (the reason) and who may act (system administrators)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from processes import engine
from processes.models import InstanceStatus, ProcessInstance

REASON_MAX = 200

_ACTIVE = frozenset({InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR})


@dataclass(frozen=True)
class Control:
    code: str
    label: str
    hint: str  # what happens, in one line (shown in the confirmation)
    applies_to: frozenset[str]
    style: str  # Bootstrap button colour
    icon: str
    run: Callable[..., ProcessInstance]


CONTROLS: dict[str, Control] = {
    control.code: control
    for control in (
        Control("retry", "重试", "从异常环节重新执行，成功后流程继续", frozenset({InstanceStatus.ERROR}), "primary",
                "arrow-clockwise", engine.retry),
        Control("suspend", "挂起", "暂停办理：待办不能办理，定时与消息暂不处理，恢复后继续", _ACTIVE, "warning",
                "pause-circle", engine.suspend),
        Control("resume", "恢复", "恢复办理：挂起期间到期的定时在下一次扫描时触发", frozenset({InstanceStatus.SUSPENDED}),
                "success", "play-circle", engine.resume),
        Control("terminate", "终止", "终止流程：撤回全部待办，取消定时与等待，不可撤销",
                _ACTIVE | {InstanceStatus.SUSPENDED}, "danger", "x-octagon", engine.terminate),
    )
}


def may_operate(user: Any) -> bool:
    """System administrators (and superusers) operate cases; case officers work them through their inbox."""
    return bool(getattr(user, "is_authenticated", False) and user.is_sysadmin)


def require_operator(user: Any, what: str) -> Any:
    """``user`` when a system administrator, else :class:`PermissionDenied` (403) saying only they may ``what``."""
    if not may_operate(user):
        raise PermissionDenied(f"仅系统管理员可以{what}。")
    return user


def controls_for(user: Any, instance: ProcessInstance) -> list[Control]:
    """The controls the case page offers ``user`` for ``instance`` in its current state (none to others)."""
    if not may_operate(user):
        return []
    return [c for c in CONTROLS.values() if instance.status in c.applies_to]


def clean_reason(raw: str | None) -> str:
    reason = (raw or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写操作原因（将记入审计日志）。"]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"操作原因不能超过 {REASON_MAX} 个字（当前 {len(reason)} 个字）。"]})
    return reason


def operate(user: Any, instance: ProcessInstance, code: str, raw_reason: str | None) -> ProcessInstance:
    """Run control ``code`` on ``instance`` for ``user`` with the reason given; refusals raise (403 not an operator,
    400 no reason, 409 from the engine when the state does not allow it)."""
    require_operator(user, "挂起、恢复、终止或重试流程")
    control = CONTROLS[code]
    reason = clean_reason(raw_reason)
    return control.run(instance.pk, acting_user=user, reason=reason)
