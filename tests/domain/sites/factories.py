"""One factory per model for site supervision."""

import datetime as dt
from decimal import Decimal

import factory

from domain.organisations.credit_code import make_code
from domain.organisations.models import District
from domain.sites.models import Permit, Site


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permit

    permit_number = factory.Sequence(lambda n: f"3101152026{n:06d}")
    project_name = factory.Sequence(lambda n: f"装饰装修工程{n}号")
    district = factory.LazyFunction(lambda: District.objects.get(pk="310115"))
    address = "浦东新区张杨路1号"
    employer_name = "上海申城置业发展有限公司"
    employer_credit_code = make_code("91310101MA1H0C3D4")
    employer_contact = "杨帆"
    employer_phone = "13912345678"
    contractor_name = "上海浦江建设集团有限公司"
    contractor_credit_code = make_code("91310115MA1K4A1B2")
    contract_amount = Decimal("2000000")
    floor_area = Decimal("800")
    works_description = "室内装修"
    issued_on = dt.date(2026, 11, 1)
    payload_digest = "0" * 64


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    permit = factory.SubFactory(PermitFactory)
    district = factory.SelfAttribute("permit.district")
    name = factory.SelfAttribute("permit.project_name")
    is_general_decoration = True
