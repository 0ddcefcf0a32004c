"""Process instances' serialized state becomes SM4-encrypted at rest (个人信息加密存储).

The state holds every process variable, including what parties typed into forms (a contact phone, for one). The
column stays text; every stored plaintext state is encrypted in place, a batch of rows at a time (values that
already decrypt are left alone, so the migration can be re-run after a partial failure); reversing decrypts them
back."""

import base64
import binascii

import security.fields
from django.db import migrations

from security import crypto

TABLE, COLUMN = "processes_processinstance", "state"
BATCH = 200


def _decrypted(value):
    try:
        return crypto.sm4_decrypt(base64.b64decode(value, validate=True)).decode()
    except (binascii.Error, ValueError, crypto.IntegrityError):
        return None


def _rewrite(schema_editor, convert):
    connection = schema_editor.connection
    table, column = connection.ops.quote_name(TABLE), connection.ops.quote_name(COLUMN)
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                return
            for pk, value in rows:
                new = convert(value) if value else None
                if new is not None and new != value:
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [new, pk])
            last = rows[-1][0]


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
        ('processes', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='processinstance',
            name='state',
            field=security.fields.EncryptedTextField(default='', verbose_name='流程状态'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
