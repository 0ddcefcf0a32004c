"""Client of the national platform. Every request is signed (HMAC-SM3, see :mod:`.signing`) with a timestamp and
a one-time nonce. Failures raise :class:`NationalPlatformError`; callers retry through the outbox."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from functools import cache
from typing import Any

from django.conf import settings

from .signing import signature
from .simulator import NationalPlatformSimulator


class NationalPlatformError(RuntimeError):
    """The platform refused or could not be reached. ``permanent`` failures (400/401/404/409) will not heal by
    retrying unchanged."""

    def __init__(self, message: str, *, status: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.status = status
        self.permanent = permanent


@cache
def local_simulator() -> NationalPlatformSimulator:
    return NationalPlatformSimulator(
        app_id=settings.NATIONAL_PLATFORM_APP_ID, secret=settings.NATIONAL_PLATFORM_SECRET
    )


class NationalPlatformClient:
    def __init__(self, *, base_url: str, app_id: str, secret: str, timeout: float = 10.0):
        if base_url != "local" and not base_url.startswith(("http://", "https://")):
            raise ValueError("NATIONAL_PLATFORM_URL must be 'local' or an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.secret = secret
        self.timeout = timeout

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        ts, nonce = str(int(time.time())), secrets.token_hex(12)
        headers = {
            "Content-Type": "application/json",
            "X-App-Id": self.app_id,
            "X-Timestamp": ts,
            "X-Nonce": nonce,
            "X-Signature": signature(
                self.secret, app_id=self.app_id, timestamp=ts, nonce=nonce, method="POST", path=path, body=body
            ),
        }
        if self.base_url == "local":
            status, data = local_simulator().handle("POST", path, headers, body)
        else:
            request = urllib.request.Request(self.base_url + path, data=body, headers=headers, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                    status, data = resp.status, json.loads(resp.read() or b"{}")
            except urllib.error.HTTPError as exc:
                status, data = exc.code, _json_or_empty(exc.read())
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                raise NationalPlatformError(f"全国工程质量安全监管平台无法连接：{exc}") from exc
        if status >= 400:
            raise NationalPlatformError(
                f"全国工程质量安全监管平台返回 {status}：{data.get('error', '')}",
                status=status,
                permanent=status in (400, 401, 404, 409),
            )
        return data

    def verify_machine(
        self, *, filing_number: str, machine_type: str, factory_serial_no: str, owner_credit_code: str
    ) -> dict[str, Any]:
        """核验设备备案信息."""
        return self._post(
            "/api/v1/machines/verify",
            {
                "filing_number": filing_number,
                "machine_type": machine_type,
                "factory_serial_no": factory_serial_no,
                "owner_credit_code": owner_credit_code,
            },
        )

    def request_code(
        self, *, reference: str, filing_number: str, user_credit_code: str, district_code: str
    ) -> str:
        """申请设备识别码 (赋码); idempotent on ``reference``."""
        data = self._post(
            "/api/v1/machines/codes",
            {
                "reference": reference,
                "filing_number": filing_number,
                "user_credit_code": user_credit_code,
                "district_code": district_code,
            },
        )
        return str(data["code"])


def _json_or_empty(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def client() -> NationalPlatformClient:
    return NationalPlatformClient(
        base_url=settings.NATIONAL_PLATFORM_URL,
        app_id=settings.NATIONAL_PLATFORM_APP_ID,
        secret=settings.NATIONAL_PLATFORM_SECRET,
    )
