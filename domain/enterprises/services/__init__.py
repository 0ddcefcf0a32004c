"""Writes of the enterprises context (one module per procedure)."""

from .checks import (
    accept_rectification,
    approve_rectification,
    expire_overdue,
    findings_for,
    publish_batch,
    review_rectification,
    submit_rectification,
)
from .licences import decide_suspension, extend_licence, record_accident, restore_due, scale_for
from .notices import deem_served_due, publish_public_notice, receive_online, record_on_site
from .revocation import (
    close_defence_periods,
    handle_defence,
    issue_decision,
    legal_review,
    open_revocation,
    record_hearing,
    submit_defence,
)

__all__ = [
    "accept_rectification",
    "approve_rectification",
    "close_defence_periods",
    "decide_suspension",
    "deem_served_due",
    "expire_overdue",
    "extend_licence",
    "findings_for",
    "handle_defence",
    "issue_decision",
    "legal_review",
    "open_revocation",
    "publish_batch",
    "publish_public_notice",
    "receive_online",
    "record_accident",
    "record_hearing",
    "record_on_site",
    "restore_due",
    "review_rectification",
    "run_sweeps",
    "scale_for",
    "submit_defence",
    "submit_rectification",
]


def run_sweeps(*, on: object = None) -> dict[str, list[int]]:
    """The daily date-driven steps (期限扫描): public notices deemed served, overdue rectifications, lapsed defence
    periods (cases without a procedure; a procedure's own timers handle the rest) and ended suspensions."""
    import datetime as dt

    day = on if isinstance(on, dt.date) else None
    return {
        "deemed_served": deem_served_due(on=day),
        "overdue": expire_overdue(on=day),
        "defence_closed": close_defence_periods(on=day),
        "restored": restore_due(on=day),
    }
