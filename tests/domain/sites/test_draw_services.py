"""Draw services: commitment before reveal, idempotent rounds, immutable records, SMS only after commit."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from domain.organisations.models import District, User
from domain.sites import draw, services
from domain.sites.models import (
    DrawRound,
    DrawRoundState,
    ImmutableRecordError,
    InspectorConflict,
    SiteState,
    SmsNotice,
    SmsStatus,
)
from integrations.models import OutboxMessage

from .factories import SiteFactory


@pytest.fixture
def pudong(directory):
    pd = District.objects.get(pk="310115")
    regulator = directory["310115"]
    regulator.contact_phone = "021-58788888"
    regulator.save()
    inspectors = Group.objects.get(name="inspector")
    for i in range(4):
        u = User.objects.create(username=f"insp_pd_{i}", organisation=regulator, full_name=f"检查员{i}")
        u.groups.add(inspectors)
    return pd


@pytest.mark.django_db(transaction=True)
def test_commit_then_reveal_draws_the_proportion_and_notifies(pudong, user):
    sites = [SiteFactory() for _ in range(12)]
    SiteFactory(district=District.objects.get(pk="310101"))  # another district: not in this population
    done = SiteFactory()
    done.start_process_supervision  # noqa: B018 - the transition exists
    from domain.sites.models import Site

    Site.objects.filter(pk=done.pk).update(state=SiteState.COMPLETED)  # past completion: not eligible

    record, created = services.commit_draw(district=pudong, round_key="2026-11", proportion=Decimal("0.25"))
    assert created and record.state == DrawRoundState.COMMITTED
    assert record.commitment == draw.commitment_for(record.seed)
    assert len(record.population) == 12
    assert services.public_record(record)["seed"] is None  # not revealed before the draw

    record = services.reveal_draw(record=record, acting_user=user("officer_pd"))
    assert record.state == DrawRoundState.COMPLETED and len(record.selected) == 3
    drawn = Site.objects.filter(drawn=True)
    assert {s.permit.permit_number for s in drawn} == set(record.selected)
    assert all(s.supervision_team.count() == 2 for s in drawn)
    assert {s.pk for s in drawn} <= {s.pk for s in sites}
    notices = SmsNotice.objects.filter(draw_round=record)
    assert notices.count() == 6  # district contact + employer contact per drawn site
    assert set(notices.values_list("status", flat=True)) == {SmsStatus.DELIVERED}
    assert draw.verify_record(services.public_record(record))[0]


@pytest.mark.django_db(transaction=True)
def test_rerunning_a_round_is_a_no_op(pudong):
    for _ in range(5):
        SiteFactory()
    first, created = services.commit_draw(district=pudong, round_key="2026-12")
    first = services.reveal_draw(record=first)
    again, created_again = services.commit_draw(district=pudong, round_key="2026-12")
    again = services.reveal_draw(record=again)
    assert created and not created_again
    assert again.pk == first.pk and again.selected == first.selected and again.seed == first.seed
    assert SmsNotice.objects.count() == 2 * len(first.selected)


@pytest.mark.django_db(transaction=True)
def test_completed_draw_records_are_immutable(pudong):
    SiteFactory()
    record, _ = services.commit_draw(district=pudong, round_key="2027-01")
    record = services.reveal_draw(record=record)
    record.selected = []
    with pytest.raises(ImmutableRecordError):
        record.save()
    with pytest.raises(ImmutableRecordError):
        record.delete()
    assert DrawRound.objects.get(pk=record.pk).selected != []


@pytest.mark.django_db(transaction=True)
def test_no_sms_when_the_draw_transaction_rolls_back(pudong):
    SiteFactory()
    record, _ = services.commit_draw(district=pudong, round_key="2027-02", proportion=Decimal("1"))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.reveal_draw(record=record)
        raise RuntimeError("something later in the same operation failed")
    assert not SmsNotice.objects.exists() and not OutboxMessage.objects.filter(channel="sms.send").exists()
    assert DrawRound.objects.get(pk=record.pk).state == DrawRoundState.COMMITTED


@pytest.mark.django_db(transaction=True)
def test_declared_conflicts_exclude_inspectors(pudong):
    site = SiteFactory()
    for username in ("insp_pd_0", "insp_pd_1"):
        InspectorConflict.objects.create(
            inspector=User.objects.get(username=username), credit_code=site.permit.employer_credit_code, reason="近亲属任职"
        )
    record, _ = services.commit_draw(district=pudong, round_key="2027-03", proportion=Decimal("1"))
    record = services.reveal_draw(record=record)
    team = set(record.assignments[site.permit.permit_number])
    assert team.isdisjoint({"insp_pd_0", "insp_pd_1"}) and len(team) == 2


@pytest.mark.django_db
def test_bad_proportion_is_refused(pudong):
    from domain.errors import ProcedureError

    with pytest.raises(ProcedureError):
        services.commit_draw(district=pudong, round_key="2027-04", proportion=Decimal("1.5"))
