"""The demo world loads, is idempotent and shows contracts in several states."""

from domain.contracts import demo
from domain.contracts.models import Contract


def test_demo_contracts_load_twice(directory, publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")
    demo.load(lambda _m: None)
    demo.load(lambda _m: None)
    states = sorted(Contract.objects.values_list("state", flat=True))
    assert states == ["announced", "draft", "objection_pending", "settled"]


def test_demo_sends_projects_awards_and_contracts_to_the_finance_cloud(directory, publish_models):
    from integrations.models import OutboxMessage

    publish_models("contract_signing", "contract_payment", "contract_change")
    demo.load(lambda _m: None)
    channels = sorted(OutboxMessage.objects.filter(channel__startswith="finance_cloud").values_list("channel", flat=True))
    assert channels.count("finance_cloud.project") == 4
    assert channels.count("finance_cloud.award") == 1
    assert channels.count("finance_cloud.contract") == 2
