"""Finance-cloud client: SM3-HMAC signing, idempotency keys, a few quick retries for transient failures (the
outbox retries the rest later)."""

from __future__ import annotations

import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings

from .signing import signature
from .simulator import FinanceCloudSimulator

PATHS = {"project": "/v1/projects", "award": "/v1/awards", "contract": "/v1/contracts"}


class FinanceCloudError(RuntimeError):
    """The finance cloud refused or could not be reached; ``permanent`` when resending cannot help."""

    def __init__(self, message: str, *, status: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.status = status
        self.permanent = permanent


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, "") or default)


def configured_secret() -> str:
    """``FINANCE_CLOUD_SECRET`` or a secret derived from the installation's ``SECRET_KEY``."""
    explicit = getattr(settings, "FINANCE_CLOUD_SECRET", "")
    if explicit:
        return str(explicit)
    return hmac.new(settings.SECRET_KEY.encode(), b"finance-cloud", "sm3").hexdigest()


@cache
def local_simulator() -> FinanceCloudSimulator:
    return FinanceCloudSimulator(app_id=_setting("FINANCE_CLOUD_APP_ID", "jianguan"), secret=configured_secret())


class FinanceCloudClient:
    def __init__(self, *, base_url: str, app_id: str, secret: str, timeout: float = 10.0, retries: int = 2,
                 sleep: Callable[[float], None] = time.sleep):
        if base_url != "local" and not base_url.startswith(("http://", "https://")):
            raise ValueError("FINANCE_CLOUD_URL must be 'local' or an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.secret = secret
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep

    @classmethod
    def from_settings(cls) -> FinanceCloudClient:
        return cls(base_url=_setting("FINANCE_CLOUD_URL", "local"), app_id=_setting("FINANCE_CLOUD_APP_ID", "jianguan"),
                   secret=configured_secret())

    def _once(self, path: str, body: bytes, idempotency_key: str) -> tuple[int, dict[str, Any]]:
        ts, nonce = str(int(time.time())), secrets.token_hex(8)
        headers = {
            "Content-Type": "application/json", "X-App-Id": self.app_id, "X-Timestamp": ts, "X-Nonce": nonce,
            "Idempotency-Key": idempotency_key,
            "X-Signature": signature(self.secret, app_id=self.app_id, timestamp=ts, nonce=nonce,
                                     idempotency_key=idempotency_key, method="POST", path=path, body=body),
        }
        if self.base_url == "local":
            return local_simulator().handle("POST", path, headers, body)
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, json.loads(exc.read() or b"{}")
            except ValueError:
                return exc.code, {"error": exc.reason}
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            return 0, {"error": f"无法连接：{exc}"}

    def send(self, kind: str, record: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        """Deliver one record; the same key with the same body is recorded once by the remote."""
        path = PATHS[kind]
        body = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
        status: int = 0
        data: dict[str, Any] = {}
        for attempt in range(self.retries + 1):
            status, data = self._once(path, body, idempotency_key)
            if 200 <= status < 300:
                return data
            if status in (400, 401, 404, 409):
                raise FinanceCloudError(f"财政云拒绝（{status}）：{data.get('error', '')}", status=status, permanent=True)
            if attempt < self.retries:
                self.sleep(0.2 * 2**attempt)
        raise FinanceCloudError(f"财政云暂不可用（{status or '无连接'}）：{data.get('error', '')}", status=status or None)
