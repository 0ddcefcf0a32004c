"""The demo world: the lessor's cranes in three states, loaded twice without change."""

from __future__ import annotations

import pytest

from domain.machinery import demo
from domain.machinery.models import FilingState, Machine, MachineState, PropertyFiling, RegistrationState
from tasks.models import WorkItem

pytestmark = pytest.mark.django_db


def test_demo_loads_the_lessors_cranes_idempotently(machinery, platform):
    demo.load(lambda _m: None)
    demo.load(lambda _m: None)
    states = sorted(Machine.objects.values_list("state", flat=True))
    assert states == sorted([MachineState.FILED, MachineState.REGISTERED_IN_USE, MachineState.DRAFT])
    in_use = Machine.objects.get(state=MachineState.REGISTERED_IN_USE)
    registration = in_use.registrations.get()
    assert registration.state == RegistrationState.APPROVED and registration.certificate.signatures.exists()
    waiting = PropertyFiling.objects.get(state=FilingState.SUBMITTED)
    assert WorkItem.objects.filter(instance_id=waiting.process_instance_id, element_id="officer_review").exists()
