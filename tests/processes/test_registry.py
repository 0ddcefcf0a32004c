import importlib.util
import sys

import pytest
from django.apps import apps

from processes.engine import registry


def test_every_installed_apps_process_services_module_is_imported_at_start_up():
    expected = [
        f"{c.name}.process_services"
        for c in apps.get_app_configs()
        if importlib.util.find_spec(f"{c.name}.process_services") is not None
    ]
    assert all(name in sys.modules for name in expected)


def test_a_name_cannot_be_taken_by_two_functions():
    @registry.service("test.unique_name")
    def first(ctx):
        return None

    with pytest.raises(ValueError, match="already registered"):

        @registry.service("test.unique_name")
        def second(ctx):
            return None

    assert registry.get("test.unique_name") is first and "test.unique_name" in registry.registered()
