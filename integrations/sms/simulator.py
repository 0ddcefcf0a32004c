"""A local SMS gateway that speaks the real contract: used by tests (over HTTP on 127.0.0.1) and by the embedded
default (in-process). It can be switched ``down`` to exercise retries."""

from __future__ import annotations

import hmac
import json
import re
import threading
import uuid
from typing import Any

from integrations.simulation import serve  # noqa: F401 - re-exported: ``serve(simulator)`` for tests

from .signing import signature

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class SmsGatewaySimulator:
    def __init__(self, *, app_id: str, secret: str):
        self.app_id = app_id
        self.secret = secret
        self.down = False
        self.messages: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        if self.down:
            return 503, {"error": "gateway unavailable"}
        h = {k.lower(): v for k, v in headers.items()}
        expected = signature(
            self.secret, app_id=h.get("x-app-id", ""), timestamp=h.get("x-timestamp", ""),
            method=method, path=path, body=body,
        )
        if h.get("x-app-id") != self.app_id or not hmac.compare_digest(expected, h.get("x-signature", "")):
            return 401, {"error": "bad signature"}
        if method == "POST" and path == "/v1/sms/send":
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                return 400, {"error": "body is not JSON"}
            if not PHONE.match(str(data.get("phone", ""))):
                return 400, {"error": "invalid phone"}
            if not str(data.get("text", "")).strip() or len(data["text"]) > 500:
                return 400, {"error": "text must be 1-500 characters"}
            msg_id = uuid.uuid4().hex
            with self._lock:
                self.messages[msg_id] = {"phone": data["phone"], "text": data["text"], "status": "delivered"}
            return 200, {"msg_id": msg_id, "status": "accepted"}
        if method == "GET" and path.startswith("/v1/sms/status/"):
            msg = self.messages.get(path.rsplit("/", 1)[-1])
            if msg is None:
                return 404, {"error": "unknown message"}
            return 200, {"msg_id": path.rsplit("/", 1)[-1], "status": msg["status"]}
        return 404, {"error": "not found"}
