"""Personal data in process variables (流程变量中的个人信息).

A form field a model author marks ``"x-pii": true`` in its JSON Schema (a contact phone, an ID number) is personal
data. Its value lives only in the instance's serialized state, which is SM4-encrypted at rest
(:class:`security.fields.EncryptedTextField`); service tasks and gateways read the real value from there. Every
readable copy the engine writes beside it — the instance's variable snapshot (``ProcessInstance.data``, which pages,
the API and inbox summaries read), the history rows' details and the inbox's record of submitted data — holds it
masked (``138****5678``), the way encrypted model fields display, and so does any other string there the value was
copied into (a service's result, a script's summary line).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from security.fields import mask

from .definitions import Problem

PII_KEYWORD = "x-pii"

_DECLARED: dict[tuple[int, str], frozenset[str]] = {}


def names_in(schemas: Iterable[Any]) -> frozenset[str]:
    """The property names marked ``x-pii`` anywhere in these JSON Schemas (nested objects, array items and
    ``allOf``/``if``/``then`` branches included)."""
    found: set[str] = set()
    for schema in schemas:
        _collect(schema, found)
    return frozenset(found)


def _collect(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            found.update(name for name, prop in properties.items()
                         if isinstance(prop, dict) and prop.get(PII_KEYWORD) is True)
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect(value, found)


def declared(definition: Any) -> frozenset[str]:
    """The personal-data variable names of a published definition (immutable, so cached per version)."""
    key = (definition.pk, definition.content_hash)
    names = _DECLARED.get(key)
    if names is None:
        names = _DECLARED[key] = names_in((definition.forms or {}).values())
    return names


ANY_VERSION_TTL = 60.0  # seconds another process may mask by the marks it read before a new version was published
_ANY_VERSION: dict[str, tuple[float, int, frozenset[str]]] = {}  # key -> (read at, newest version pk, names)


def masked_names(definition: Any) -> frozenset[str]:
    """What the engine masks in an instance's readable copies: the names its own version marks and those any
    version of its process marks. A mark added in a later version covers the running instances of older versions
    from their next step: at once in the process that published it, within ``ANY_VERSION_TTL`` in the others
    (each process reads its key's marks at most once a minute, and at once when it meets a newer version)."""
    own = declared(definition)
    now = time.monotonic()
    entry = _ANY_VERSION.get(definition.key)
    if entry is None or now - entry[0] > ANY_VERSION_TTL or definition.pk > entry[1]:
        entry = _ANY_VERSION[definition.key] = (now, definition.pk, declared_in_any_version(definition.key))
    return own | entry[2]


def forget(process_keys: Iterable[str]) -> None:
    """Drop the cached marks of these keys (a version was published in this process)."""
    for key in process_keys:
        _ANY_VERSION.pop(key, None)


def declared_in_any_version(process_key: str) -> frozenset[str]:
    """The names any published version of ``process_key`` marks (a mark added in version N+1 covers the copies
    written under version N: :mod:`.redaction` masks them, and the case page offers them for disclosure)."""
    from processes.models import ProcessDefinition

    names: frozenset[str] = frozenset()
    for definition in ProcessDefinition.objects.filter(key=process_key).only("pk", "content_hash", "forms"):
        names |= declared(definition)
    return names


def redact(value: Any, names: frozenset[str]) -> Any:
    """A copy of JSON-safe ``value`` with the string values of ``names`` (at any depth) masked, and those values
    masked wherever else they were copied into a string (a service's result, a script's summary line)."""
    if not names:
        return value
    found: set[str] = set()
    marked_values(value, names, found)
    secrets = sorted((s for s in found if len(s) >= MIN_SCRUBBED), key=len, reverse=True)
    return _redact(value, names, [(s, mask(s)) for s in secrets])


MIN_SCRUBBED = 4  # shorter marked values are masked under their own name only (scrubbing "12" would garble text)


def marked_values(value: Any, names: frozenset[str], found: set[str]) -> None:
    """Collect into ``found`` the non-empty strings ``value`` holds under a name in ``names``, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in names and isinstance(item, str) and item:
                found.add(item)
            else:
                marked_values(item, names, found)
    elif isinstance(value, list):
        for item in value:
            marked_values(item, names, found)


def _redact(value: Any, names: frozenset[str], secrets: list[tuple[str, str]]) -> Any:
    if isinstance(value, dict):
        return {
            key: mask(item) if key in names and isinstance(item, str) and item else _redact(item, names, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact(item, names, secrets) for item in value]
    if isinstance(value, str) and secrets:
        for secret, masked in secrets:
            if secret in value:
                value = value.replace(secret, masked)
    return value


def disclosed_value(instance: Any, name: str) -> Any:
    """The real value of the personal-data variable ``name``, read from the instance's encrypted state (the
    snapshot holds it masked); ``None`` when it has none. Callers record the disclosure (``security.disclosure``)."""
    from . import definitions
    from .session import all_tasks, variables_of
    from .spiff import load_state

    if not instance.state or (
        name not in declared(instance.definition) and name not in declared_in_any_version(instance.process_key)
    ):
        return None
    spec, subprocess_specs = definitions.specs_for(instance.definition)
    workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
    return variables_of(workflow, all_tasks(workflow)).get(name)


def check_annotations(forms: dict[str, Any]) -> list[Problem]:
    """Publish-time check: ``x-pii`` is ``true`` or ``false``, and only on a string property (what can be
    masked). A problem names the form file and the property."""
    problems: list[Problem] = []
    for file_name, schema in forms.items():
        _check(schema, file_name, problems)
    return problems


def _check(node: Any, file_name: str, problems: list[Problem]) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, prop in properties.items():
                if not isinstance(prop, dict) or PII_KEYWORD not in prop:
                    continue
                flag = prop[PII_KEYWORD]
                if not isinstance(flag, bool):
                    problems.append(Problem(file_name, name, f"{PII_KEYWORD} 只能是 true 或 false"))
                elif flag and prop.get("type") != "string":
                    problems.append(Problem(file_name, name, f"{PII_KEYWORD} 只能标在字符串字段上（个人信息以掩码显示）"))
        for value in node.values():
            _check(value, file_name, problems)
    elif isinstance(node, list):
        for value in node:
            _check(value, file_name, problems)
