"""The construction-approval system (施工许可审批系统): it pushes permits to us and pulls site supervision summaries.

Both directions are authenticated with ``X-Timestamp`` (Unix seconds, ±300 s) and ``X-Signature`` = hex
HMAC-SM3 over ``"<timestamp>\\n<method> <path>\\n<body>"`` with the shared secret ``PERMIT_API_SECRET``."""

from __future__ import annotations

import hmac
import time

MAX_SKEW_SECONDS = 300


class SignatureError(ValueError):
    pass


def sign(secret: str, *, timestamp: str, method: str, path: str, body: bytes) -> str:
    message = f"{timestamp}\n{method.upper()} {path}\n".encode() + body
    return hmac.new(secret.encode(), message, "sm3").hexdigest()


def verify(secret: str, *, timestamp: str, signature: str, method: str, path: str, body: bytes,
           now: float | None = None) -> None:
    """Raise :class:`SignatureError` (with a message for the caller) unless the request is authentic and fresh."""
    if not timestamp or not signature:
        raise SignatureError("缺少 X-Timestamp 或 X-Signature 请求头")
    try:
        ts = int(timestamp)
    except ValueError as exc:
        raise SignatureError("X-Timestamp 应为 Unix 秒数") from exc
    if abs((now if now is not None else time.time()) - ts) > MAX_SKEW_SECONDS:
        raise SignatureError("请求时间戳超出允许范围（±300秒）")
    expected = sign(secret, timestamp=timestamp, method=method, path=path, body=body)
    if not hmac.compare_digest(expected, signature.lower()):
        raise SignatureError("签名校验失败")
