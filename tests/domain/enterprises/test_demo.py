"""The demo world of this context loads through the real procedures and is idempotent."""

from __future__ import annotations

from domain.enterprises import demo
from domain.enterprises.models import (
    CaseState,
    CheckCase,
    LicenceState,
    RevocationCase,
    RevocationState,
    SafetyLicence,
)
from domain.organisations.models import User
from tasks.selectors import inbox_for, items_of_instance


def test_demo_loads_a_living_world_once(directory, publish_models):
    publish_models("qualification_dynamic_check", "revocation")
    demo.load(lambda _msg: None)
    demo.load(lambda _msg: None)
    assert CheckCase.objects.count() == 2
    returned = CheckCase.objects.get(enterprise=User.objects.get(username="ent_contractor").organisation)
    assert returned.state == CaseState.RETURNED
    revocation = RevocationCase.objects.get()
    assert revocation.state == RevocationState.LEGAL_REVIEW
    open_items = [
        i for i in items_of_instance(revocation.process_instance_id) if i.status in ("open", "claimed")
    ]
    assert [i.element_id for i in open_items] == ["l_accept"]
    legal = User.objects.get(username="legal_city")
    assert open_items[0].pk in {i.pk for i in inbox_for(legal, scope="todo")}
    assert SafetyLicence.objects.filter(state=LicenceState.SUSPENDED).count() == 1
