"""Inbox and my-applications page links keep the search url-encoded: a search text with "&" or "#" used to be cut
at that character on page 2 (the links were built by string concatenation); a page number out of range is the last
page, not an error."""

from __future__ import annotations

import pytest
from django.test import Client

from domain.organisations.models import User

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_inbox_page_links_keep_a_search_with_an_ampersand(filed, monkeypatch):
    monkeypatch.setattr("webapp.workflow.pages_inbox.PAGE_SIZE", 2)
    for i in range(3):
        filed(project_name=f"张江 & 金桥 #{i}")
    filed(project_name="张江")  # "张江 " (up to the ampersand) would find this one too
    officer = login("officer_pd")
    first = officer.get("/tasks/", {"tab": "available", "q": "张江 & 金桥"}).content.decode()
    assert "第 1 / 2 页" in first
    assert "?tab=available&amp;q=%E5%BC%A0%E6%B1%9F+%26+%E9%87%91%E6%A1%A5&amp;page=2" in first
    second = officer.get("/tasks/", {"tab": "available", "q": "张江 & 金桥", "page": "2"}).content.decode()
    assert "张江 &amp; 金桥 #0" in second
    assert officer.get("/tasks/?tab=available&page=99999").status_code == 200


def test_my_applications_page_links_keep_status_and_search(filed, monkeypatch):
    monkeypatch.setattr("webapp.workflow.pages_cases.PAGE_SIZE", 2)
    for i in range(3):
        filed(project_name=f"临港 & 新片区{i}")
    client = login("ent_contractor")
    first = client.get("/my/applications/", {"status": "running", "q": "临港 & 新片区"}).content.decode()
    assert "第 1 / 2 页" in first and "共 3 条" in first
    assert "?status=running&amp;q=%E4%B8%B4%E6%B8%AF+%26+%E6%96%B0%E7%89%87%E5%8C%BA&amp;page=2" in first
