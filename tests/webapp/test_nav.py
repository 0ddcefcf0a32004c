import pytest

from webapp.nav import items_for


@pytest.mark.django_db
def test_navigation_is_by_role_and_grouped_by_area(directory, user):
    officer = {i["label"]: i for i in items_for(user("officer_pd"))}
    assert "工地" in officer
    assert [c["label"] for c in officer["工地"]["children"]] == ["工地与项目", "随机抽查"]
    enterprise = {i["label"]: i for i in items_for(user("ent_contractor"))}
    flat = {c["label"] for i in enterprise.values() for c in i.get("children", [i])}
    assert "随机抽查" not in flat and "驾驶舱" not in flat  # officer / leader pages stay hidden
    leader = {c["label"] for i in items_for(user("leader")) for c in i.get("children", [i])}
    assert "驾驶舱" in leader


@pytest.mark.django_db
def test_current_page_is_marked_active(client, directory):
    client.login(username="officer_pd", password="jianguan-demo")
    nav = client.get("/sites/draws/").context["nav_items"]
    group = next(i for i in nav if i["label"] == "工地")
    assert group["active"] and [c["label"] for c in group["children"] if c["active"]] == ["随机抽查"]
