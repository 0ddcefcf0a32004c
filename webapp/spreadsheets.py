"""Excel exports (openpyxl) that cannot carry formulas in from user-entered text.

openpyxl stores any string that starts with ``=`` as a formula (formula injection, OWASP "CSV injection"): an
enterprise could put ``=HYPERLINK("http://…")`` into a machine's model name and have it run on a regulator's
workstation when the query result is exported. :func:`append_row` stores every text value as a plain string
cell, shown exactly as entered and never evaluated."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append`` with every text value kept as text (numbers and dates keep their types)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
