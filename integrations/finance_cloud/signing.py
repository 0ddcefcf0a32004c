from __future__ import annotations

import hmac


def signature(secret: str, *, app_id: str, timestamp: str, nonce: str, idempotency_key: str, method: str,
              path: str, body: bytes) -> str:
    """Hex HMAC-SM3 of the request (see the package docstring)."""
    head = f"{app_id}\n{timestamp}\n{nonce}\n{idempotency_key}\n{method} {path}\n".encode()
    return hmac.new(secret.encode(), head + body, "sm3").hexdigest()
