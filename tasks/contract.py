"""The contract between the process engine and the inbox.

The engine (``processes.engine``) calls :func:`tasks.sync.sync_instance_tasks` inside the transaction of every
engine step with the instance's identity and its currently ready user tasks; the inbox turns them into
``WorkItem`` rows (creating new ones, completing the ones the engine reports as completed, cancelling the rest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class InstanceRef:
    """Who a process instance is about, denormalized so the inbox never joins back into the engine."""

    id: int
    process_key: str
    process_name: str
    version: int
    business_key: str = ""
    district_code: str | None = None  # narrows regulator lanes (a Pudong case goes to Pudong officers)
    initiator_org_id: int | None = None  # the enterprise behind the "initiator" lane
    initiator_user_id: int | None = None
    subject_label: str = ""  # e.g. "contracts.contract:12"
    variables: dict[str, Any] = field(default_factory=dict)  # for summaries and assignment expressions


@dataclass(frozen=True)
class ReadyTask:
    """A ready BPMN user task, as the engine sees it.

    ``properties`` are the task's ``spiffworkflow:property`` values (strings): ``candidateGroups``,
    ``candidateOrganisation``, ``assignee``, ``dueWorkingDays`` / ``dueIn`` (ISO-8601 duration), ``fourEyes``
    (comma-separated element ids whose completer may not do this task), ``priority``, ``summary`` (``{variable}``
    template), ``district`` (``case`` | ``city`` | ``any``).
    """

    task_id: str  # the Spiff task UUID, stable while the task is ready
    element_id: str
    name: str
    lane: str | None  # lane name = a role code (``case_officer``, ``reviewer``, ...) or ``initiator``
    form: dict[str, Any] | None = None  # JSON Schema of the form
    ui_schema: dict[str, Any] | None = None
    properties: dict[str, str] = field(default_factory=dict)
    documentation: str = ""
    ready_since: datetime | None = None


@dataclass(frozen=True)
class CompletedTask:
    task_id: str
    user_id: int | None
    on_behalf_of_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # the user objects behind the ids, when the engine has them (saves reading them back for the audit record)
    user: Any = field(default=None, compare=False, repr=False)
    on_behalf_of: Any = field(default=None, compare=False, repr=False)
