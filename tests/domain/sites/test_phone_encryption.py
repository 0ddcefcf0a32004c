"""Permit and SMS-notice phone numbers are personal data: SM4-encrypted at rest, shown masked."""

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from domain.organisations.districts import ensure_reference_data
from domain.sites.models import Permit
from security import crypto

from .factories import PermitFactory


def _stored(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT employer_phone FROM sites_permit WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_permit_phone_is_ciphertext_in_the_database_and_masked_on_display():
    permit = PermitFactory(employer_phone="13912345678")
    stored = _stored(permit.pk)
    assert "13912345678" not in stored
    assert crypto.sm4_decrypt(base64.b64decode(stored)).decode() == "13912345678"
    fresh = Permit.objects.get(pk=permit.pk)
    assert fresh.employer_phone == "13912345678" and fresh.employer_phone.plain == "13912345678"
    assert str(fresh.employer_phone) == "139****5678"


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_numbers_stored_in_plaintext_and_reverses():
    ensure_reference_data()
    executor = MigrationExecutor(connection)
    executor.migrate([("sites", "0001_initial")])
    old = executor.loader.project_state([("sites", "0001_initial")]).apps.get_model("sites", "Permit")
    row = old.objects.create(
        permit_number="310115202699000001", project_name="旧数据工程", district_id="310115", address="张杨路1号",
        employer_name="甲", employer_credit_code="x", employer_contact="杨帆", employer_phone="13912345678",
        contractor_name="乙", contractor_credit_code="y", contract_amount=Decimal("1"), floor_area=Decimal("1"),
        works_description="装修", issued_on=dt.date(2026, 11, 1), payload_digest="0" * 64,
    )
    assert _stored(row.pk) == "13912345678"
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("sites", "0002_encrypt_phones")])
        assert _stored(row.pk) != "13912345678"
        assert Permit.objects.get(pk=row.pk).employer_phone.plain == "13912345678"

        executor = MigrationExecutor(connection)
        executor.migrate([("sites", "0001_initial")])
        assert _stored(row.pk) == "13912345678"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
