"""Home-page card of process operations: the administrator sees at once how many cases wait for an intervention."""

from __future__ import annotations

from typing import Any

from webapp.portal.home import HomeCard


def cards(user: Any) -> list[HomeCard]:
    from django.db.models import Count

    from processes.models import InstanceStatus, ProcessInstance

    from .controls import may_operate

    if not may_operate(user):
        return []
    counts = dict(
        ProcessInstance.objects.filter(status__in=(InstanceStatus.ERROR, InstanceStatus.SUSPENDED))
        .order_by().values_list("status").annotate(n=Count("id"))
    )
    incidents, suspended = counts.get(InstanceStatus.ERROR, 0), counts.get(InstanceStatus.SUSPENDED, 0)
    body = f"异常待处理 {incidents} 个、已挂起 {suspended} 个流程实例；在案件页重试、挂起、恢复或终止，原因记入审计日志。"
    url = "/operations/processes/?status=error" if incidents else "/operations/processes/"
    return [HomeCard("流程运维", body, url, "查看流程", "gear-wide-connected", 89, count=incidents)]

