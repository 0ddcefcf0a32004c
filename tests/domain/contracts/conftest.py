import pytest


@pytest.fixture
def contract_models(publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")
