"""A local finance cloud that speaks the real contract: used by tests (in process or over HTTP on 127.0.0.1) and
by the embedded default. ``down`` answers 503 to everything; ``fail_next`` answers 500 that many times."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from typing import Any

from integrations.simulation import serve  # noqa: F401 - re-exported: ``serve(simulator)`` for tests

from .signing import signature

REQUIRED = {
    "/v1/projects": ("project_code", "project_name", "district_code", "funding_type"),
    "/v1/awards": ("tender_reference", "project_code", "winner_credit_code", "price"),
    "/v1/contracts": ("contract_number", "project_code", "employer_credit_code", "contractor_credit_code", "price"),
}
MAX_SKEW = 300


class FinanceCloudSimulator:
    def __init__(self, *, app_id: str, secret: str):
        self.app_id = app_id
        self.secret = secret
        self.down = False
        self.fail_next = 0
        self.records: dict[str, dict[str, Any]] = {}  # idempotency key → {"path", "digest", "body", "receipt_no"}
        self.requests = 0
        self._lock = threading.Lock()

    def received(self, path: str) -> list[dict[str, Any]]:
        return [r["body"] for r in self.records.values() if r["path"] == path]

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests += 1
            if self.down:
                return 503, {"error": "finance cloud unavailable"}
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"error": "internal error"}
        h = {k.lower(): v for k, v in headers.items()}
        key = h.get("idempotency-key", "")
        expected = signature(self.secret, app_id=h.get("x-app-id", ""), timestamp=h.get("x-timestamp", ""),
                             nonce=h.get("x-nonce", ""), idempotency_key=key, method=method, path=path, body=body)
        if h.get("x-app-id") != self.app_id or not hmac.compare_digest(expected, h.get("x-signature", "")):
            return 401, {"error": "bad signature"}
        try:
            if abs(time.time() - int(h.get("x-timestamp", "0"))) > MAX_SKEW:
                return 401, {"error": "stale timestamp"}
        except ValueError:
            return 401, {"error": "bad timestamp"}
        if method != "POST" or path not in REQUIRED:
            return 404, {"error": "not found"}
        if not key:
            return 400, {"error": "Idempotency-Key header required"}
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return 400, {"error": "body is not JSON"}
        missing = [f for f in REQUIRED[path] if data.get(f) in (None, "")]
        if missing:
            return 400, {"error": f"missing fields: {', '.join(missing)}"}
        digest = hashlib.new("sm3", body).hexdigest()
        with self._lock:
            seen = self.records.get(key)
            if seen is not None:
                if seen["digest"] != digest or seen["path"] != path:
                    return 409, {"error": "idempotency key reused with a different body"}
                return 200, {"receipt_no": seen["receipt_no"], "duplicate": True}
            receipt = f"CZY{len(self.records) + 1:08d}"
            self.records[key] = {"path": path, "digest": digest, "body": data, "receipt_no": receipt}
        return 200, {"receipt_no": receipt, "duplicate": False}
