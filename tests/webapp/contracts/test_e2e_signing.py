"""The "done when" path in a real (headless, phone-sized) browser with the demo accounts: the employer drafts a
construction contract and starts signing, both parties confirm, a third party objects during the public notice, the
employer answers and the Pudong officer decides, both parties e-seal, the employer files, the announcement is
public and the sealed contract PDF verifies."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from domain.contracts.models import Contract
from domain.organisations import demo as org_demo
from processes import engine
from processes.engine import definitions
from tests.domain.contracts import factories

CHROMIUM = os.environ.get("JIANGUAN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
MODELS = Path(__file__).resolve().parents[3] / "processes" / "models"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)), reason="Chromium not installed"),
]


@pytest.fixture
def browser(transactional_db, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    org_demo.load(lambda _m: None)
    for name in ("contract_signing", "contract_payment", "contract_change"):
        definitions.publish_directory(MODELS / name, procedure=name)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
            # playwright's sync API runs the test inside its own greenlet context, where Django opened a separate
            # connection: close it here, or dropping the test database finds it still attached
            connections.close_all()


def as_user(browser, base: str, username: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", org_demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def submit_step(page, base: str, pk: int, step: str, tick: str = "", fill: dict | None = None) -> None:
    page.goto(f"{base}/contracts/{pk}/")
    form = page.locator("form", has_text=step)
    if tick:
        form.locator(f"input[name={tick}]").check()
    for name, value in (fill or {}).items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button:has-text('提交')").click()
    page.wait_for_selector(f"text=已办理：{step}")


def test_construction_contract_from_draft_to_announcement_in_the_browser(browser, live_server):
    base = live_server.url
    project = factories.project(name="浦东新区周浦文化中心新建工程")
    employer = as_user(browser, base, "ent_employer")
    employer.goto(f"{base}/contracts/new/")
    employer.select_option("[name=project_id]", str(project.pk))
    employer.select_option("[name=contractor_id]", label="上海浦江建设集团有限公司")
    for name, value in {"title": "周浦文化中心施工总承包合同", "scope": "土建、安装及装饰工程", "price": "26800000",
                        "duration_days": "480", "project_manager_name": "孙磊",
                        "project_manager_cert_no": "沪1312015201900066"}.items():
        employer.fill(f"[name={name}]", value)
    employer.click("button:has-text('保存草稿')")
    employer.wait_for_selector("text=请核对后启动网签")
    pk = Contract.objects.get(project=project).pk
    employer.click("button:has-text('启动网签')")
    employer.wait_for_selector("text=网签流程已启动")
    submit_step(employer, base, pk, "确认合同草稿")

    contractor = as_user(browser, base, "ent_contractor")
    submit_step(contractor, base, pk, "承包人确认合同文本", tick="confirmed")
    submit_step(employer, base, pk, "发包人确认合同文本", tick="confirmed")
    assert Contract.objects.get(pk=pk).state == "under_public_notice"

    lessor = as_user(browser, base, "ent_lessor")
    lessor.goto(f"{base}/contracts/notices/")
    lessor.click(f"text={Contract.objects.get(pk=pk).number}")
    lessor.fill("[name=grounds]", "拟派项目负责人孙磊尚在其他在建项目任职。")
    lessor.click("button:has-text('提交异议')")
    lessor.wait_for_selector("text=异议已提交")

    submit_step(employer, base, pk, "发包人答复异议", fill={"answer": "孙磊已于上月完成原项目竣工验收并离任。"})
    officer = as_user(browser, base, "officer_pd")
    officer.goto(f"{base}/contracts/officer/")
    officer.wait_for_selector("text=拟派项目负责人孙磊")
    submit_step(officer, base, pk, "认定异议是否成立", fill={"decision_reason": "经核查已离任，异议不成立。"})

    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=30))  # the notice period runs out
    submit_step(contractor, base, pk, "承包人电子签章", tick="seal")
    submit_step(employer, base, pk, "发包人电子签章", tick="seal")
    submit_step(employer, base, pk, "报送合同信息", tick="declaration")
    contract = Contract.objects.get(pk=pk)
    assert contract.state == "announced"

    visitor = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(f"{base}/contracts/announcements/?q=周浦")
    visitor.click(f"text={contract.number}")
    visitor.click("text=合同文本")
    visitor.wait_for_selector("text=有效")
