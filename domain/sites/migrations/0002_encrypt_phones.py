"""Phone numbers of permits and SMS notices become SM4-encrypted at rest (个人信息加密存储).

The column becomes text, then every stored plaintext number is encrypted in place (values that already decrypt are
left alone, so the migration can be re-run after a partial failure); reversing decrypts them back."""

import base64
import binascii

import security.fields
from django.db import migrations

from security import crypto

COLUMNS = [("sites_permit", "employer_phone"), ("sites_smsnotice", "phone")]


def _decrypted(value):
    try:
        return crypto.sm4_decrypt(base64.b64decode(value, validate=True)).decode()
    except (binascii.Error, ValueError, crypto.IntegrityError):
        return None


def _rewrite(schema_editor, convert):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in COLUMNS:
            cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)}")
            for pk, value in cursor.fetchall():
                new = convert(value) if value else None
                if new is not None and new != value:
                    cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", [new, pk])


def encrypt(apps, schema_editor):
    def convert(value):
        if _decrypted(value) is not None:
            return None  # already encrypted
        token = crypto.sm4_encrypt(value.encode(), purpose=security.fields.FIELD_PURPOSE)
        return base64.b64encode(token).decode("ascii")

    _rewrite(schema_editor, convert)


def decrypt(apps, schema_editor):
    _rewrite(schema_editor, _decrypted)


class Migration(migrations.Migration):

    dependencies = [
        ('sites', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='permit',
            name='employer_phone',
            field=security.fields.EncryptedCharField(blind_index=False, max_length=20, verbose_name='建设单位联系电话'),
        ),
        migrations.AlterField(
            model_name='smsnotice',
            name='phone',
            field=security.fields.EncryptedCharField(blind_index=False, max_length=20, verbose_name='手机号码'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
