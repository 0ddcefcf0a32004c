"""Hand-made engine input for inbox tests: what ``processes.engine`` passes to ``sync_instance_tasks``."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from tasks.contract import InstanceRef, ReadyTask

_ids = itertools.count(1000)

PUDONG = "310115"
HUANGPU = "310101"


def instance(
    *, district: str | None = PUDONG, org_id: int | None = None, user_id: int | None = None, **variables: Any
) -> InstanceRef:
    return InstanceRef(
        id=next(_ids),
        process_key="general_application",
        process_name="一般事项申请",
        version=1,
        business_key=f"GA-{uuid.uuid4().hex[:6]}",
        district_code=district,
        initiator_org_id=org_id,
        initiator_user_id=user_id,
        variables=variables,
    )


def ready(
    element_id: str = "accept", lane: str | None = "case_officer", *, name: str = "受理", **properties: str
) -> ReadyTask:
    return ReadyTask(
        task_id=uuid.uuid4().hex,
        element_id=element_id,
        name=name,
        lane=lane,
        form={"type": "object", "required": ["opinion"], "properties": {"opinion": {"type": "string"}}},
        properties=properties,
    )
