"""Machinery test fixtures: the published machinery procedures and the demo supervising engineer."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from domain.machinery.demo_people import supervising_engineer
from integrations.national_platform import local_simulator
from processes.engine import definitions

MODELS = ("machinery_filing", "machinery_installation", "machinery_use_registration", "machinery_dismantling")


@pytest.fixture
def machinery(directory):
    """Publish the machinery procedures; returns the directory (with ``supervisor`` added)."""
    for name in MODELS:
        definitions.publish_directory(Path(settings.BASE_DIR) / "processes" / "models" / name, procedure=name)
    return {**directory, "supervisor": supervising_engineer()}


@pytest.fixture
def platform():
    """The in-process national platform simulator, reset and up."""
    sim = local_simulator()
    sim.down = False
    yield sim
    sim.down = False
