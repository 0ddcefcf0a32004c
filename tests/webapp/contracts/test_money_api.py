"""Payments and settlement through the API: the payment process steps, the settlement upload (JSON with its schema),
the public comparison, and 4xx answers with Chinese messages for bad files and wrong parties."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from domain.contracts import boq, boq_formats
from tests.domain.contracts import bills, factories


@pytest.fixture
def contract(directory, publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")
    return factories.announced()


def test_payment_through_the_api(api, contract):
    response = api("ent_contractor").post(f"/api/contracts/{contract.pk}/payments/", {
        "period_end": "2026-11-20", "unit_rate_work": "500000", "safety_fee": "20000", "advance_recovery": "20000"},
        format="json")
    assert response.status_code == 201, response.json()
    payment = response.json()
    assert payment["net_payable"] == "500000.00" and payment["interim_amount"] == "520000.00"
    url = f"/api/contracts/{contract.pk}/payments/{payment['id']}/act/"
    assert api("ent_contractor").post(url, {"element": "verify_payment", "data": {"certified_amount": "1"}},
                                      format="json").status_code == 403
    bad = api("ent_employer").post(url, {"element": "verify_payment", "data": {"certified_amount": "五十万"}},
                                   format="json")
    assert bad.status_code == 400 and "金额" in json.dumps(bad.json(), ensure_ascii=False)
    ok = api("ent_employer").post(url, {"element": "verify_payment", "data": {"certified_amount": "400000"}},
                                  format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "certified"
    too_much = api("ent_contractor").post(f"/api/contracts/{contract.pk}/payments/", {
        "period_end": "2026-11-20", "unit_rate_work": "100", "advance_recovery": "500"}, format="json")
    assert too_much.status_code == 400 and "不能为负" in json.dumps(too_much.json(), ensure_ascii=False)


@pytest.mark.parametrize("body", ['"string"', "null", "12", "[]", '{"unit_rate_work": 99999999999999999999}'])
def test_a_payment_body_that_is_no_application_is_a_400(api, contract, body):
    """A JSON body that is not an object used to be fed to ``dict()`` (a TypeError, a 500); an amount too large for
    the column overflowed the database. Both are 400s with a message now, and nothing is written."""
    from domain.contracts.models import PaymentApplication

    response = api("ent_contractor").post(f"/api/contracts/{contract.pk}/payments/", body,
                                          content_type="application/json")
    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert ("超出可登记的范围" if "unit_rate_work" in body else "请填写计量周期截止日") in text
    assert not PaymentApplication.objects.exists()


def test_settlement_upload_and_public_comparison(api, contract):
    url = f"/api/contracts/{contract.pk}/settlement/"
    broken = api("ent_contractor").post(url, {"file": SimpleUploadedFile("s.json", b'{"format": "x"}')},
                                        format="multipart")
    assert broken.status_code == 400 and "清单格式" in json.dumps(broken.json(), ensure_ascii=False)
    data = boq_formats.to_json("结算", boq.normalise(bills.bid_lines()[:30]))
    assert api("ent_employer").post(url, {"file": SimpleUploadedFile("s.json", data)},
                                    format="multipart").status_code == 403
    response = api("ent_contractor").post(url, {"file": SimpleUploadedFile("s.json", data)}, format="multipart")
    assert response.status_code == 201 and response.json()["totals"]["total"]["settled"] == response.json()["total"]
    assert api().get(f"/api/contracts/{contract.pk}/settlement/comparison/").status_code == 404  # not yet published


def test_a_settlement_too_large_for_the_columns_is_a_400(api, contract):
    """A line of 14-digit quantity and 14-digit unit price failed while rounding its amount (a 500)."""
    from domain.contracts.models import BillOfQuantities

    doc = json.loads(boq_formats.to_json("结算", boq.normalise(bills.bid_lines()[:3])))
    doc["lines"][0].update(quantity="99999999999999", unit_price="99999999999999")
    response = api("ent_contractor").post(f"/api/contracts/{contract.pk}/settlement/", {
        "file": SimpleUploadedFile("s.json", json.dumps(doc).encode())}, format="multipart")
    assert response.status_code == 400 and "合价（工程量 × 综合单价）过大" in json.dumps(response.json(), ensure_ascii=False)
    assert not BillOfQuantities.objects.filter(kind=BillOfQuantities.Kind.SETTLEMENT).exists()

