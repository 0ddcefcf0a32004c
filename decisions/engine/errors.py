"""Errors of the decision engine. ``status_code`` lets the web layer answer 4xx without importing us by name."""

from __future__ import annotations


class DecisionError(Exception):
    """A decision could not be evaluated (HTTP 400 unless a subclass says otherwise)."""

    status_code = 400

    def __init__(self, message: str, **extra: object):
        super().__init__(message)
        self.message = message
        self.extra = extra


class FeelSyntaxError(DecisionError):
    """A FEEL expression or unary test outside the supported subset (refused at load time)."""

    def __init__(self, message: str, *, text: str = "", position: int | None = None):
        where = f"（第 {position + 1} 个字符）" if position is not None else ""
        super().__init__(f"{message}{where}：{text}" if text else message)
        self.reason = message
        self.text = text
        self.position = position


class FeelEvaluationError(DecisionError):
    """A FEEL expression failed at run time (e.g. division by zero, an unknown function)."""


class DecisionLoadError(DecisionError):
    """A DMN file cannot be loaded; the message names the file, the decision, the rule and the cell."""

    def __init__(self, message: str, *, file: str = "", decision: str = "", rule: str = "", cell: str = ""):
        parts = [
            p
            for p in (file, f"决策 {decision}" if decision else "", f"规则 {rule}" if rule else "", cell)
            if p
        ]
        super().__init__(f"{'，'.join(parts)}：{message}" if parts else message)
        self.file, self.decision, self.rule, self.cell = file, decision, rule, cell


class DecisionNotFound(DecisionError):
    """No decision table with this id (404)."""

    status_code = 404


class DecisionNoMatch(DecisionError):
    """No rule matched and the table declares no default output (explicit no-match behaviour)."""


class HitPolicyViolation(DecisionError):
    """UNIQUE with several matches, or ANY with disagreeing outputs."""


class DecisionInputError(DecisionError):
    """An input value cannot be read as its declared type (e.g. "abc" for a number)."""
