import pytest

from tests.domain.sites.factories import SiteFactory


@pytest.mark.django_db
def test_leader_sees_cockpit_with_site_panels(client, directory):
    SiteFactory()
    SiteFactory(drawn=True)
    client.login(username="leader", password="jianguan-demo")
    resp = client.get("/cockpit/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "一般类装饰装修工地（按区）" in body and "在册企业" in body
    panels = {p["title"]: p for p in resp.context["panels"]}
    assert panels["一般类装饰装修工地（按区）"]["labels"] == ["浦东新区"]
    assert panels["一般类装饰装修工地（按区）"]["values"] == [2]
    assert panels["本期随机抽中"]["value"] == 1


@pytest.mark.django_db
def test_enterprise_users_cannot_open_the_cockpit(client, directory):
    client.login(username="ent_contractor", password="jianguan-demo")
    resp = client.get("/cockpit/")
    assert resp.status_code == 403
    body = resp.content.decode()  # the Chinese 403 page, with the reason the check gave
    assert "您没有办理或查看此页面的权限" in body and "驾驶舱仅对主管部门开放。" in body
