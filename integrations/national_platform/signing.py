"""Request signature of the national platform: HMAC-SM3 over app id, timestamp, nonce, method, path and body."""

from __future__ import annotations

import hmac


def signature(secret: str, *, app_id: str, timestamp: str, nonce: str, method: str, path: str, body: bytes) -> str:
    message = f"{app_id}\n{timestamp}\n{nonce}\n{method} {path}\n".encode() + body
    return hmac.new(secret.encode(), message, "sm3").hexdigest()
