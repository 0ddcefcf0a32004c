"""The only module that imports the ``business-rules`` package (unmaintained; kept behind ``decisions.rulesets``).

Replacing the package means rewriting this module alone: ``operators_for(type)`` and ``fire(rule, facts,
variables)`` are all ``rulesets`` needs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from business_rules import engine
from business_rules.actions import BaseActions
from business_rules.fields import FIELD_NO_INPUT, FIELD_NUMERIC, FIELD_SELECT_MULTIPLE, FIELD_TEXT
from business_rules.operators import BooleanType, NumericType, SelectMultipleType, StringType
from business_rules.variables import BaseVariables, rule_variable

TYPES = {"numeric": NumericType, "string": StringType, "boolean": BooleanType, "list": SelectMultipleType}
INPUTS = {
    FIELD_NUMERIC: "numeric",
    FIELD_TEXT: "string",
    FIELD_NO_INPUT: "none",
    FIELD_SELECT_MULTIPLE: "list",
}


def operators_for(type_name: str) -> dict[str, str]:
    """``{operator: input kind}`` for a variable type (input kind: numeric | string | none | list)."""
    return {
        op["name"]: INPUTS.get(op["input_type"], op["input_type"])
        for op in TYPES[type_name].get_all_operators()
    }


def _variables_class(variables: dict[str, str], facts: dict[str, Any]) -> type[BaseVariables]:
    attrs: dict[str, Any] = {}
    for name, type_name in variables.items():

        def getter(self: Any, _name: str = name) -> Any:
            value = facts.get(_name)
            return Decimal(str(value)) if isinstance(value, float) else value

        getter.__name__ = name
        attrs[name] = rule_variable(TYPES[type_name])(getter)
    return type("Facts", (BaseVariables,), attrs)


class _Collector(BaseActions):
    """Every action name is accepted here; ``rulesets`` validated names and parameters on save."""

    def __init__(self) -> None:
        self.fired: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def record(**params: Any) -> None:
            self.fired.append((name, params))

        return record


def fire(
    rule: dict[str, Any], facts: dict[str, Any], variables: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """The actions of ``rule`` if its conditions hold for ``facts`` (``AssertionError`` on a bad fact value)."""
    collector = _Collector()
    variables_obj = _variables_class(variables, facts)()
    engine.run({"conditions": rule["conditions"], "actions": rule["actions"]}, variables_obj, collector)
    return collector.fired
