"""An installation notice names the project's construction permit (施工许可证): the site comes from the permit, the
permit's contractor must be the main contractor, and the site page lists the machines notified under it. The main
contractor's review is offered to every operator of that contractor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from domain.errors import DomainError
from domain.machinery import services
from domain.machinery.models import Installation
from domain.organisations.credit_code import make_code
from domain.organisations.models import Organisation, User
from domain.organisations.roles import Role
from processes.models import ProcessInstance
from security.models import AuditEvent
from tests.domain.sites.factories import PermitFactory, SiteFactory

from .flows import CREW, INSTALLER, do, filed_machine, instance_of, u

pytestmark = pytest.mark.django_db


def _notify(machine, site: dict, **overrides):
    today = timezone.localdate()
    values = {
        "acting_user": u("ent_lessor"),
        "machine": machine,
        "site": site,
        "main_contractor": Organisation.objects.get(name="上海浦江建设集团有限公司"),
        "supervising_engineer": u("supervisor_eng"),
        "installer": INSTALLER,
        "crew": CREW,
        "plan_summary": "塔机安装方案",
        "planned_start": today + timedelta(days=7),
        "planned_end": today + timedelta(days=9),
        "today": today,
    }
    values.update(overrides)
    return services.notify_installation(**values)


def test_the_site_is_taken_from_the_permit_and_the_site_page_lists_the_machine(machinery):
    site = SiteFactory(permit__project_name="张江科学城研发楼二期精装修工程", permit__address="浦东新区科苑路88号")
    machine = filed_machine()
    # typed values are ignored once a permit is named: the permit is the authority on the project
    installation = _notify(machine, {"permit_number": f" {site.permit.permit_number} ", "name": "随便写的名称"})
    assert installation.permit == site.permit
    assert (installation.site_name, installation.site_address, installation.site_district_id) == (
        "张江科学城研发楼二期精装修工程", "浦东新区科苑路88号", "310115")
    event = AuditEvent.objects.get(action="machinery.installation_notified")
    assert event.data["permit_number"] == site.permit.permit_number

    officer = Client()
    officer.force_login(User.objects.get(username="officer_pd"))
    page = officer.get(f"/sites/{site.pk}/").content.decode()
    assert machine.filing_number in page and "已告知" in page
    other = SiteFactory()
    assert "本工程暂无按施工许可证办理安装告知的建筑起重机械" in officer.get(f"/sites/{other.pk}/").content.decode()


def test_an_unknown_permit_or_another_contractors_permit_is_refused_and_nothing_is_written(machinery):
    machine = filed_machine()
    with pytest.raises(ValidationError) as error:
        _notify(machine, {"permit_number": "3101152026119999"})
    assert "未找到施工许可证 3101152026119999" in str(error.value.message_dict["permit_number"])
    foreign = PermitFactory(contractor_name="上海某某建筑有限公司", contractor_credit_code=make_code("91310104MA1B2C3D4"))
    with pytest.raises(ValidationError) as error:
        _notify(machine, {"permit_number": foreign.permit_number})
    assert "上海某某建筑有限公司" in str(error.value.message_dict["main_contractor"])
    # a main contractor without a registered credit code cannot be matched to any permit
    Organisation.objects.filter(name="上海浦江建设集团有限公司").update(credit_code=None)
    with pytest.raises(ValidationError) as error:
        _notify(machine, {"permit_number": PermitFactory().permit_number})
    assert "未登记统一社会信用代码" in str(error.value.message_dict["main_contractor"])
    assert not Installation.objects.exists() and not ProcessInstance.objects.filter(process_key="machinery_installation")


def test_the_main_contractors_review_goes_to_any_of_its_operators(machinery):
    contractor = Organisation.objects.get(name="上海浦江建设集团有限公司")
    colleague = User.objects.create(username="ent_contractor_2", full_name="钱多", organisation=contractor)
    colleague.groups.add(Group.objects.get(name=Role.ENTERPRISE_OPERATOR.value))
    installation = _notify(filed_machine(), {"name": "浦江镇商品房项目（二期）", "address": "三鲁公路1188号",
                                             "district_code": "310115"})
    assert installation.permit is None
    instance = instance_of(installation)
    with pytest.raises((DomainError, PermissionDenied)):  # the lessor (initiator) is not the contractor's operator
        do(instance, "contractor_review", "ent_lessor", {"contractor_decision": "approve", "contractor_opinion": "同意"})
    do(instance, "contractor_review", "ent_contractor_2", {"contractor_decision": "approve", "contractor_opinion": "同意"})
    assert Installation.objects.get(pk=installation.pk).state == "contractor_confirmed"


def test_the_page_asks_for_the_site_when_no_permit_is_given_and_explains_an_unknown_permit(machinery):
    machine = filed_machine()
    client = Client()
    client.force_login(User.objects.get(username="ent_lessor"))
    today = timezone.localdate()
    post = {
        "main_contractor": Organisation.objects.get(name="上海浦江建设集团有限公司").pk,
        "supervising_engineer": User.objects.get(username="supervisor_eng").pk,
        "installer_name": INSTALLER["name"], "installer_qualification_no": INSTALLER["qualification_no"],
        "installer_safety_licence_no": INSTALLER["safety_licence_no"],
        "crew": "李安装,建筑起重机械安装拆卸工,HU32020190012,2030-12-31\n周信号,建筑起重信号司索工,HU32020190345,2030-12-31",
        "plan_summary": "标准安装方案", "planned_start": (today + timedelta(days=10)).isoformat(),
        "planned_end": (today + timedelta(days=12)).isoformat(),
    }
    response = client.post(f"/machinery/{machine.pk}/install/", post)
    assert response.status_code == 400 and "未填写施工许可证编号时，请填写工程名称" in response.content.decode()
    response = client.post(f"/machinery/{machine.pk}/install/", {**post, "permit_number": "3101152026119999"})
    assert response.status_code == 400 and "未找到施工许可证" in response.content.decode()
    assert not Installation.objects.exists()
    permit = PermitFactory()
    assert client.post(f"/machinery/{machine.pk}/install/", {**post, "permit_number": permit.permit_number}).status_code == 302
    assert Installation.objects.get().permit == permit
