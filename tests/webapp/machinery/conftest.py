"""Machinery fixtures from the domain tests."""

from tests.domain.machinery.fixtures import machinery, platform  # noqa: F401
