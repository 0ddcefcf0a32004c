"""Demo contracts in several states, for ent_employer (employer, Huangpu) and ent_contractor (contractor, Pudong):

* a Pudong draft ready to be taken through signing in the browser;
* a Pudong state-funded contract under public notice with an objection waiting for the employer's answer;
* a Huangpu contract announced, with a tender award and its bid bill, one paid progress payment (late, flagged)
  and a published settlement compared with the bid;
* a Pudong contract announced with a payment application waiting for the employer's verification.

The project's district decides the officer: Pudong cases go to officer_pd, Huangpu ones to officer_hp.
Idempotent: projects are keyed by their registration code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from domain.organisations.models import Organisation, User

from . import boq, boq_formats, payments, registration, services, settlement, workflow
from .models import BillOfQuantities, Contract, FundingType, Project, TenderAward

DEMO_ORDER = 52

BASE = {"pricing_method": "unit_price", "quality_standard": "合格", "contract_type": "construction"}
BID_ITEMS = [
    ("010101001", "平整场地", "m2", "520.00", "4.80"), ("010101002", "挖一般土方", "m3", "1865.05", "32.60"),
    ("010401001", "砖基础", "m3", "42.04", "586.00"), ("010502001", "矩形柱", "m3", "81.26", "712.40"),
    ("010503002", "矩形梁", "m3", "96.63", "698.30"), ("010505001", "有梁板", "m3", "231.08", "655.20"),
    ("010515001", "现浇构件钢筋", "t", "128.646", "5120.00"), ("010516003", "机械连接", "个", "1860", "12.50"),
    ("010801001", "木质门", "樘", "42", "1380.00"), ("010807001", "断桥铝合金窗", "m2", "326.04", "860.00"),
    ("010902001", "屋面卷材防水", "m2", "286.00", "68.50"), ("011101001", "水泥砂浆楼地面", "m2", "1562.00", "36.80"),
    ("011201001", "墙面一般抹灰", "m2", "4268.00", "28.60"), ("011406001", "抹灰面油漆", "m2", "3862.00", "21.40"),
]


def _bid_raw() -> list[dict[str, Any]]:
    lines = [{"part": "measured", "code": f"{c}001", "name": n, "features": "详见施工图", "unit": u, "quantity": q,
              "unit_price": p} for c, n, u, q, p in BID_ITEMS]
    lines += [
        {"part": "measures", "code": "011701001001", "name": "综合脚手架", "unit": "m2", "quantity": "2860.00",
         "unit_price": "32.00"},
        {"part": "measures", "code": "011707001001", "name": "安全文明施工", "unit": "项", "quantity": "1",
         "unit_price": "86000.00"},
        {"part": "other", "code": "01B001", "name": "暂列金额", "unit": "项", "quantity": "1", "unit_price": "120000.00"},
        {"part": "fees", "code": "01B002", "name": "社会保险费", "unit": "项", "quantity": "1", "unit_price": "81230.00"},
        {"part": "tax", "code": "01B003", "name": "增值税", "unit": "项", "quantity": "1", "unit_price": "196000.00"},
    ]
    return lines


def _settled_raw() -> list[dict[str, Any]]:
    out = []
    for line in _bid_raw():
        line = dict(line)
        if line["code"] == "01B001":
            line["unit_price"] = "38650.00"
        if line["code"] == "010515001001":
            line["quantity"] = "130.121"
        if line["code"] == "010807001001":
            line["unit_price"] = "905.00"
        out.append(line)
    out.append({"part": "measured", "code": "01B004", "name": "增加的雨水回用设施", "unit": "项", "quantity": "1",
                "unit_price": "28600.00", "features": "设计变更第7号"})
    return out


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _project(code: str, name: str, district: str, funding: str) -> tuple[Project, bool]:
    existing = Project.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    employer = _user("ent_employer").organisation
    assert employer is not None
    return registration.project_register(code=code, name=name, district_code=district, funding_type=funding,
                                         employer=employer, registered_on=dt.date(2026, 3, 2)), True


def _contractor() -> Organisation:
    org = _user("ent_contractor").organisation
    assert org is not None
    return org


def _draft(project: Project, award: TenderAward | None = None, **data: Any) -> Contract:
    return services.contract_draft(project=project, contractor=_contractor(), data={**BASE, **data},
                                   acting_user=_user("ent_employer"), award=award)


def _through_confirmation(contract: Contract) -> Contract:
    employer, contractor = _user("ent_employer"), _user("ent_contractor")
    contract = workflow.start_signing(contract=contract, acting_user=employer)
    workflow.act(instance_id=contract.process_instance_id, element_id="draft", data={}, acting_user=employer)
    workflow.act(instance_id=contract.process_instance_id, element_id="contractor_confirm", data={"confirmed": True},
                 acting_user=contractor)
    workflow.act(instance_id=contract.process_instance_id, element_id="employer_confirm", data={"confirmed": True},
                 acting_user=employer)
    return Contract.objects.get(pk=contract.pk)


def _announce(contract: Contract) -> Contract:
    """A contract without public notice: seal, file, announce through the signing process."""
    employer, contractor = _user("ent_employer"), _user("ent_contractor")
    contract = _through_confirmation(contract)
    for element, who in (("employer_seal", employer), ("contractor_seal", contractor)):
        workflow.act(instance_id=contract.process_instance_id, element_id=element, data={"seal": True},
                     acting_user=who)
    workflow.act(instance_id=contract.process_instance_id, element_id="file_contract", data={"declaration": True},
                 acting_user=employer)
    return Contract.objects.get(pk=contract.pk)


def load(out: Callable[[str], None]) -> None:
    employer, contractor = _user("ent_employer"), _user("ent_contractor")
    today = timezone.localdate()

    project, created = _project("3101152026030001", "浦东新区川沙社区卫生服务中心新建工程", "310115", FundingType.STATE)
    if created:
        _draft(project, title="川沙社区卫生服务中心施工总承包合同", scope="土建、安装、装饰及室外总体工程",
               price="38600000.00", duration_days=540, project_manager_name="王建国",
               project_manager_cert_no="沪1312015201600001")
        out("  合同：浦东草稿 1 份（可在浏览器中从起草走到公告）")

    project, created = _project("3101152026030002", "浦东新区张江人才公寓二期工程", "310115", FundingType.STATE_MAJORITY)
    if created:
        contract = _through_confirmation(_draft(
            project, title="张江人才公寓二期施工总承包合同", scope="3幢高层住宅及地下车库", price="126500000.00",
            duration_days=720, project_manager_name="李卫东", project_manager_cert_no="沪1312015201800032"))
        services.objection_file(contract=contract, grounds="中标人拟派项目负责人李卫东同时担任其他在建项目负责人。",
                                acting_user=_user("ent_lessor"))
        out("  合同：浦东公示中 1 份（有待发包人答复的异议）")

    project, created = _project("3101012026030003", "黄浦区董家渡街道社区服务中心改建工程", "310101", FundingType.PRIVATE)
    if created:
        bid = boq.normalise(_bid_raw())
        bill = settlement.store_bill(kind=BillOfQuantities.Kind.BID, title="中标工程量清单", source_format="json",
                                     data=b"", lines=bid)
        total = boq.totals_by_part(bid)["total"]
        award = registration.award_record(
            project=project, tender_reference="HPZB2026-0019", winner=_contractor(), awarded_on=dt.date(2026, 4, 18),
            bid_bill=bill, data={"scope": "社区服务中心改建及装饰工程", "price": total, "duration_days": 300,
                                 "quality_standard": "合格", "project_manager_name": "周明",
                                 "project_manager_cert_no": "沪1312015201500211", "ceiling_price": "2500000.00"})
        contract = _announce(_draft(project, award, title="董家渡社区服务中心改建施工合同",
                                    scope=award.scope, price=str(total), duration_days=300,
                                    project_manager_name="周明", project_manager_cert_no="沪1312015201500211"))
        payment = payments.payment_apply(contract=contract, acting_user=contractor, applied_on=today - dt.timedelta(days=40),
                                         data={"period_end": (today - dt.timedelta(days=45)).isoformat(),
                                               "unit_rate_work": "520000.00", "safety_fee": "18000.00",
                                               "day_work": "6000.00", "advance_recovery": "50000.00"})
        # applied 40 days ago and never verified: the process deemed it approved (视为认可); the employer paid
        workflow.act(instance_id=payment.process_instance_id, element_id="record_payment", acting_user=employer,
                     data={"paid_amount": "470000.00", "paid_on": (today - dt.timedelta(days=2)).isoformat()})
        data = boq_formats.to_json("董家渡社区服务中心竣工结算", boq.normalise(_settled_raw()))
        result = settlement.settlement_submit(contract=contract, data=data, filename="settlement.json",
                                              acting_user=contractor)
        settlement.settlement_confirm(settlement=result, acting_user=employer)
        settlement.settlement_publish(settlement=result, acting_user=employer)
        out(f"  合同：黄浦已公告并结算 1 份（结算 {result.bill.total} 元，较中标价 "
            f"{Decimal(result.comparison['totals']['total']['difference']):+} 元）")

    project, created = _project("3101152026030004", "浦东新区高桥镇道路排水改造工程", "310115", FundingType.PRIVATE)
    if created:
        contract = _announce(_draft(project, title="高桥镇道路排水改造施工合同", scope="道路排水管网改造",
                                    price="2860000.00", duration_days=180, pricing_method="lump_sum",
                                    project_manager_name="赵强", project_manager_cert_no="沪2312015201900077"))
        payments.payment_apply(contract=contract, acting_user=contractor,
                               data={"period_end": (today - dt.timedelta(days=3)).isoformat(),
                                     "lump_sum_items": "620000.00", "safety_fee": "30000.00"})
        out("  合同：浦东已公告 1 份（第1期进度款待发包人核实）")
