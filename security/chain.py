"""The audit hash chain (审计日志完整性): each event's HMAC-SM3 covers its content and the previous event's MAC.

Appending moves the single chain-head row forward with a compare-and-swap ``UPDATE … WHERE seq = … AND mac = …``
against the head this connection last wrote (two statements per append: the swap and the insert). The swap takes
the row lock, so concurrent transactions append one after another and the chain never forks; when the guess is
stale (another process appended, or this connection's transaction rolled back) the swap matches nothing and the
head is read under ``SELECT … FOR UPDATE`` instead. :func:`append_many` links several events under one swap and
one multi-row insert (the engine's events of one step).

:func:`verify_chain` walks the events in order and reports the first broken link: a changed event (MAC mismatch),
a removed one (gap in ``seq``), a re-linked one (``prev_mac`` not the previous MAC) or a cut tail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction

from domain.db import insert_rows, update_row

from .crypto import constant_time_equal, hmac_sm3, key_id_for
from .models import AuditChainHead, AuditEvent

PURPOSE = "audit"
GENESIS = "0" * 64


def canonical(event: AuditEvent) -> bytes:
    body: dict[str, Any] = {
        "seq": event.seq,
        "prev": event.prev_mac,
        "at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "on_behalf_of": event.on_behalf_of_id,
        "action": event.action,
        "subject_type": event.subject_type_id,
        "subject_id": event.subject_id,
        "subject_repr": event.subject_repr,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "data": event.data,
        "request_id": event.request_id,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


# The head this connection wrote last: (seq, stored mac). Only a guess, checked by the compare-and-swap.
_HINT = "_jianguan_audit_head"


def _link(events: list[AuditEvent], seq: int, mac: str) -> tuple[int, str]:
    key_id = key_id_for(PURPOSE)
    prev = mac or GENESIS
    for event in events:
        seq += 1
        event.seq, event.prev_mac, event.key_id = seq, prev, key_id
        event.mac = prev = hmac_sm3(key_id, canonical(event))
    return seq, prev


def _swap(connection: Any, events: list[AuditEvent]) -> tuple[int, str]:
    """Link ``events`` after the current head and move the head past them (holding its row lock after)."""
    guess = getattr(connection, _HINT, None)
    if guess is not None:
        seq, mac = guess
        new_seq, new_mac = _link(events, seq, mac)
        if update_row(AuditChainHead, 1, {"seq": new_seq, "mac": new_mac}, expect={"seq": seq, "mac": mac}) == 1:
            return new_seq, new_mac
    head = _locked_head()
    new_seq, new_mac = _link(events, head.seq, head.mac)
    AuditChainHead.objects.filter(pk=1).update(seq=new_seq, mac=new_mac)
    return new_seq, new_mac


def append(event: AuditEvent) -> AuditEvent:
    """Link ``event`` to the chain and save it (inside the caller's transaction)."""
    append_many([event])
    return event


def append_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Link ``events`` to the chain in order and save them (inside the caller's transaction)."""
    if not events:
        return events
    connection = transaction.get_connection()
    # PostgreSQL aborts the whole transaction on any error, so a failed insert can never leave the head moved
    # without its events; other databases carry on after an error, so there a savepoint keeps the two together.
    with transaction.atomic(savepoint=connection.vendor != "postgresql"):
        head = _swap(connection, events)
        if len(events) == 1:
            events[0].save()
        else:
            insert_rows(events)
    setattr(connection, _HINT, head)
    return events


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_event_id: int | None = None
    reason: str = ""
    unchained: int = 0

    def message(self) -> str:
        if self.ok:
            extra = f"（另有 {self.unchained} 条链启用前的记录未入链）" if self.unchained else ""
            return f"审计链完整：已校验 {self.checked} 条记录。{extra}"
        where = f"第 {self.broken_seq} 号" + (f"（记录 id {self.broken_event_id}）" if self.broken_event_id else "")
        return f"审计链断裂：{where}{self.reason}"


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk the whole chain; stop at the first broken link."""
    expected_seq, prev = 1, GENESIS
    checked = 0
    events = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, None, "记录缺失（可能被直接从数据库删除）。")
        if not constant_time_equal(event.prev_mac, prev):
            return ChainReport(False, checked, event.seq, event.pk, "与前一条记录的链接不符（记录被删除或重排）。")
        try:
            mac = hmac_sm3(event.key_id, canonical(event))
        except LookupError:
            return ChainReport(False, checked, event.seq, event.pk, f"签名密钥 {event.key_id} 不存在。")
        if not constant_time_equal(mac, event.mac):
            return ChainReport(False, checked, event.seq, event.pk, "内容与校验码不符（记录被篡改）。")
        prev, expected_seq = event.mac, expected_seq + 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return ChainReport(False, checked, checked + 1, None, "链尾记录缺失（最新记录被删除）。")
    if head is not None and not constant_time_equal(head.mac or GENESIS, prev):
        return ChainReport(False, checked, head.seq, None, "链头与最后一条记录不符。")
    unchained = AuditEvent.objects.filter(seq__isnull=True).count()
    return ChainReport(True, checked, unchained=unchained)
