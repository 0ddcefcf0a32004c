"""A local 一网通办 identity provider speaking the real contract (authorization code → token → identity).
Used in-process by the embedded default and over HTTP on 127.0.0.1 by the contract tests."""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from integrations.simulation import serve  # noqa: F401 - re-exported: ``serve(simulator)`` for tests

from .signing import signature

CODE_TTL = 300
TOKEN_TTL = 1800
CLOCK_SKEW = 300


@dataclass(frozen=True)
class Identity:
    """A natural person verified by 一网通办 (实名认证)."""

    name: str
    id_number: str
    phone: str = ""
    level: str = "L3"  # 实名认证等级


class YiwangtongbanSimulator:
    def __init__(self, *, client_id: str, secret: str):
        self.client_id = client_id
        self.secret = secret
        self.down = False
        self.identities: dict[str, Identity] = {}
        self._codes: dict[str, tuple[str, float]] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    # -- what the simulated login page does ------------------------------------------------------------
    def register(self, identity: Identity) -> None:
        self.identities[identity.id_number.upper()] = identity

    def login(self, id_number: str) -> str:
        """The person authenticates on the (simulated) portal; returns the authorization code."""
        key = id_number.strip().upper()
        if key not in self.identities:
            raise KeyError("unknown identity")
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = (key, time.time() + CODE_TTL)
        return code

    # -- the API ---------------------------------------------------------------------------------------
    def _signed(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bool:
        h = {k.lower(): v for k, v in headers.items()}
        try:
            ts = int(h.get("x-timestamp", "0"))
        except ValueError:
            return False
        if abs(time.time() - ts) > CLOCK_SKEW or h.get("x-client-id") != self.client_id:
            return False
        expected = signature(self.secret, client_id=self.client_id, timestamp=str(ts), method=method, path=path, body=body)
        return hmac.compare_digest(expected, h.get("x-signature", ""))

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        if self.down:
            return 503, {"error": "service unavailable"}
        if not self._signed(method, path, headers, body):
            return 401, {"error": "bad signature"}
        route = urlsplit(path).path
        if method == "POST" and route == "/oauth/token":
            try:
                code = str(json.loads(body or b"{}").get("code", ""))
            except ValueError:
                return 400, {"error": "body is not JSON"}
            with self._lock:
                entry = self._codes.pop(code, None)  # one use only
                if entry is None or entry[1] < time.time():
                    return 400, {"error": "invalid_grant"}
                token = secrets.token_urlsafe(24)
                self._tokens[token] = (entry[0], time.time() + TOKEN_TTL)
            return 200, {"access_token": token, "expires_in": TOKEN_TTL}
        if method == "GET" and route == "/oauth/userinfo":
            token = (parse_qs(urlsplit(path).query).get("access_token") or [""])[0]
            entry = self._tokens.get(token)
            if entry is None or entry[1] < time.time():
                return 401, {"error": "invalid_token"}
            ident = self.identities[entry[0]]
            return 200, {"name": ident.name, "id_number": ident.id_number, "phone": ident.phone, "level": ident.level}
        return 404, {"error": "not found"}
