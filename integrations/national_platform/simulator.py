"""A local national platform speaking the same contract as the remote: in-process for the embedded default, over
HTTP on 127.0.0.1 for contract tests. ``down = True`` makes it answer 503 (an outage) to exercise retries."""

from __future__ import annotations

import hmac
import json
import threading
import time
from typing import Any

from integrations.simulation import serve  # noqa: F401 - re-exported: ``serve(simulator)`` for tests

from .signing import signature

MAX_CLOCK_SKEW_SECONDS = 300
TYPE_CODES = {"tower_crane": "TC", "hoist_sc": "SC", "hoist_ss": "SS", "gantry_crane": "MG", "bridge_crane": "QD"}


class NationalPlatformSimulator:
    def __init__(self, *, app_id: str, secret: str):
        self.app_id = app_id
        self.secret = secret
        self.down = False
        self.machines: dict[str, dict[str, Any]] = {}  # filing number -> verified record
        self.codes: dict[str, str] = {}  # registration reference -> code
        self.calls: list[str] = []
        self._nonces: set[str] = set()
        self._lock = threading.Lock()

    def _authorised(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bool:
        h = {k.lower(): v for k, v in headers.items()}
        ts, nonce = h.get("x-timestamp", ""), h.get("x-nonce", "")
        expected = signature(
            self.secret, app_id=h.get("x-app-id", ""), timestamp=ts, nonce=nonce, method=method, path=path, body=body
        )
        if h.get("x-app-id") != self.app_id or not hmac.compare_digest(expected, h.get("x-signature", "")):
            return False
        if not ts.isdigit() or abs(time.time() - int(ts)) > MAX_CLOCK_SKEW_SECONDS or nonce in self._nonces:
            return False
        self._nonces.add(nonce)
        return True

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        self.calls.append(f"{method} {path}")
        if self.down:
            return 503, {"error": "平台维护中"}
        if not self._authorised(method, path, headers, body):
            return 401, {"error": "签名无效"}
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return 400, {"error": "请求体不是JSON"}
        if method == "POST" and path == "/api/v1/machines/verify":
            return self._verify(data)
        if method == "POST" and path == "/api/v1/machines/codes":
            return self._code(data)
        return 404, {"error": "not found"}

    def _verify(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        missing = [k for k in ("filing_number", "machine_type", "factory_serial_no", "owner_credit_code") if not data.get(k)]
        if missing:
            return 400, {"error": f"缺少字段：{', '.join(missing)}"}
        with self._lock:
            self.machines[data["filing_number"]] = data
        return 200, {"verified": True, "filing_number": data["filing_number"]}

    def _code(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        ref, filing = str(data.get("reference", "")), str(data.get("filing_number", ""))
        if not ref or not data.get("user_credit_code"):
            return 400, {"error": "缺少 reference 或 user_credit_code"}
        if filing not in self.machines:
            return 409, {"error": "设备未经核验"}
        with self._lock:
            if ref not in self.codes:  # idempotent on the caller's reference
                kind = TYPE_CODES.get(self.machines[filing]["machine_type"], "QT")
                self.codes[ref] = f"{kind}{str(data.get('district_code', '310000'))[:6]}{len(self.codes) + 1:08d}"
        return 200, {"code": self.codes[ref], "reference": ref}
