"""Which procedures a user may start from the web (可发起的流程), and what starting needs.

A process is startable from the web when its start event declares a start form (``formJsonSchemaFilename``) or
``starterRoles``; procedures without either are started by domain code (a permit arriving, a draw). Who may start:
``starterRoles`` (comma-separated role codes) if given, else the start event's lane (``initiator`` = enterprise
users and individual applicants, a role code = that role).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from lxml import etree

from domain.organisations.roles import ENTERPRISE_ROLES, Role
from domain.organisations.scoping import scope_of
from processes.models import ProcessDefinition

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}


@dataclass(frozen=True)
class Procedure:
    key: str
    name: str
    version: int
    definition_id: int
    documentation: str = ""
    start_form: dict[str, Any] | None = None
    start_ui: dict[str, Any] | None = None
    starter_roles: frozenset[str] = field(default_factory=frozenset)
    web_startable: bool = False

    def may_start(self, user: Any) -> bool:
        if (
            not self.web_startable
            or not getattr(user, "is_authenticated", False)
            or scope_of(user).kind == "none"
        ):
            return False
        return bool(user.role_codes() & self.starter_roles)


def _start_event(xml: str, key: str) -> tuple[etree._Element | None, etree._Element | None]:
    root = etree.fromstring(
        xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )
    process = root.find(f".//bpmn:process[@id='{key}']", NS)
    if process is None:
        return None, None
    return process, process.find("bpmn:startEvent", NS)


def _lane_of(process: etree._Element, element_id: str) -> str | None:
    for lane in process.iterfind(".//bpmn:lane", NS):
        if any((ref.text or "").strip() == element_id for ref in lane.iterfind("bpmn:flowNodeRef", NS)):
            return lane.get("name")
    return None


def _roles_for_lane(lane: str | None) -> frozenset[str]:
    if lane == "initiator":
        return frozenset({*ENTERPRISE_ROLES, Role.APPLICANT.value})
    return frozenset({lane}) if lane else frozenset()


_described: dict[tuple[int, str], Procedure] = {}


def describe(definition: ProcessDefinition) -> Procedure:
    """What starting ``definition`` needs. Published definitions never change, so the parse is kept per
    (id, content hash)."""
    cache_key = (definition.pk, definition.content_hash)
    found = _described.get(cache_key)
    if found is None:
        found = _described[cache_key] = _describe(definition)
        if len(_described) > 512:
            _described.pop(next(iter(_described)))
    return found


def _describe(definition: ProcessDefinition) -> Procedure:
    for xml in definition.bpmn_files.values():
        process, start = _start_event(xml, definition.key)
        if process is None:
            continue
        doc = process.findtext("bpmn:documentation", default="", namespaces=NS).strip()
        if start is None:
            break
        props = {
            p.get("name"): p.get("value", "")
            for p in start.iterfind(
                "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS
            )
        }
        roles = frozenset(r.strip() for r in (props.get("starterRoles") or "").split(",") if r.strip())
        if not roles:
            roles = _roles_for_lane(_lane_of(process, start.get("id", "")))
        form_name = props.get("formJsonSchemaFilename") or ""
        return Procedure(
            key=definition.key,
            name=definition.name or definition.key,
            version=definition.version,
            definition_id=definition.pk,
            documentation=doc,
            start_form=definition.forms.get(form_name) if form_name else None,
            start_ui=definition.forms.get(props.get("formUiSchemaFilename") or ""),
            starter_roles=roles,
            web_startable=bool(form_name or props.get("starterRoles")),
        )
    return Procedure(definition.key, definition.name or definition.key, definition.version, definition.pk)


def latest_definitions() -> list[ProcessDefinition]:
    newest = ProcessDefinition.objects.filter(key=OuterRef("key")).order_by("-version").values("version")[:1]
    return list(ProcessDefinition.objects.filter(version=Subquery(newest)).order_by("key"))


def procedures_for(user: Any) -> list[tuple[Procedure, bool]]:
    """``(procedure, may_start)`` for what ``user`` may start — or everything, for those who may see all."""
    sees_all = scope_of(user).kind == "all"
    out = []
    for definition in latest_definitions():
        proc = describe(definition)
        allowed = proc.may_start(user)
        if allowed or sees_all:
            out.append((proc, allowed))
    return out


def procedure(key: str) -> Procedure | None:
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    return describe(definition) if definition else None
