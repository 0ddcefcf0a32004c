"""Bad permit payloads are refused with reasons per field."""

import json

import pytest
from django.core.exceptions import ValidationError

from domain.organisations.credit_code import make_code
from domain.sites import permit_format

EMPLOYER = make_code("91310101MA1H0C3D4")
CONTRACTOR = make_code("91310115MA1K4A1B2")


def permit_payload(**overrides):
    data = {
        "permit_number": "310115202611010001",
        "project_name": "陆家嘴某写字楼室内装修工程",
        "district_code": "310115",
        "address": "浦东新区世纪大道100号",
        "employer": {"name": "上海申城置业发展有限公司", "credit_code": EMPLOYER, "contact": "杨帆", "phone": "13912345678"},
        "contractor": {"name": "上海浦江建设集团有限公司", "credit_code": CONTRACTOR},
        "contract_amount": "2500000.00",
        "floor_area": "1800",
        "works_description": "室内精装修，不涉及主体结构",
        "scope": {"structure": False, "fire_system": False, "facade": False},
        "issued_on": "2026-11-01",
    }
    data.update(overrides)
    return data


def test_valid_payload_passes():
    permit_format.validate(permit_payload())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"permit_number": "x"}, "permit_number"),
        ({"district_code": "110101"}, "district_code"),
        ({"contract_amount": "abc"}, "contract_amount"),
        ({"issued_on": "2026-13-40"}, "issued_on"),
        ({"scope": {"structure": "yes", "fire_system": False, "facade": False}}, "scope.structure"),
        ({"employer": {"name": "某单位", "credit_code": EMPLOYER[:17] + ("0" if EMPLOYER[17] != "0" else "1"),
                       "contact": "甲", "phone": "13912345678"}}, "employer.credit_code"),
        ({"unexpected": 1}, "报文"),
    ],
)
def test_bad_fields_are_named(overrides, field):
    with pytest.raises(ValidationError) as exc:
        permit_format.validate(permit_payload(**overrides))
    assert field in exc.value.message_dict


def test_missing_field_is_reported():
    data = permit_payload()
    del data["address"]
    with pytest.raises(ValidationError) as exc:
        permit_format.validate(data)
    assert any("address" in m for m in exc.value.message_dict["报文"])


def test_xml_is_equivalent_to_json():
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<permit><permit_number>310115202611010001</permit_number><project_name>陆家嘴某写字楼室内装修工程</project_name>
<district_code>310115</district_code><address>浦东新区世纪大道100号</address>
<employer><name>上海申城置业发展有限公司</name><credit_code>{EMPLOYER}</credit_code><contact>杨帆</contact><phone>13912345678</phone></employer>
<contractor><name>上海浦江建设集团有限公司</name><credit_code>{CONTRACTOR}</credit_code></contractor>
<contract_amount>2500000.00</contract_amount><floor_area>1800</floor_area><works_description>室内精装修，不涉及主体结构</works_description>
<scope><structure>false</structure><fire_system>false</fire_system><facade>false</facade></scope><issued_on>2026-11-01</issued_on></permit>"""
    parsed = permit_format.parse(xml.encode(), "application/xml")
    assert parsed == permit_payload()
    assert permit_format.parse(json.dumps(permit_payload()).encode(), "application/json") == permit_payload()


@pytest.mark.parametrize(("body", "ctype"), [(b"{oops", "application/json"), (b"<permit>", "application/xml"),
                                             (b"[1,2]", "application/json"), (b"<other/>", "text/xml")])
def test_malformed_bodies_are_refused(body, ctype):
    with pytest.raises(ValidationError):
        permit_format.parse(body, ctype)


def test_xml_entities_are_not_expanded():
    evil = b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><permit><address>&x;</address></permit>'
    data = permit_format.parse(evil, "application/xml")
    assert "root:" not in json.dumps(data)
