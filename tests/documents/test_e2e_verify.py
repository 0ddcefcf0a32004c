"""In a real (headless, phone-sized) browser: open the demo certificate from its QR link, download it, upload it
on the verification page (valid), then upload an altered copy (altered)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from documents import demo
from documents.models import Document
from domain.organisations import demo as org_demo

CHROMIUM = os.environ.get("JIANGUAN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)), reason="Chromium not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_demo_certificate_verifies_in_the_browser_and_an_altered_copy_does_not(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    org_demo.load(lambda _m: None)
    demo.load(lambda _m: None)
    cert = Document.objects.get(number=demo.DEMO_CERTIFICATE_NUMBER)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            page.goto(f"{live_server.url}/documents/verify/{cert.verification_code}/")
            assert page.locator("[data-status]").get_attribute("data-status") == "valid"
            assert cert.number in page.content()
            response = page.request.get(f"{live_server.url}/documents/verify/{cert.verification_code}/download/")
            pdf = response.body()
            assert response.headers["content-type"] == "application/pdf" and pdf.startswith(b"%PDF-")

            page.goto(f"{live_server.url}/documents/verify/")
            page.set_input_files("input[name=file]", {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": pdf})
            page.locator("button[type=submit]").click()
            page.wait_for_selector("[data-status]")
            assert page.locator("[data-status]").get_attribute("data-status") == "valid"
            assert "真实有效" in page.content()

            altered = pdf.replace(b"/Producer", b"/Producex", 1)
            page.goto(f"{live_server.url}/documents/verify/")
            page.set_input_files("input[name=file]", {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": altered})
            page.locator("button[type=submit]").click()
            page.wait_for_selector("[data-status=altered]")
            assert "已被篡改" in page.content()
        finally:
            context.close()
            browser.close()
