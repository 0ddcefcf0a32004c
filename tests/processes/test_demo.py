import pytest

from processes import demo
from processes.models import ProcessDefinition


def test_demo_publishes_the_shipped_models_once(db):
    pytest.importorskip("decisions.api", reason="shipped models name DMN decisions (contracts §3)")
    lines: list[str] = []
    demo.load(lines.append)
    count = ProcessDefinition.objects.count()
    assert count >= 1 and not any("✗" in line for line in lines)
    demo.load(lines.append)
    assert ProcessDefinition.objects.count() == count
