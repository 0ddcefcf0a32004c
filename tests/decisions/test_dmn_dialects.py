"""Files from other modelers: DMN 1.1 (Camunda 7) and 1.2 namespaces load; non-FEEL languages are refused."""

from __future__ import annotations

import pytest

from decisions.engine.errors import DecisionLoadError
from decisions.engine.evaluator import evaluate_table
from decisions.engine.loader import load_bytes

CAMUNDA_11 = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" xmlns:camunda="http://camunda.org/schema/1.0/dmn"
             id="definitions" name="definitions" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="dish" name="Dish">
    <decisionTable id="decisionTable">
      <input id="input1" label="Season" camunda:inputVariable="currentSeason">
        <inputExpression id="inputExpression1" typeRef="string"><text>season</text></inputExpression>
      </input>
      <output id="output1" label="Dish" name="desiredDish" typeRef="string" />
      <rule id="rule1">
        <inputEntry id="inputEntry1"><text><![CDATA["Winter"]]></text></inputEntry>
        <outputEntry id="outputEntry1"><text><![CDATA["Roastbeef"]]></text></outputEntry>
      </rule>
      <rule id="rule2">
        <inputEntry id="inputEntry2"><text><![CDATA["Summer"]]></text></inputEntry>
        <outputEntry id="outputEntry2"><text><![CDATA["Light Salad"]]></text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_camunda_dmn_11_file_loads_with_unique_as_default_hit_policy():
    (table,) = load_bytes(CAMUNDA_11.encode(), file="dish.dmn")
    assert table.hit_policy == "UNIQUE"
    assert evaluate_table(table, {"season": "Winter"}).outputs == {"desiredDish": "Roastbeef"}


def test_dmn_12_namespace_loads():
    xml = CAMUNDA_11.replace(
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd", "http://www.omg.org/spec/DMN/20180521/MODEL/"
    )
    assert load_bytes(xml.encode())[0].id == "dish"


def test_juel_cells_are_refused_naming_the_cell():
    xml = CAMUNDA_11.replace(
        '<inputEntry id="inputEntry2">', '<inputEntry id="inputEntry2" expressionLanguage="juel">'
    )
    with pytest.raises(DecisionLoadError) as exc:
        load_bytes(xml.encode(), file="dish.dmn")
    assert "规则 2（rule2）" in exc.value.message and "juel" in exc.value.message


def test_a_non_dmn_file_is_refused():
    with pytest.raises(DecisionLoadError, match="不是 DMN 文件"):
        load_bytes(b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', file="x.dmn")
    with pytest.raises(DecisionLoadError, match="不是有效的 XML"):
        load_bytes(b"<definitions", file="x.dmn")


def test_xml_entities_are_not_expanded():
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + CAMUNDA_11.split("?>", 1)[1]
    )
    xml = xml.replace('"Winter"', "&x;")
    with pytest.raises(DecisionLoadError) as exc:
        load_bytes(xml.encode())
    assert "root:" not in exc.value.message and "&x;" in exc.value.message
