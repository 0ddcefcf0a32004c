"""Engine test helpers: publish a fixture model folder, register the test services, and check that every instance
survives a serializer round trip unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from processes.engine import definitions
from processes.engine.spiff import dump_state, load_state
from processes.models import ProcessInstance

from . import services  # noqa: F401 - registers the test.* services

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def publish(db):
    """Publish ``tests/processes/fixtures/<name>/``: ``publish("review")`` → the (first) definition."""

    def run(name: str, directory: Path | None = None):
        results = definitions.publish_directory(directory or FIXTURES / name, procedure=name)
        return results[0][0]

    return run


def round_trip(instance: ProcessInstance) -> ProcessInstance:
    """Reload the instance from the database, restore its workflow and serialize it again: nothing may change."""
    instance = ProcessInstance.objects.select_related("definition").get(pk=instance.pk)
    if instance.state:
        spec, subprocess_specs = definitions.specs_for(instance.definition)
        workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
        assert json.loads(dump_state(workflow)) == json.loads(instance.state)
    return instance


def ready_tasks(instance: ProcessInstance) -> dict[str, str]:
    """``{element_id: task_id}`` of the instance's ready user tasks (as the inbox would get them)."""
    from SpiffWorkflow.util.task import TaskState

    from processes.engine.session import all_tasks

    instance = round_trip(instance)
    spec, subprocess_specs = definitions.specs_for(instance.definition)
    workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
    return {
        t.task_spec.bpmn_id: str(t.id)
        for t in all_tasks(workflow)
        if t.state == TaskState.READY and t.task_spec.manual
    }


@pytest.fixture
def decision_tables():
    """Adds ``fixtures/decisions/`` (the engine's test DMN tables) to the decisions registry for one test."""
    from decisions.registry import default_registry

    registry = default_registry()
    root = FIXTURES / "decisions"
    registry.roots = [*registry.roots, root]
    registry.refresh(force=True)
    yield registry
    registry.roots = [r for r in registry.roots if r != root]
    registry.refresh(force=True)
