"""一网通办 identity client (authorization code flow). ``YIWANGTONGBAN_URL=local`` (the embedded default) talks to
the in-process simulator; the client id and secret come from the environment (settings)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import cache
from typing import Any

from django.conf import settings

from .signing import signature
from .simulator import Identity, YiwangtongbanSimulator


class IdentityError(RuntimeError):
    """一网通办 refused (``permanent``: a bad code or token) or could not be reached."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, "") or default)


@cache
def local_simulator() -> YiwangtongbanSimulator:
    return YiwangtongbanSimulator(client_id=_setting("YIWANGTONGBAN_CLIENT_ID", "jianguan-local"),
                                  secret=_setting("YIWANGTONGBAN_SECRET", "local-simulator-only"))


class YiwangtongbanClient:
    def __init__(self, *, base_url: str, client_id: str, secret: str, timeout: float = 5.0):
        if base_url != "local" and not base_url.startswith(("http://", "https://")):
            raise ValueError("YIWANGTONGBAN_URL must be 'local' or an http(s) URL")
        self.base_url, self.client_id, self.secret, self.timeout = base_url.rstrip("/"), client_id, secret, timeout

    @classmethod
    def from_settings(cls) -> YiwangtongbanClient:
        return cls(base_url=_setting("YIWANGTONGBAN_URL", "local"),
                   client_id=_setting("YIWANGTONGBAN_CLIENT_ID", "jianguan-local"),
                   secret=_setting("YIWANGTONGBAN_SECRET", "local-simulator-only"))

    def authorize_url(self, *, redirect_uri: str, state: str) -> str:
        query = urllib.parse.urlencode({"client_id": self.client_id, "redirect_uri": redirect_uri, "state": state,
                                        "response_type": "code"})
        return f"{self.base_url}/oauth/authorize?{query}"

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Client-Id": self.client_id, "X-Timestamp": ts,
                   "X-Signature": signature(self.secret, client_id=self.client_id, timestamp=ts, method=method,
                                            path=path, body=body)}
        if self.base_url == "local":
            status, data = local_simulator().handle(method, path, headers, body)
        else:
            request = urllib.request.Request(self.base_url + path, data=body or None, headers=headers, method=method)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                    status, data = resp.status, json.loads(resp.read() or b"{}")
            except urllib.error.HTTPError as exc:
                status, data = exc.code, json.loads(exc.read() or b"{}")
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                raise IdentityError(f"一网通办无法连接：{exc}") from exc
        if status >= 400:
            raise IdentityError(f"一网通办返回 {status}：{data.get('error', '')}", permanent=status in (400, 401))
        return data

    def identity(self, code: str) -> Identity:
        """Exchange the authorization code and read the verified identity (实名信息)."""
        token = self._call("POST", "/oauth/token", {"code": code})["access_token"]
        info = self._call("GET", "/oauth/userinfo?" + urllib.parse.urlencode({"access_token": token}))
        return Identity(name=info["name"], id_number=info["id_number"], phone=info.get("phone", ""),
                        level=info.get("level", ""))
