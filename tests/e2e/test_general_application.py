"""A new user logs in as an enterprise, starts the demo procedure and fills its form; a Pudong officer claims and
completes the next step — in a real (headless) browser, on a phone-sized screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.organisations import demo as org_demo
from processes.engine import definitions
from processes.models import ProcessInstance
from tasks.models import Attachment, WorkItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GA_DIR = Path(__file__).resolve().parents[2] / "processes" / "models" / "general_application"


@pytest.fixture
def site(transactional_db):
    org_demo.load(lambda _msg: None)
    definitions.publish_directory(GA_DIR, procedure="general_application")


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", org_demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def logout(page) -> None:
    page.click(".navbar-toggler")  # phone-sized screen: the navigation is collapsed behind the menu button
    with page.expect_navigation(url=re.compile(r".*/accounts/login/.*")):
        page.locator("button:has-text('退出')").first.click()


def test_enterprise_applies_and_pudong_officer_accepts(site, live_server, browser_page, tmp_path):
    page, base = browser_page, live_server.url
    plan = tmp_path / "施工方案.pdf"
    plan.write_bytes(b"%PDF-1.4\n% demo plan\n")

    login(page, base, "ent_contractor")
    page.goto(f"{base}/processes/")
    page.click("text=填写申请")
    page.fill("[name='f.project_name']", "浦东张江科创中心二期")
    page.select_option("[name='f.application_type']", "夜间施工许可")
    page.select_option("[name='f.district_code']", label="浦东新区")
    page.fill("[name='f.contact_phone']", "13812345678")
    page.fill("[name='f.planned_start']", "2026-03-02")
    page.fill("[name='f.contract_amount']", "1,250,000.50")
    page.fill("[name='f.description']", "夜间需连续浇筑底板混凝土，申请夜间施工许可。")
    page.click("[data-jg-add='lines']")
    page.fill("[name='f.lines.0.item']", "C35 混凝土底板")
    page.select_option("[name='f.lines.0.unit']", "m³")
    page.fill("[name='f.lines.0.quantity']", "850")
    page.set_input_files("[name='f.application_file']", str(plan))

    # a wrong phone number comes back with its message, the rest of the form kept
    page.fill("[name='f.contact_phone']", "12345")
    page.click("#jg-submit")
    page.wait_for_selector("text=请填写 11 位手机号或带区号的固定电话")
    assert page.input_value("[name='f.project_name']") == "浦东张江科创中心二期"
    assert page.input_value("[name='f.lines.0.quantity']") == "850"
    assert page.locator("text=已上传：施工方案.pdf").count() == 1  # the file is kept, no second upload
    page.fill("[name='f.contact_phone']", "13812345678")
    page.click("#jg-submit")

    page.wait_for_selector("text=申请已提交")
    page.wait_for_selector("#jg-diagram[data-jg-ready='1']")
    assert page.locator("#jg-diagram .jg-active").count() >= 1  # the 受理 step is drawn as active
    instance = ProcessInstance.objects.get()
    assert instance.initiator_org.name == "上海浦江建设集团有限公司" and instance.district_code == "310115"
    assert instance.variables["lines"] == [{"item": "C35 混凝土底板", "unit": "m³", "quantity": 850}]
    assert Attachment.objects.get().instance_id == instance.pk
    logout(page)

    login(page, base, "officer_pd")
    page.goto(f"{base}/tasks/?tab=available")
    page.click("text=受理")
    page.click("#jg-claim")
    page.wait_for_selector("text=已认领，请办理")
    page.check("[name='f.accept_decision'][value='accept']")
    page.fill("[name='f.accept_opinion']", "材料齐全，予以受理。")
    page.click("#jg-complete")
    page.wait_for_selector("text=已办结")

    item = WorkItem.objects.get(instance_id=instance.pk, element_id="accept")
    assert item.status == "completed" and item.completed_by.username == "officer_pd"
    assert WorkItem.objects.get(instance_id=instance.pk, element_id="review").status == "open"
    page.goto(f"{base}/cases/{instance.pk}/")
    page.wait_for_selector("#jg-diagram[data-jg-ready='1']")
    assert page.locator("#jg-diagram .jg-completed").count() >= 2  # start event and 受理
