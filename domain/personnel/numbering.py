"""National certificate numbers (证书编号): province + 建安 + class + (year) + 7-digit serial, e.g.
沪建安C1(2026)0000001. A counter row per prefix and year is locked with SELECT … FOR UPDATE, so concurrent
issuances get consecutive numbers with no gap and no duplicate."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from .models import CertificateNumberCounter

PROVINCE = "沪"
NUMBER_RE = re.compile(r"^(?P<prov>[\u4e00-\u9fff])建安(?P<klass>A|B|C1|C2|C3)\((?P<year>\d{4})\)(?P<serial>\d{7})$")


def prefix_for(klass: str) -> str:
    return f"{PROVINCE}建安{klass}"


def format_number(klass: str, year: int, serial: int) -> str:
    return f"{prefix_for(klass)}({year}){serial:07d}"


def allocate_number(klass: str, year: int) -> str:
    """The next number for ``klass`` in ``year``; must run inside the issuing transaction so a rollback
    returns the serial (no gap)."""
    prefix = prefix_for(klass)
    with transaction.atomic():
        counter = CertificateNumberCounter.objects.select_for_update().filter(prefix=prefix, year=year).first()
        if counter is None:
            try:
                with transaction.atomic():
                    CertificateNumberCounter.objects.create(prefix=prefix, year=year, last_serial=0)
            except IntegrityError:
                pass  # another transaction created it first; lock theirs
            counter = CertificateNumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
        counter.last_serial += 1
        counter.save(update_fields=["last_serial"])
        return format_number(klass, year, counter.last_serial)
