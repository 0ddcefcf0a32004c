"""Encrypted model fields for personal data (个人信息字段加密, GB/T 39786 application layer item e).

``EncryptedCharField`` stores SM4-GCM ciphertext (base64) and maintains a companion **blind index** column
``<name>_bidx`` = HMAC-SM3 of the normalised value, so exact-match queries keep working::

    class Person(models.Model):
        id_number = EncryptedCharField("身份证号", max_length=18)

    Person.objects.filter(id_number="310101199001011234")          # compiled to a lookup on id_number_bidx
    Person.objects.filter(id_number__in=[a, b])
    person.id_number            # SensitiveStr: == the real value, but str()/templates/DRF show 310***********1234
    person.id_number.plain      # the real value, for the few places that need it (a PDF, an outbound call)

``unique=True`` puts a unique constraint on the index column (the database enforces it; check with
``filter(...).exists()`` first for a friendly message). Only ``exact``, ``in`` and ``isnull`` lookups exist (anything else raises ``FieldError``). The companion column is
added automatically (``makemigrations`` writes it); ``save(update_fields=[...])`` must name both columns, and
never ``QuerySet.update()`` an encrypted field: it would leave the index stale.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core import validators
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup
from django.db.models.signals import class_prepared
from django.utils.html import escape

from . import crypto

BLIND_INDEX_PURPOSE = "blind-index"
FIELD_PURPOSE = "field"


def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """``310101199001011234`` → ``310***********1234``; ``13812345678`` → ``138****5678``."""
    n = len(value)
    if n <= keep_end:
        return "*" * n
    if n <= keep_start + keep_end:
        keep_start = max(0, n - keep_end - 2)
    return value[:keep_start] + "*" * (n - keep_start - keep_end) + value[n - keep_end :]


_LONG_NUMBER = re.compile(r"\d{7,}[0-9Xx]?")


def mask_numbers(text: str) -> str:
    """Free text with every run of 7 or more digits masked: a phone or ID number an outside system echoed in an
    error message stays out of the audit trail (``号码 13812345678 无效`` → ``号码 138****5678 无效``)."""
    return _LONG_NUMBER.sub(lambda m: mask(m.group(0)), text)


class SensitiveStr(str):
    """A decrypted value: equal to, hashing and slicing as the real string, but displayed masked (str(),
    f-strings, ``%s``, templates, DRF, repr). ``.plain`` is the real value."""

    __slots__ = ()

    @property
    def plain(self) -> str:
        return str.__str__(self)

    @property
    def masked(self) -> str:
        return mask(self.plain)

    def __str__(self) -> str:
        return self.masked

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __repr__(self) -> str:
        return repr(self.masked)

    def __html__(self) -> str:
        return str(escape(self.masked))

    def __reduce__(self) -> tuple[Any, ...]:
        return (SensitiveStr, (self.plain,))


def plain(value: Any) -> str:
    """The real value of a :class:`SensitiveStr` (or any string)."""
    return value.plain if isinstance(value, SensitiveStr) else ("" if value is None else str.__str__(value))


class PlainCharField(forms.CharField):
    """Edit forms show the real value (a masked one would be saved back over the data)."""

    def prepare_value(self, value: Any) -> Any:
        return plain(value) if isinstance(value, SensitiveStr) else value


def _default_normalise(value: str) -> str:
    return value.strip().upper()


class BlindIndexField(models.CharField):
    """HMAC-SM3 of the source field's normalised value; filled on save, never edited by hand."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    _DEFAULTS = {"max_length": 64, "null": True, "blank": True, "editable": False, "db_index": True}

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in self._DEFAULTS.items():
            value = getattr(self, key)
            if value == default:
                kwargs.pop(key, None)
            else:
                kwargs[key] = value
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        source: Any = model_instance._meta.get_field(self.source)
        value = getattr(model_instance, source.attname)
        index = source.blind_index(value) if value else None
        setattr(model_instance, self.attname, index)
        return index


class EncryptedCharField(models.TextField):
    """SM4-encrypted text with a blind index for exact lookups; ``max_length`` limits the plaintext."""

    def __init__(
        self,
        *args: Any,
        blind_index: bool = True,
        index_domain: str = "pii",
        normalise: Callable[[str], str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.has_blind_index = blind_index
        self.index_domain = index_domain
        self.normalise = normalise or _default_normalise
        # ciphertexts are randomised, so uniqueness lives on the blind index column
        self.unique_value = bool(kwargs.pop("unique", False)) and blind_index
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if not self.has_blind_index:
            kwargs["blind_index"] = False
        if self.unique_value:
            kwargs["unique"] = True
        if self.index_domain != "pii":
            kwargs["index_domain"] = self.index_domain
        return name, path, args, kwargs

    @property
    def blind_index_name(self) -> str:
        return f"{self.name}_bidx"

    def blind_index(self, value: Any) -> str:
        text = self.normalise(plain(value))
        return crypto.hmac_sm3(BLIND_INDEX_PURPOSE, f"{self.index_domain}\x00{text}")

    # -- conversion ----------------------------------------------------------------------------------------
    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        token = crypto.sm4_encrypt(plain(value).encode(), purpose=FIELD_PURPOSE)
        return base64.b64encode(token).decode("ascii")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return SensitiveStr(crypto.sm4_decrypt(base64.b64decode(value)).decode())

    def to_python(self, value: Any) -> Any:
        if isinstance(value, SensitiveStr) or value is None:
            return value
        return SensitiveStr(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        return plain(self.value_from_object(obj))

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": PlainCharField, "widget": forms.TextInput, **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        return {"exact": _BlindExact, "in": _BlindIn, "isnull": models.lookups.IsNull}.get(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedTextField(EncryptedCharField):
    """SM4-encrypted text that is never looked up by value and reads back as a plain ``str``: a whole document
    that holds personal data somewhere inside, such as a process instance's serialized state (its variables
    include what enterprises typed into forms). No blind index, no lookups; key rotation covers it like every
    encrypted field (``security.rekey``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["blind_index"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("blind_index", None)
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.sm4_decrypt(base64.b64decode(value)).decode()

    def to_python(self, value: Any) -> Any:
        return value if value is None else plain(value)

    def formfield(self, **kwargs: Any) -> Any:
        return models.TextField.formfield(self, **kwargs)

    def get_lookup(self, lookup_name: str) -> Any:
        return {"isnull": models.lookups.IsNull}.get(lookup_name)


class _BlindLookup(Lookup):
    prepare_rhs = False

    def _index_column(self, compiler: Any) -> tuple[str, list[Any], EncryptedCharField]:
        field = self.lhs.target
        if not isinstance(field, EncryptedCharField) or not field.has_blind_index:
            raise TypeError("该加密字段没有盲索引，不能按值查询。")
        companion: Any = field.model._meta.get_field(field.blind_index_name)
        sql, params = compiler.compile(Col(self.lhs.alias, companion))
        return sql, list(params), field


class _BlindExact(_BlindLookup):
    lookup_name = "exact"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        sql, params, field = self._index_column(compiler)
        return f"{sql} = %s", [*params, field.blind_index(self.rhs)]


class _BlindIn(_BlindLookup):
    lookup_name = "in"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        sql, params, field = self._index_column(compiler)
        values = [field.blind_index(v) for v in self.rhs if v not in (None, "")]
        if not values:
            return "1 = 0", []
        return f"{sql} IN ({', '.join(['%s'] * len(values))})", [*params, *values]


def _add_blind_indexes(sender: type[models.Model], **kwargs: Any) -> None:
    """Give each encrypted field its companion index column, unless the model (a migration state) declares it."""
    opts = sender._meta
    present = {f.name for f in opts.local_fields}
    for field in list(opts.local_fields):
        if isinstance(field, EncryptedCharField) and field.has_blind_index and field.blind_index_name not in present:
            unique = {"unique": True, "db_index": False} if field.unique_value else {}
            sender.add_to_class(field.blind_index_name, BlindIndexField(source=field.name, **unique))


class_prepared.connect(_add_blind_indexes, dispatch_uid="security.fields.blind_indexes")
