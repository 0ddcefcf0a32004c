"""Machinery fixtures (shared with the page tests)."""

from .fixtures import machinery, platform  # noqa: F401
