"""Reading object ids that arrive as text in a form post or a query string."""

from __future__ import annotations


def posted_pk(value: str | None) -> int:
    """An object id from a form post or query; 0 (matches no row) for anything that is not one — including
    superscripts and other scripts' digits that ``str.isdigit()`` accepts and ``int()`` refuses — so a tampered value
    is refused with the view's own message instead of reaching the database as a 500."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 18 else 0
