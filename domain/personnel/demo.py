"""Demo world for safety-management staff: person accounts (role ``applicant``, password as every demo account),
a C certificate application waiting at preliminary review, an issued A certificate, a C3 certificate extended
automatically, and an open human-help question. Idempotent (keyed on ID numbers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from domain.organisations.demo import DEMO_PASSWORD
from domain.organisations.models import Organisation, User
from domain.organisations.roles import Role

from . import procedures, services
from .models import Person, SafetyCertificate, TrainingRecord

DEMO_ORDER = 60
CONTRACTOR = "上海浦江建设集团有限公司"

#: username: (full name, ID number, phone) — every one employed by the demo contractor (Pudong).
PEOPLE = {
    "person_zhang": ("张伟", "310115198503121234", "13912345678"),  # clean: walks the whole path himself
    "person_li": ("李娜", "310115199007083325", "13812345679"),  # C2 application at preliminary review
    "person_wang": ("王强", "310115197811025514", "13712345670"),  # A issued; C3 extended automatically
}
PERSON_USERNAMES = tuple(PEOPLE)
DEMO_USERNAMES = PERSON_USERNAMES  # checked by the start-up refusal of demo passwords


def _person(username: str, contractor: Organisation) -> Person:
    full_name, id_number, phone = PEOPLE[username]
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
    person = services.ensure_person(name=full_name, id_number=id_number, phone=phone, user=user)
    services.employ(person=person, enterprise=contractor, started_on=dt.date(2021, 3, 1))
    return person


def _do(instance: Any, username: str, data: dict[str, Any]) -> Any:
    from processes import engine
    from tasks.selectors import items_of_instance

    item = next(i for i in items_of_instance(instance.pk) if i.status in ("open", "claimed"))
    return engine.complete_work_item(item.pk, data=data, acting_user=User.objects.get(username=username))


def _li_in_progress(person: Person, contractor: Organisation) -> None:
    if SafetyCertificate.objects.filter(person=person).exists():
        return
    user = person.user
    instance = procedures.start_certification(person=person, klass="C2", employer=contractor, acting_user=user,
                                              job_title="专职安全生产管理人员")
    instance = _do(instance, "ent_contractor", {"approved": True, "signer": "王建国", "opinion": "情况属实"})
    _do(instance, "officer_pd", {"approved": True, "opinion": "材料齐全，予以受理"})


def _wang_certificates(person: Person, contractor: Organisation) -> None:
    if SafetyCertificate.objects.filter(person=person).exists():
        return
    today = timezone.localdate()
    a = services.apply_for_certificate(person=person, klass="A", employer=contractor, job_title="安全总监")
    services.issue_certificate(certificate=a, issued_on=today - dt.timedelta(days=200))
    services.announce_result(certificate=a)
    # a C3 certificate issued almost 3 years ago: inside the extension window, with enough training hours
    c3 = services.apply_for_certificate(person=person, klass="C3", employer=contractor, job_title="安全部经理")
    services.issue_certificate(certificate=c3, issued_on=today.replace(year=today.year - 3) + dt.timedelta(days=45))
    services.announce_result(certificate=c3)
    for year in range(3):
        TrainingRecord.objects.create(person=person, course=f"安全生产管理人员继续教育（第{year + 1}年度）",
                                      hours=Decimal("16"), completed_on=today - dt.timedelta(days=100 + 300 * year))
    procedures.start_extension(certificate=SafetyCertificate.objects.get(pk=c3.pk), acting_user=person.user)


def _help_question() -> None:
    from .assistant.handoff import hand_off
    from .models import HelpRequest

    if not HelpRequest.objects.exists():
        hand_off(question="考核成绩有效期是多久？过期要重考吗？", user=User.objects.get(username="person_li"))


def load(out: Callable[[str], None]) -> None:
    contractor = Organisation.objects.get(name=CONTRACTOR)
    people = {u: _person(u, contractor) for u in PEOPLE}
    _li_in_progress(people["person_li"], contractor)
    _wang_certificates(people["person_wang"], contractor)
    _help_question()
    out(f"  安管人员：{len(people)} 名持证人（{'、'.join(PEOPLE)}），证书 {SafetyCertificate.objects.count()} 本")
