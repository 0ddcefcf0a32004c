"""The service-task registry (服务任务注册表): domain services callable from BPMN service tasks by name.

Domain code registers with :func:`service`; the BPMN names the service with the SpiffWorkflow service-task
operator (``<spiffworkflow:serviceTaskOperator id="contracts.generate_pdf" resultVariable="pdf">``).
The engine imports ``<app>.process_services`` for every installed app at start-up (:func:`autodiscover`).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ServiceFunction = Callable[["ServiceContext"], "dict[str, Any] | None"]

_SERVICES: dict[str, ServiceFunction] = {}


@dataclass(frozen=True)
class ServiceContext:
    """What a service task's function receives."""

    instance: Any  # processes.models.ProcessInstance
    subject: Any  # the domain object the instance is about, or None
    variables: dict[str, Any]  # a copy of the process variables
    params: dict[str, Any] = field(default_factory=dict)  # operator parameters, evaluated
    acting_user: Any = None  # None for timers / system steps
    element_id: str = ""


def service(name: str) -> Callable[[ServiceFunction], ServiceFunction]:
    """Register ``function`` as the service task operator ``name`` (e.g. ``"contracts.generate_pdf"``)."""

    def decorate(function: ServiceFunction) -> ServiceFunction:
        existing = _SERVICES.get(name)
        if existing is not None and _qualname(existing) != _qualname(function):
            raise ValueError(f"service {name!r} is already registered by {_qualname(existing)}")
        _SERVICES[name] = function
        return function

    return decorate


def get(name: str) -> ServiceFunction | None:
    return _SERVICES.get(name)


def is_registered(name: str) -> bool:
    return name in _SERVICES


def registered() -> list[str]:
    return sorted(_SERVICES)


def _qualname(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def autodiscover() -> None:
    """Import ``<app>.process_services`` for every installed app that has one."""
    from django.apps import apps

    for config in apps.get_app_configs():
        module_name = f"{config.name}.process_services"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name)
