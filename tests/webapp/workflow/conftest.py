"""Fixtures for the workflow pages and API: the demo procedure published, and a helper to file an application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from processes.engine import definitions

GA_DIR = Path(__file__).resolve().parents[3] / "processes" / "models" / "general_application"


def application(**overrides: Any) -> dict[str, Any]:
    data = {
        "project_name": "浦东张江科创中心二期",
        "application_type": "夜间施工许可",
        "district_code": "310115",
        "contact_phone": "13812345678",
        "planned_start": "2026-03-02",
        "contract_amount": 1250000.5,
        "uses_public_funds": False,
        "description": "夜间需连续浇筑底板混凝土，申请夜间施工许可。",
        "lines": [{"item": "C35 混凝土底板", "unit": "m³", "quantity": 850, "unit_price": 620.5}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def ga(directory):
    """The published demo procedure ``general_application``."""
    return definitions.publish_directory(GA_DIR, procedure="general_application")[0][0]


@pytest.fixture
def filed(ga, api):
    """Start one application as ``ent_contractor`` through the API; returns the 201 body."""

    def run(**overrides: Any) -> dict[str, Any]:
        response = api("ent_contractor").post(
            "/api/processes/general_application/instances/",
            {"variables": application(**overrides)},
            format="json",
        )
        assert response.status_code == 201, response.json()
        return response.json()

    return run
