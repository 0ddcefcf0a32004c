from __future__ import annotations

import hmac


def signature(secret: str, *, client_id: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """HMAC-SM3 over the request: client id, timestamp, method and path, body."""
    message = f"{client_id}\n{timestamp}\n{method} {path}\n".encode() + body
    return hmac.new(secret.encode(), message, "sm3").hexdigest()
