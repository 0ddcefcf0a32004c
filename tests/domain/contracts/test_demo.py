"""The demo world loads, is idempotent and shows contracts in several states."""

from domain.contracts import demo
from domain.contracts.models import Contract


def test_demo_contracts_load_twice(directory, publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")
    demo.load(lambda _m: None)
    demo.load(lambda _m: None)
    states = sorted(Contract.objects.values_list("state", flat=True))
    assert states == ["announced", "draft", "objection_pending", "settled"]
