"""Machinery list pages: the machine query paginates keeping its filters (the page links used to drop them), searches
by filing number / model / serial number, stays scoped, and tells "nothing yet" from "no match"; the per-site list of
machines in use is paged by site and can keep only inspections running out (the cockpit's drill-down)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from domain.machinery.models import Machine, MachineState
from domain.organisations.models import User

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def machine(owner_key: str, directory, n: int, **extra) -> Machine:
    owner = directory[owner_key]
    return Machine.objects.create(
        owner=owner, district=owner.district, machine_type=extra.pop("machine_type", "tower_crane"),
        model_name=extra.pop("model_name", f"QTZ{n:03d}"), manufacturer="徐工建机", manufacturing_licence_no="TS1",
        product_certificate_no="XG1", factory_serial_no=f"SN-{owner_key}-{n:03d}", factory_date=dt.date(2023, 5, 10),
        rated_capacity=1250, filing_number=f"沪FH-T{owner_key[:2]}{n:05d}", **extra)


def test_machine_list_paginates_keeping_filters_and_searches_in_scope(directory):
    machines = [machine("lessor", directory, n) for n in range(21)]
    stranger = machine("employer", directory, 1)
    lessor = client_for("ent_lessor")
    first = lessor.get("/machinery/?machine_type=tower_crane").content.decode()
    assert "第 1 / 2 页" in first and "共 21 条" in first
    assert "?machine_type=tower_crane&amp;page=2" in first  # the filter survives paging (it did not before)
    assert "machine_type=tower_crane&amp;export=xlsx" in first
    second = lessor.get("/machinery/?machine_type=tower_crane&page=2").content.decode()
    assert machines[0].filing_number in second and machines[-1].filing_number not in second  # newest first
    for text in (machines[7].filing_number, machines[7].factory_serial_no):
        found = lessor.get("/machinery/", {"text": text}).content.decode()
        assert f"/machinery/{machines[7].pk}/" in found and f"/machinery/{machines[8].pk}/" not in found
    nomatch = lessor.get("/machinery/", {"text": stranger.filing_number}).content.decode()
    assert f"/machinery/{stranger.pk}/" not in nomatch and "没有符合条件的设备" in nomatch
    assert "没有符合条件的设备" in lessor.get("/machinery/?state=scrapped").content.decode()
    assert lessor.get("/machinery/?state=x&machine_type=x&page=abc").status_code == 200


def test_machine_list_empty_state_says_how_machines_get_there(directory):
    owner = client_for("ent_builder").get("/machinery/").content.decode()
    assert "您的单位还没有建筑起重机械" in owner and "/machinery/file/" in owner and "没有符合条件" not in owner
    officer = client_for("officer_hp").get("/machinery/").content.decode()
    assert "还没有您可以查看的建筑起重机械" in officer


def test_in_use_empty_states(directory):
    page = client_for("officer_pd").get("/machinery/in-use/").content.decode()
    assert "目前没有在用的建筑起重机械" in page and 'name="district"' not in page
    assert "没有符合条件的在用起重机械" in client_for("officer_pd").get("/machinery/in-use/?site=不存在").content.decode()
    assert 'name="district"' in client_for("officer_city").get("/machinery/in-use/").content.decode()


def test_in_use_pages_by_site_and_keeps_inspections_running_out(directory, monkeypatch):
    ok = [machine("lessor", directory, n, state=MachineState.REGISTERED_IN_USE) for n in range(2)]

    class Row:  # what the per-site list shows of a use registration
        def __init__(self, m: Machine, valid_until: dt.date):
            self.machine, self.machine_id, self.pk = m, m.pk, m.pk
            self.registration_number, self.national_code = f"DJ-{m.pk}", ""
            self.inspection_valid_until, self.certificate_id = valid_until, None
            self.installation = type("I", (), {"site_address": "", "site_district": None,
                                               "supervising_engineer_id": None})()
            self.confirmations = type("C", (), {"all": []})()

    today = timezone.localdate()
    by_site = {f"测试工地{i:02d}": [Row(ok[0], today + dt.timedelta(days=200))] for i in range(12)}
    by_site["测试工地99"] = [Row(ok[1], today + dt.timedelta(days=10))]
    monkeypatch.setattr("domain.machinery.selectors.machines_in_use_by_site", lambda user, **kw: by_site)
    officer = client_for("officer_city")
    first = officer.get("/machinery/in-use/?site=测试").content.decode()
    assert "第 1 / 2 页" in first and "共 13 条" in first and "测试工地00" in first and "测试工地99" not in first
    assert "?site=%E6%B5%8B%E8%AF%95&amp;page=2" in first
    due = officer.get("/machinery/in-use/?inspection=due").content.decode()
    assert "测试工地99" in due and "测试工地00" not in due and "即将到期" in due
    from webapp.machinery.cockpit import panels

    due_panel = next(p for p in panels(User.objects.get(username="leader")) if p.title == "30日内检验到期")
    assert due_panel.link == "/machinery/in-use/?inspection=due"  # the drill-down lands on the filtered list
