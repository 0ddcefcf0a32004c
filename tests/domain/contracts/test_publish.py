def test_contract_models_publish(contract_models):
    from processes.models import ProcessDefinition

    assert set(ProcessDefinition.objects.values_list("key", flat=True)) >= {
        "contract_signing", "contract_payment", "contract_change"}
