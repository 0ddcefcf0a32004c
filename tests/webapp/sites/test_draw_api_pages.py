"""Draws through the API and pages: who may start them, public verification, scoped project query."""

import io
import json

import pytest
from django.contrib.auth.models import Group

from domain.organisations.models import District, User
from tests.domain.sites.factories import SiteFactory


@pytest.fixture
def pudong_sites(directory):
    group = Group.objects.get(name="inspector")
    for i in range(3):
        User.objects.create(username=f"ai{i}", organisation=directory["310115"]).groups.add(group)
    return [SiteFactory() for _ in range(10)]


@pytest.mark.django_db(transaction=True)
def test_district_officer_starts_a_draw_and_anyone_can_verify_it(api, client, pudong_sites):
    resp = api("officer_pd").post(
        "/api/sites/draws/", {"district_code": "310115", "round_key": "2026-11", "proportion": "0.2"}, format="json"
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert len(body["selected"]) == 2 and body["seed"]
    again = api("officer_pd").post("/api/sites/draws/", {"district_code": "310115", "round_key": "2026-11"}, format="json")
    assert again.status_code == 200 and again.json()["selected"] == body["selected"]

    public = client.get(f"/api/sites/draws/{body['id']}/record/")  # no login needed
    assert public.status_code == 200 and public.json()["commitment"] == body["commitment"]
    page = client.get(f"/sites/draws/{body['id']}/").content.decode()
    assert "验证通过" in page and body["commitment"] in page
    record = client.get(f"/sites/draws/{body['id']}/record.json").content
    upload = io.BytesIO(record)
    upload.name = "record.json"
    assert "验证通过" in client.post("/sites/draws/verify/", {"record": upload}).content.decode()
    tampered = json.loads(record)
    tampered["selected"] = tampered["selected"][:1]
    bad = io.BytesIO(json.dumps(tampered).encode())
    bad.name = "record.json"
    assert "不一致" in client.post("/sites/draws/verify/", {"record": bad}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "payload", "status"),
    [
        ("officer_hp", {"district_code": "310115", "round_key": "2026-11"}, 403),  # another district
        ("ent_contractor", {"district_code": "310115", "round_key": "2026-11"}, 403),  # not an officer
        ("officer_pd", {"district_code": "310115", "round_key": "November"}, 400),
        ("officer_pd", {"district_code": "310115", "round_key": "2026-11", "proportion": "abc"}, 400),
        ("officer_pd", {"district_code": "310115", "round_key": "2026-11", "proportion": "2"}, 400),
        ("officer_city", {"district_code": "999999", "round_key": "2026-11"}, 400),
        # NaN does not compare: the range check raised InvalidOperation (a 500)
        ("officer_pd", {"district_code": "310115", "round_key": "2026-11", "proportion": "NaN"}, 400),
        ("officer_pd", {"district_code": "310115", "round_key": "2026-11", "proportion": "sNaN"}, 400),
    ],
)
def test_bad_draw_requests_are_refused_with_4xx(api, pudong_sites, username, payload, status):
    resp = api(username).post("/api/sites/draws/", payload, format="json")
    assert resp.status_code == status, resp.content
    assert "detail" in resp.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("round_key", "proportion", "message"), [
    ("2026-11" + "x" * 5000, "0.1", "轮次格式应为 YYYY-MM"),  # longer than the column: a 500 on PostgreSQL
    ("../../etc", "0.1", "轮次格式应为 YYYY-MM"),  # the page took any text as a round
    ("2026-11", "NaN", "抽取比例应大于0且不超过1"),
])
def test_bad_draw_on_the_page_is_a_400_and_draws_nothing(client, pudong_sites, round_key, proportion, message):
    from domain.sites.models import DrawRound

    client.force_login(User.objects.get(username="officer_pd"))
    resp = client.post("/sites/draws/", {"district_code": "310115", "round_key": round_key, "proportion": proportion})
    assert resp.status_code == 400 and message in resp.content.decode()
    assert not DrawRound.objects.exists()


@pytest.mark.django_db
def test_a_draw_posted_by_someone_who_may_not_start_one_is_a_403_on_the_list(client, pudong_sites):
    from domain.sites.models import DrawRound

    client.force_login(User.objects.get(username="reviewer_pd"))
    resp = client.post("/sites/draws/", {"district_code": "310115", "round_key": "2026-11", "proportion": "0.1"})
    body = resp.content.decode()
    assert resp.status_code == 403 and "未能发起抽查：只有经办人可以发起随机抽查。" in body and "随机抽查" in body
    assert not DrawRound.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_no_draw_record_is_a_400_on_the_verify_page(client):
    """Any upload the verifier cannot read (an int seed, a proportion that is no number, JSON nested 100,000 deep,
    not UTF-8, no file) is refused with a 400 and the message; these were 500s."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from domain.sites import draw

    seed, population = "ab" * 32, [{"permit_number": "P1"}, {"permit_number": "P2"}]
    record = {"seed": seed, "commitment": draw.commitment_for(seed), "population": population,
              "population_digest": draw.population_digest(population), "proportion": "0.5", "inspector_pool": [],
              "exclusions": {}, "inspectors_per_site": 2, "selected": [], "assignments": {}}
    bodies = [json.dumps({**record, "seed": 5}).encode(), json.dumps({**record, "proportion": "abc"}).encode(),
              json.dumps({**record, "proportion": "1e999999"}).encode(), b"[" * 100000 + b"]" * 100000,
              b"\xff\xfe", b"[1, 2]", json.dumps({"seed": seed}).encode()]
    for body in bodies:
        resp = client.post("/sites/draws/verify/", {"record": SimpleUploadedFile("r.json", body)})
        assert resp.status_code == 400 and "文件无法验证" in resp.content.decode(), body[:40]
    resp = client.post("/sites/draws/verify/", {})
    assert resp.status_code == 400 and "请选择要验证的抽查记录文件" in resp.content.decode()


@pytest.mark.django_db
def test_project_query_is_scoped_and_shows_the_flag(api, directory):
    pd = SiteFactory()
    hp = SiteFactory(permit__district=District.objects.get(pk="310101"), permit__employer_credit_code="X" * 18,
                     permit__contractor_credit_code="Y" * 18)
    ids = lambda u: {s["id"] for s in api(u).get("/api/sites/").json()["results"]}  # noqa: E731
    assert ids("officer_pd") == {pd.pk}
    assert ids("officer_hp") == {hp.pk}
    assert ids("officer_city") == {pd.pk, hp.pk}
    assert ids("ent_contractor") == {pd.pk}  # contractor of the Pudong site only
    assert ids("ent_lessor") == set()
    row = api("officer_pd").get("/api/sites/?general_decoration=true").json()["results"][0]
    assert row["is_general_decoration"] is True


@pytest.mark.django_db
def test_site_pages(client, directory):
    site = SiteFactory()
    client.login(username="officer_pd", password="jianguan-demo")
    listing = client.get("/sites/?q=" + site.permit.permit_number).content.decode()
    assert site.name in listing and "一般类装饰装修" in listing
    assert site.permit.permit_number in client.get(f"/sites/{site.pk}/").content.decode()
    client.logout()
    client.login(username="officer_hp", password="jianguan-demo")
    assert client.get(f"/sites/{site.pk}/").status_code == 404
