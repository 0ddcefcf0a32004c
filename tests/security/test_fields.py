import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.template import Context, Template
from django.test.utils import isolate_apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents import services
from documents.models import Delivery
from security.fields import SensitiveStr, mask

ID = "310101199001011234"


@pytest.fixture
def delivery(certificate):
    return services.record_delivery(
        document=certificate,
        recipient_name="王建国",
        recipient_id_number=ID,
        recipient_phone="13812345678",
        method="direct",
        issue_receipt=False,
    )


def _raw_row(pk):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT recipient_id_number, recipient_id_number_bidx, recipient_phone FROM documents_delivery WHERE id = %s",
            [pk],
        )
        return cur.fetchone()


@pytest.mark.django_db
def test_raw_row_holds_no_plaintext(delivery):
    cipher, index, phone = _raw_row(delivery.pk)
    assert ID not in cipher and "1234" not in cipher
    assert "13812345678" not in phone
    assert len(index) == 64 and ID not in index


@pytest.mark.django_db
def test_exact_lookups_work_through_the_blind_index(delivery):
    assert Delivery.objects.get(recipient_id_number=ID) == delivery
    assert Delivery.objects.filter(recipient_id_number=f" {ID} ").count() == 1  # normalised
    assert Delivery.objects.filter(recipient_id_number__in=[ID, "x"]).count() == 1
    assert not Delivery.objects.filter(recipient_id_number="310101199001011235").exists()
    assert Delivery.objects.filter(document__deliveries__recipient_phone="13812345678").exists()
    with pytest.raises(FieldError):
        list(Delivery.objects.filter(recipient_id_number__startswith="310"))


@pytest.mark.django_db
def test_values_read_back_equal_but_display_masked(delivery):
    got = Delivery.objects.get(pk=delivery.pk)
    assert isinstance(got.recipient_id_number, SensitiveStr)
    assert got.recipient_id_number == ID and got.recipient_id_number.plain == ID
    assert str(got.recipient_id_number) == "310***********1234"
    assert f"{got.recipient_phone}" == "138****5678"
    html = Template("{{ d.recipient_id_number }}").render(Context({"d": got}))
    assert html == "310***********1234"


@pytest.mark.django_db
def test_changing_the_value_moves_the_index(delivery):
    delivery.recipient_id_number = "31010119900101123X"
    delivery.save()
    assert Delivery.objects.filter(recipient_id_number="31010119900101123x").exists()
    assert not Delivery.objects.filter(recipient_id_number=ID).exists()


def test_mask_shapes():
    assert mask("310101199001011234") == "310***********1234"
    assert mask("13812345678") == "138****5678"
    assert mask("1234") == "****"


@pytest.mark.django_db
def test_edit_form_round_trips_the_real_value_not_the_mask(delivery):
    from django.forms import modelform_factory

    form_class = modelform_factory(Delivery, fields=["recipient_name", "recipient_id_number", "recipient_phone", "method"])
    form = form_class(instance=Delivery.objects.get(pk=delivery.pk))
    assert ID in str(form["recipient_id_number"])
    data = {name: form[name].value() for name in form.fields}
    data = {k: (v.plain if isinstance(v, SensitiveStr) else v) for k, v in data.items()}
    bound = form_class(data, instance=Delivery.objects.get(pk=delivery.pk))
    assert bound.is_valid(), bound.errors
    assert not bound.has_changed()


@pytest.mark.django_db
def test_audit_trail_records_personal_data_masked(delivery):
    from security import audit

    got = Delivery.objects.get(pk=delivery.pk)
    event = audit.record(action="demo.pii", data={"id_number": got.recipient_id_number})
    assert event.data == {"id_number": "310***********1234"}


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_sm4_tokens_round_trip_any_text(text):
    from security import crypto

    token = crypto.sm4_encrypt(text.encode())
    assert crypto.sm4_decrypt(token).decode() == text
    assert mask(text) == mask(text) and len(mask(text)) == len(text)


@isolate_apps("documents")
def test_unique_moves_to_the_blind_index_and_companion_survives_deconstruction():
    from django.db import models

    from security.fields import BlindIndexField, EncryptedCharField

    class Person(models.Model):  # noqa: DJ008
        id_number = EncryptedCharField("身份证号码", max_length=18, unique=True)

        class Meta:
            app_label = "documents"

    field = Person._meta.get_field("id_number")
    companion = Person._meta.get_field("id_number_bidx")
    assert not field.unique and companion.unique and isinstance(companion, BlindIndexField)
    _, path, args, kwargs = field.deconstruct()
    assert kwargs["unique"] is True and EncryptedCharField(*args, **kwargs).unique_value
    _, _, _, ckwargs = companion.deconstruct()
    assert ckwargs == {"source": "id_number", "unique": True, "db_index": False}
