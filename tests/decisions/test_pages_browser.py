"""The decision table page on a phone-sized screen in a real (headless) browser: test with inputs via htmx."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from domain.organisations import demo as org_demo
from tests.e2e.conftest import browser_page  # noqa: F401 - the shared Playwright fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_legal_reviewer_tests_a_table_on_a_phone(transactional_db, live_server, browser_page):  # noqa: F811
    org_demo.load(lambda _msg: None)
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "legal_city")
    page.fill("input[name=password]", org_demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/decisions/")
    page.click("text=示例：违规处理决定")
    page.wait_for_url(f"{base}/decisions/examples_enforcement_action/")
    page.fill("#in-violations", "3")
    page.select_option("#in-rectified", "false")
    page.select_option("#in-serious", "false")
    page.click("button:has-text('试算')")
    result = page.locator("#result")
    result.get_by_text("理由：违规超过2次且未整改，撤回").wait_for()
    assert "规则 3（违规超过2次且未整改）" in result.inner_text()
    assert page.url == f"{base}/decisions/examples_enforcement_action/"  # swapped in place by htmx
    expect(page.locator("#rule-3")).to_have_class(re.compile(r"\btable-success\b"))  # the matched rule is marked
    # The page itself does not scroll sideways on a phone (the wide rule table scrolls in its own box).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
