"""The list pages' shared helper (``webapp.listing``) and its templates: a page of rows whose links keep the search and
filters (url-encoded), bad page numbers give the first or last page, ``filtered`` tells "no match" from "nothing yet",
and the district filter is offered only to whoever sees several districts."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from webapp.listing import choice, district_options, paginate, search_text

rf = RequestFactory()


def test_page_links_keep_the_filters_url_encoded_and_drop_page_and_export():
    request = rf.get("/x/", {"q": "浦江 & 建设#1", "state": "signed", "page": "2", "export": "xlsx"})
    page = paginate(request, list(range(45)), per_page=20)
    assert page.number == 2 and list(page.object_list) == list(range(20, 40))
    assert page.query == "q=%E6%B5%A6%E6%B1%9F+%26+%E5%BB%BA%E8%AE%BE%231&state=signed"
    assert page.prefix == f"?{page.query}&page="
    html = render_to_string("_pager.html", {"page": page})
    assert f'href="?{page.query.replace("&", "&amp;")}&amp;page=3"' in html  # next keeps q (its & encoded) and state
    assert f'href="?{page.query.replace("&", "&amp;")}&amp;page=1"' in html
    assert "第 2 / 3 页" in html and "共 45 条" in html


def test_a_page_number_that_is_no_number_or_out_of_range_gives_a_normal_page():
    rows = list(range(45))
    for raw, expected in [("abc", 1), ("", 1), ("-1", 3), ("0", 3), ("99999", 3), ("99999999999999999999", 3),
                          ("1e309", 1), ("²", 1), ("2.5", 1)]:
        assert paginate(rf.get("/x/", {"page": raw}), rows).number == expected, raw


def test_one_page_has_no_pager_and_a_second_list_keeps_its_own_page_number():
    assert render_to_string("_pager.html", {"page": paginate(rf.get("/x/"), [1, 2])}).strip() == ""
    page = paginate(rf.get("/x/", {"page": "2", "spage": "3"}), list(range(100)), param="spage")
    assert page.number == 3 and page.prefix == "?page=2&spage="


def test_filtered_tells_a_search_from_an_untouched_list():
    assert not paginate(rf.get("/x/"), []).filtered
    assert not paginate(rf.get("/x/", {"page": "2", "q": "  ", "export": "xlsx"}), []).filtered
    assert paginate(rf.get("/x/", {"q": "浦江"}), []).filtered
    # the values the view applied: an unknown state was dropped, so the list is not "filtered"
    assert not paginate(rf.get("/x/", {"state": "bogus"}), [], filters={"state": ""}).filtered
    assert paginate(rf.get("/x/"), [], filters={"overdue": True}).filtered


def test_empty_state_says_why_or_that_nothing_matched():
    request = rf.get("/contracts/", {"q": "不存在"})
    nothing = render_to_string("_empty.html", {"page": paginate(rf.get("/contracts/"), []), "request": request,
                                               "empty": "还没有合同。", "action_url": "/new/", "action_label": "起草"})
    assert "还没有合同。" in nothing and 'href="/new/"' in nothing and "没有符合条件" not in nothing
    nomatch = render_to_string("_empty.html", {"page": paginate(request, []), "request": request,
                                               "empty": "还没有合同。", "nomatch": "没有符合条件的合同。"})
    assert "没有符合条件的合同。" in nomatch and "还没有合同" not in nomatch
    assert "清除查询条件" in nomatch and 'href="/contracts/"' in nomatch


def test_search_text_is_trimmed_and_cut_and_choice_drops_unknown_values():
    assert search_text(rf.get("/x/", {"q": "  浦江 "})) == "浦江"
    assert len(search_text(rf.get("/x/", {"q": "长" * 5000}))) == 100
    assert choice(rf.get("/x/", {"state": "signed"}), "state", [("signed", "已签订")]) == "signed"
    assert choice(rf.get("/x/", {"state": "__nonexistent__"}), "state", [("signed", "已签订")]) == ""
    assert choice(rf.get("/x/", {"d": "1"}), "d", ("1", "0")) == "1"


def test_district_filter_only_for_who_sees_several_districts(user):
    from domain.contracts.models import Contract

    assert len(district_options(user("officer_city"))) > 1  # city level: every district
    assert district_options(user("officer_pd"), Contract.objects.all(), "project__district") == []  # none yet
    assert district_options(user("ent_employer")) == []
