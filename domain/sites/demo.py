"""Demo world for site supervision: permits arriving from the approval system, sites classified, a Pudong draw
committed, revealed and verified, SMS notices delivered, and a drawn site already in process supervision."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import Group

from domain.organisations.credit_code import make_code
from domain.organisations.models import District, Organisation, OrganisationKind, User

from . import services
from .models import DrawRound, Site

DEMO_ORDER = 70

EMPLOYER = make_code("91310101MA1H0C3D4")
CONTRACTOR = make_code("91310115MA1K4A1B2")

# (permit number, project, district, address, amount, area, structure, fire, facade)
PERMITS = [
    ("3101152026110001", "陆家嘴金融城写字楼18层室内装修工程", "310115", "浦东新区银城中路200号", "2600000", "1850", False, False, False),
    ("3101152026110002", "张江科学城研发楼二期精装修工程", "310115", "浦东新区科苑路88号", "4800000", "5200", False, False, False),
    ("3101152026110003", "世纪公园商业中心店铺装修工程", "310115", "浦东新区锦绣路1001号", "1200000", "640", False, False, False),
    ("3101152026110004", "前滩太古里餐饮区装修改造工程", "310115", "浦东新区东育路500号", "3100000", "2100", False, False, False),
    ("3101152026110005", "金桥厂房改造及外立面更新工程", "310115", "浦东新区金桥路1399号", "8800000", "9600", True, False, True),
    ("3101012026110001", "外滩历史建筑室内修缮装饰工程", "310101", "黄浦区中山东一路12号", "5600000", "3300", False, False, False),
    ("3101012026110002", "南京东路商场消防改造工程", "310101", "黄浦区南京东路300号", "2200000", "1600", False, True, False),
    ("3101122026110001", "虹桥商务区酒店客房装修工程", "310112", "闵行区申长路988号", "6300000", "7100", False, False, False),
]

INSPECTORS = {
    "310115": [("inspector_pd1", "韩明"), ("inspector_pd2", "曹丽"), ("inspector_pd3", "邓超")],
    "310101": [("inspector_hp1", "彭飞"), ("inspector_hp2", "蒋蕾")],
    "310112": [("inspector_mh1", "田野"), ("inspector_mh2", "汪洋")],
}


DEMO_USERNAMES = tuple(username for people in INSPECTORS.values() for username, _ in people)


def _inspectors() -> None:
    from domain.organisations.demo import DEMO_PASSWORD

    group = Group.objects.get(name="inspector")
    for code, people in INSPECTORS.items():
        org = Organisation.objects.get(kind=OrganisationKind.REGULATOR, district_id=code)
        if not org.contact_phone:
            Organisation.objects.filter(pk=org.pk).update(contact_phone="13601" + code[-4:] + "00")
        for username, name in people:
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": name, "organisation": org})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.add(group)


def permit_payload(row: tuple) -> bytes:
    """The approval system's JSON for one ``PERMITS``-style row (the demo employer and contractor)."""
    number, name, district, address, amount, area, structure, fire, facade = row
    return json.dumps(
        {
            "permit_number": number,
            "project_name": name,
            "district_code": district,
            "address": address,
            "employer": {"name": "上海申城置业发展有限公司", "credit_code": EMPLOYER, "contact": "杨帆", "phone": "13912345678"},
            "contractor": {"name": "上海浦江建设集团有限公司", "credit_code": CONTRACTOR},
            "contract_amount": amount,
            "floor_area": area,
            "works_description": "室内装饰装修" if not (structure or fire or facade) else "改造工程（含结构/消防/外立面）",
            "scope": {"structure": structure, "fire_system": fire, "facade": facade},
            "issued_on": str(dt.date(2026, 11, 2)),
        },
        ensure_ascii=False,
    ).encode()


def load(out: Callable[[str], None]) -> None:
    _inspectors()
    for row in PERMITS:
        services.receive_permit(body=permit_payload(row), content_type="application/json")
    pudong = District.objects.get(pk="310115")
    record = DrawRound.objects.filter(district=pudong, round_key="2026-11").first()
    if record is None:
        record, _ = services.commit_draw(district=pudong, round_key="2026-11", proportion=Decimal("0.5"))
        record = services.reveal_draw(record=record)
    _advance_first_drawn_site(record)
    out(f"    {Site.objects.count()} sites, draw {record} selected {len(record.selected)}")


def _advance_first_drawn_site(record: DrawRound) -> None:
    """Let the Pudong officer confirm the team of one drawn site, so it stands in process supervision."""
    from processes import engine
    from tasks.models import WorkItem

    site = Site.objects.filter(permit__permit_number__in=record.selected).order_by("permit__permit_number").first()
    if site is None:
        return
    from django.contrib.contenttypes.models import ContentType

    from processes.models import ProcessInstance

    instance = ProcessInstance.objects.filter(
        subject_type=ContentType.objects.get_for_model(site), subject_id=str(site.pk)
    ).first()
    if instance is None:
        return
    item = WorkItem.objects.filter(instance_id=instance.pk, element_id="assign_team", status__in=["open", "claimed"]).first()
    if item is not None:
        engine.complete_work_item(item.pk, data={"team_confirmed": True, "remarks": "按抽查结果组建监督组"},
                                  acting_user=User.objects.get(username="officer_pd"))
