"""Assignment rules (分派规则): who may take a ready user task.

* lane = a regulator role code → that role, narrowed by the case's district: by default the district's officers
  and the city-level ones; ``district`` property ``case`` (district only), ``city`` (city level only) or ``any``;
* lane = an enterprise role code → that role within the enterprise that started the case;
* lane ``initiator`` (or role ``applicant``) → the enterprise that started the case (any of its members), or the
  person who started it when no enterprise did;
* ``candidateGroups`` (comma-separated role codes) overrides the lane's role;
* ``candidateOrganisation`` = ``{variable}`` holding an organisation id: the task's enterprise roles (and the
  initiator lane) are offered within that organisation instead of the one that started the case — the other party
  of a two-party procedure, e.g. the contractor (承包人) in contract signing. When the variable holds no id the task
  is offered to no one (never to the initiator instead) and a warning is logged;
* ``assignee`` names one user: a username, or ``{variable}`` holding a username or user id.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from domain.organisations.roles import ENTERPRISE_ROLES, Role

from .contract import InstanceRef, ReadyTask
from .models import CITY, ORG

log = logging.getLogger("jianguan.tasks")

INITIATOR = "initiator"
_VARIABLE = re.compile(r"^\{\s*(\w+)\s*\}$")


@dataclass(frozen=True)
class CandidateSpec:
    group: str = ""
    district_code: str = ""
    organisation_id: int | None = None
    user_id: int | None = None


def _district_keys(instance: InstanceRef, task: ReadyTask) -> list[str]:
    mode = (task.properties.get("district") or "").strip().lower()
    district = instance.district_code or ""
    if mode == "any":
        return [""]
    if mode == "city" or not district:
        return [CITY]
    if mode == "case":
        return [district]
    return [district, CITY]


def _initiator_specs(instance: InstanceRef, group: str = "") -> list[CandidateSpec]:
    if instance.initiator_org_id:
        return [CandidateSpec(group=group, district_code=ORG, organisation_id=instance.initiator_org_id)]
    if instance.initiator_user_id:
        return [CandidateSpec(district_code=ORG, user_id=instance.initiator_user_id)]
    log.warning("instance %s has no initiator; initiator task has no candidate", instance.id)
    return []


def groups_of(task: ReadyTask) -> list[str]:
    """The role codes a task is offered to: ``candidateGroups`` or the lane."""
    override = task.properties.get("candidateGroups", "")
    groups = [g.strip() for g in override.split(",") if g.strip()]
    if groups:
        return groups
    if task.lane:
        return [task.lane.strip()]
    return [Role.CASE_OFFICER.value]


def organisation_reference(task: ReadyTask, variables: dict[str, Any]) -> int | None:
    """The organisation id named by the ``candidateOrganisation`` property's ``{variable}``, or ``None``."""
    match = _VARIABLE.match((task.properties.get("candidateOrganisation") or "").strip())
    value = variables.get(match.group(1)) if match else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    return None


def _party_specs(instance: InstanceRef, task: ReadyTask, group: str = "") -> list[CandidateSpec]:
    """Members of the party the task belongs to: ``candidateOrganisation`` when the task names one, else the
    initiator."""
    if not (task.properties.get("candidateOrganisation") or "").strip():
        return _initiator_specs(instance, group)
    organisation_id = organisation_reference(task, instance.variables)
    if organisation_id is None:
        log.warning(
            "task %s of instance %s: candidateOrganisation %r holds no organisation id; offered to no one",
            task.element_id, instance.id, task.properties.get("candidateOrganisation"),
        )
        return []
    return [CandidateSpec(group=group, district_code=ORG, organisation_id=organisation_id)]


def candidate_specs(instance: InstanceRef, task: ReadyTask) -> list[CandidateSpec]:
    specs: list[CandidateSpec] = []
    for group in groups_of(task):
        if group in (INITIATOR, Role.APPLICANT):
            specs.extend(_party_specs(instance, task))
        elif group in ENTERPRISE_ROLES:
            specs.extend(_party_specs(instance, task, group))
        else:
            specs.extend(
                CandidateSpec(group=group, district_code=key) for key in _district_keys(instance, task)
            )
    return specs


def assignee_reference(task: ReadyTask, variables: dict[str, Any]) -> str | int | None:
    """The user named by the ``assignee`` property: a username (str) or a user id (int), or ``None``."""
    raw = (task.properties.get("assignee") or "").strip()
    if not raw:
        return None
    match = _VARIABLE.match(raw)
    if not match:
        return raw
    value = variables.get(match.group(1))
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    return str(value)
