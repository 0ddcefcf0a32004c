"""SMS gateway client. ``SMS_GATEWAY_URL=local`` (the embedded default) talks to the in-process simulator."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from functools import cache
from typing import Any

from django.conf import settings

from .signing import signature
from .simulator import SmsGatewaySimulator


class SmsGatewayError(RuntimeError):
    """The gateway refused or could not be reached (retryable unless ``permanent``)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@cache
def local_simulator() -> SmsGatewaySimulator:
    return SmsGatewaySimulator(app_id=settings.SMS_APP_ID, secret=settings.SMS_APP_SECRET)


class SmsClient:
    def __init__(self, *, base_url: str, app_id: str, secret: str, timeout: float = 5.0):
        if base_url != "local" and not base_url.startswith(("http://", "https://")):
            raise ValueError("SMS_GATEWAY_URL must be 'local' or an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.secret = secret
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> SmsClient:
        return cls(base_url=settings.SMS_GATEWAY_URL, app_id=settings.SMS_APP_ID, secret=settings.SMS_APP_SECRET)

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-App-Id": self.app_id,
            "X-Timestamp": ts,
            "X-Signature": signature(self.secret, app_id=self.app_id, timestamp=ts, method=method, path=path, body=body),
        }
        if self.base_url == "local":
            status, data = local_simulator().handle(method, path, headers, body)
        else:
            url = self.base_url + path  # scheme checked in __init__
            request = urllib.request.Request(url, data=body or None, headers=headers, method=method)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                    status, data = resp.status, json.loads(resp.read() or b"{}")
            except urllib.error.HTTPError as exc:
                status, data = exc.code, json.loads(exc.read() or b"{}")
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                raise SmsGatewayError(f"短信网关无法连接：{exc}") from exc
        if status >= 400:
            raise SmsGatewayError(f"短信网关返回 {status}：{data.get('error', '')}", permanent=status in (400, 401))
        return data

    def send(self, *, phone: str, text: str, ref: str) -> str:
        return str(self._call("POST", "/v1/sms/send", {"phone": phone, "text": text, "ref": ref})["msg_id"])

    def status(self, msg_id: str) -> str:
        return str(self._call("GET", f"/v1/sms/status/{msg_id}")["status"])
