import pytest
from django.db import connection

from flows.integrity import integrity_check
from security import audit
from security.models import AuditEvent


@pytest.mark.django_db
def test_nightly_check_passes_on_an_intact_trail_and_fails_on_tampering(directory):
    audit.record(action="demo.one", summary="一")
    audit.record(action="demo.two", summary="二")
    assert integrity_check.fn()["audit_chain_ok"] is True
    target = AuditEvent.objects.order_by("id").first()
    with connection.cursor() as cur:  # a change made behind the application's back
        cur.execute("UPDATE security_auditevent SET summary = %s WHERE id = %s", ["篡改", target.pk])
    with pytest.raises(RuntimeError, match="完整性校验失败"):
        integrity_check.fn()
