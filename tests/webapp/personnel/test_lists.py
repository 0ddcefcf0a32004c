"""Personnel list pages (certificate query, rename batches, public notices, the human-help queue): paginated with the
filters kept, searchable by number and name, scoped, sorted sensibly (the help queue: unanswered first, the longest
waiting on top), and an empty state that says why, distinct from "no match"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from domain.organisations.models import User
from domain.personnel.models import HelpRequest, HelpRequestState, PublicNotice, RenameBatch
from tests.domain.personnel.factories import employed_person, valid_certificate

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_certificate_query_paginates_keeping_filters_and_searches_in_scope(directory):
    certs = [valid_certificate(employed_person(directory["contractor"])) for _ in range(21)]
    lessor_cert = valid_certificate(employed_person(directory["lessor"], name="闵行持证人"))
    officer = login("officer_pd")
    first = officer.get("/personnel/query/?klass=C2&employer=浦江").content.decode()
    assert "第 1 / 2 页" in first and "共 21 条" in first
    assert "?klass=C2&amp;employer=%E6%B5%A6%E6%B1%9F&amp;page=2" in first
    assert "export.xlsx?klass=C2&amp;employer=%E6%B5%A6%E6%B1%9F" in first
    for text in (certs[2].number, certs[2].person.name):
        found = officer.get("/personnel/query/", {"text": text}).content.decode()
        assert f"/personnel/certificates/{certs[2].pk}/" in found
        assert f"/personnel/certificates/{certs[3].pk}/" not in found
    nomatch = officer.get("/personnel/query/", {"text": lessor_cert.number}).content.decode()
    assert f"/personnel/certificates/{lessor_cert.pk}/" not in nomatch and "没有符合条件的证书" in nomatch
    assert officer.get("/personnel/query/?klass=x&state=x&page=abc").status_code == 200


def test_certificate_query_empty_states(directory):
    officer = login("officer_hp").get("/personnel/query/").content.decode()
    assert "本辖区还没有安管人员证书" in officer and "没有符合条件" not in officer
    enterprise = login("ent_builder").get("/personnel/query/").content.decode()
    assert "您的单位还没有聘用持证的安管人员" in enterprise
    assert "没有符合条件的证书" in login("ent_builder").get("/personnel/query/?text=不存在").content.decode()


def test_rename_batches_paginate_search_and_stay_scoped(directory):
    empty = login("officer_pd").get("/personnel/renames/").content.decode()
    assert "还没有企业更名批量变更" in empty
    batches = [RenameBatch.objects.create(enterprise=directory["contractor"], old_name="上海浦江建设集团有限公司",
                                          new_name=f"上海浦江建设（集团）第{n:02d}号有限公司") for n in range(21)]
    hp = RenameBatch.objects.create(enterprise=directory["employer"], old_name="上海申城置业发展有限公司",
                                    new_name="上海申城置业集团有限公司")
    officer = login("officer_pd")
    first = officer.get("/personnel/renames/").content.decode()
    assert "第 1 / 2 页" in first and f"/personnel/renames/{hp.pk}/" not in first
    found = officer.get("/personnel/renames/", {"q": "第07号"}).content.decode()
    assert f"/personnel/renames/{batches[7].pk}/" in found and f"/personnel/renames/{batches[8].pk}/" not in found
    assert "没有符合条件的批量变更" in officer.get("/personnel/renames/?q=申城").content.decode()


def test_public_notices_keep_the_kind_across_pages_and_search_by_name(directory):
    anonymous = Client()
    assert "目前没有公示公告" in anonymous.get("/personnel/notices/").content.decode()
    today = timezone.localdate()
    cert = valid_certificate(employed_person(directory["contractor"]))
    for n in range(21):
        PublicNotice.objects.create(kind=PublicNotice.Kind.RESULT, certificate=cert, title=f"结果公告：测试{n:02d}",
                                    body="准予核发", starts_on=today - dt.timedelta(days=n), ends_on=today)
    PublicNotice.objects.create(kind=PublicNotice.Kind.REVIEW_OPINION, certificate=cert, title="审查意见公示：王公示",
                                body="考核合格", starts_on=today, ends_on=today + dt.timedelta(days=5), period_days=5)
    first = anonymous.get("/personnel/notices/?kind=result").content.decode()
    assert "第 1 / 2 页" in first and "?kind=result&amp;page=2" in first and "王公示" not in first
    found = anonymous.get("/personnel/notices/", {"q": "王公示"}).content.decode()
    assert "审查意见公示：王公示" in found and "测试00" not in found
    assert "没有符合条件的公示公告" in anonymous.get("/personnel/notices/?q=无此人").content.decode()


def test_help_queue_puts_unanswered_first_paginates_and_filters(directory):
    def ask(question: str, *, minutes_ago: int, answered: bool = False) -> HelpRequest:
        r = HelpRequest.objects.create(question=question, state=HelpRequestState.ANSWERED if answered else
                                       HelpRequestState.OPEN, answer="已答复" if answered else "")
        HelpRequest.objects.filter(pk=r.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
        return r

    assert "队列为空" in login("officer_city").get("/personnel/help/queue/").content.decode()
    ask("已经答复过的新问题", minutes_ago=1, answered=True)
    ask("等了一小时的问题", minutes_ago=60)
    ask("刚提出的问题", minutes_ago=2)
    for n in range(20):
        ask(f"旧的已答复问题{n:02d}", minutes_ago=1000 + n, answered=True)
    city = login("officer_city")
    first = city.get("/personnel/help/queue/").content.decode()
    assert first.index("等了一小时的问题") < first.index("刚提出的问题") < first.index("已经答复过的新问题")
    assert "第 1 / 2 页" in first and "共 23 条" in first
    waiting = city.get("/personnel/help/queue/?state=open").content.decode()
    assert "刚提出的问题" in waiting and "已经答复过的新问题" not in waiting
    assert "刚提出的问题" in city.get("/personnel/help/queue/?q=刚提出").content.decode()
    assert "没有符合条件的问题" in city.get("/personnel/help/queue/?q=食堂").content.decode()
    assert "刚提出的问题" not in login("officer_pd").get("/personnel/help/queue/").content.decode()
