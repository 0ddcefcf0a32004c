"""Services the engine tests call from their BPMN service tasks."""

from __future__ import annotations

from processes.engine.registry import ServiceContext, service

CALLS: list[dict] = []
FAILURES = {"remaining": 0}


@service("test.notify")
def notify(ctx: ServiceContext) -> dict:
    CALLS.append({"instance": ctx.instance.pk, "params": ctx.params, "element": ctx.element_id})
    return {"sent": True, "text": ctx.params["text"]}


@service("test.flaky")
def flaky(ctx: ServiceContext) -> dict:
    """Fails while ``FAILURES["remaining"]`` is positive (an unreachable remote system)."""
    if FAILURES["remaining"] > 0:
        FAILURES["remaining"] -= 1
        raise ConnectionError("财政云接口无响应")
    return {"registered": True}


@service("test.merge")
def merge(ctx: ServiceContext) -> dict:
    return {"merged_value": ctx.variables.get("amount", 0) + 1}
