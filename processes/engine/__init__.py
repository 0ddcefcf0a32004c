"""The SpiffWorkflow runtime (流程引擎): the only module that touches Spiff objects.

Import the front door from here: ``from processes import engine; engine.start(...)``. See docs/engine.md and
docs/contracts.md §1.
"""

from .control import resume, retry, suspend, terminate
from .definitions import Problem, PublishError, publish_all, publish_directory
from .events import CorrelationResult, FiredTimer, correlate, fire_due_timers
from .history import diagram_state, instance_history
from .migration import MigrationPlan, migrate_instances
from .registry import ServiceContext, service
from .runtime import complete_task, complete_work_item, declared_fields, start

__all__ = [
    "CorrelationResult",
    "FiredTimer",
    "MigrationPlan",
    "Problem",
    "PublishError",
    "ServiceContext",
    "complete_task",
    "complete_work_item",
    "correlate",
    "declared_fields",
    "diagram_state",
    "fire_due_timers",
    "instance_history",
    "migrate_instances",
    "publish_all",
    "publish_directory",
    "resume",
    "retry",
    "service",
    "start",
    "suspend",
    "terminate",
]
