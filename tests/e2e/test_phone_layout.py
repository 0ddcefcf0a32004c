"""Phone layout regression (house rule: every page works on a phone): on the demo world, at 390 px wide, the most
used pages of a district officer, the leader and an enterprise never scroll sideways — wide tables and the process
diagram scroll inside their own boxes, the menu collapses behind its button.

The overflow is measured against ``documentElement.clientWidth``, not ``window.innerWidth``: in a phone-emulating
Chromium (``is_mobile``) an over-wide page widens the layout viewport to fit, so ``innerWidth`` grows with the
content and would hide the very overflow this test looks for."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from domain.organisations import demo as org_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: The widest elements sticking out of the page (not inside a box that scrolls or clips them), for the message.
OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const boxed = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.width && r.right > vw + 1 && !boxed(el); })
    .map(el => `${name(el.parentElement)} > ${name(el)} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: vw, wide: wide.slice(-5)};
}"""


@pytest.fixture
def demo_world(transactional_db, settings):
    settings.DEMO = True
    call_command("load_demo", stdout=io.StringIO())


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", org_demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def first_link(page, pattern: str) -> str:
    """The first link in the page's main content whose path matches ``pattern``."""
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        path = urlsplit(href).path
        if re.fullmatch(pattern, path):
            return path
    raise AssertionError(f"no link matching {pattern} on {page.url}")


def assert_fits(page, base: str, path: str, ready: str | None = None) -> None:
    page.goto(f"{base}{path}")
    if ready:
        page.wait_for_selector(ready)
    m = page.evaluate(OVERFLOW_JS)
    assert m["scrollWidth"] <= m["clientWidth"] + 1, (
        f"{path} scrolls sideways on a phone: {m['scrollWidth']}px of content in {m['clientWidth']}px; "
        f"sticking out: {m['wide']}"
    )


def test_main_pages_fit_a_phone_screen(demo_world, live_server, browser_page):
    page, base = browser_page, live_server.url
    assert page.viewport_size["width"] == 390

    # a district officer: inbox, a task, a case with its BPMN diagram, contracts, enterprise supervision, personnel
    login(page, base, "officer_pd")
    assert page.locator(".navbar-toggler").is_visible() and not page.locator("#jgNav").is_visible()
    assert_fits(page, base, "/")
    assert_fits(page, base, "/tasks/?tab=available")
    task = first_link(page, r"/tasks/\d+/")
    assert_fits(page, base, task)
    case = first_link(page, r"/cases/\d+/")
    assert_fits(page, base, case, ready="#jg-diagram[data-jg-ready='1']")
    assert_fits(page, base, "/contracts/")
    assert_fits(page, base, first_link(page, r"/contracts/\d+/"))
    assert_fits(page, base, "/enterprises/")
    assert_fits(page, base, first_link(page, r"/enterprises/cases/\d+/"))
    assert_fits(page, base, "/enterprises/revocations/")
    assert_fits(page, base, first_link(page, r"/enterprises/revocations/\d+/"))
    assert_fits(page, base, "/personnel/query/")
    assert_fits(page, base, "/sites/draws/")
    assert_fits(page, base, "/documents/verify/")
    # list pages with their search forms, page links and empty states
    for path in ("/contracts/officer/", "/contracts/notices/", "/contracts/?q=不存在的合同", "/enterprises/batches/",
                 "/enterprises/notices/", "/enterprises/credentials/", "/sites/", "/machinery/in-use/",
                 "/personnel/renames/", "/personnel/notices/", "/documents/", "/documents/seals/"):
        assert_fits(page, base, path)

    # the city: every list also has a district filter
    login(page, base, "officer_city")
    for path in ("/contracts/", "/enterprises/", "/sites/", "/machinery/in-use/", "/personnel/help/queue/"):
        assert_fits(page, base, path)

    # the leader's cockpit: number tiles and ECharts panels
    login(page, base, "leader")
    assert_fits(page, base, "/cockpit/", ready=".jg-chart canvas")

    # the administrator: process operations, and a suspended case with its controls
    login(page, base, "admin")
    assert_fits(page, base, "/operations/processes/")
    assert_fits(page, base, "/operations/processes/?status=suspended")
    assert_fits(page, base, first_link(page, r"/cases/\d+/"), ready="#jg-diagram[data-jg-ready='1']")
    assert page.locator("#jg-controls").is_visible() and page.locator("text=该案件已挂起").is_visible()
    assert_fits(page, base, "/operations/definitions/")
    assert_fits(page, base, "/operations/definitions/general_application/")
    assert_fits(page, base, "/operations/timers/")
    assert_fits(page, base, "/operations/outbox/")

    # an enterprise: its machinery and a machine's record
    login(page, base, "ent_lessor")
    assert_fits(page, base, "/machinery/")
    assert_fits(page, base, first_link(page, r"/machinery/\d+/"))
