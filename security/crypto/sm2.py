"""SM2 (GB/T 32918) signatures and public-key encryption behind a small backend interface.

The default backend uses ``gmssl`` for the elliptic-curve arithmetic; hashing (Z value, SM3, KDF) and the
random numbers are ours (``cryptography`` SM3 and :mod:`secrets`), because gmssl draws its nonces from the
non-cryptographic :mod:`random` module and does not check C3 on decryption. A faster backend (a C library, an
HSM) implements :class:`SM2Backend` and is named in ``settings.SECURITY_SM2_BACKEND``.

Formats: public keys are 128 hex characters ``x || y`` (an ``04`` prefix is accepted); private keys 64 hex
characters; signatures 64 bytes ``r || s``; ciphertexts ``04 || C1 || C3 || C2`` (GB/T 32918.4-2016 order).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from gmssl import sm2 as _gm

from .symmetric import constant_time_equal, sm3_digest, sm3_kdf

DEFAULT_USER_ID = b"1234567812345678"

_CURVE = _gm.default_ecc_table
N = int(_CURVE["n"], 16)
_PARA_HEX = 64


class SM2Error(ValueError):
    """Malformed key, signature or ciphertext."""


@dataclass(frozen=True)
class SM2KeyPair:
    private_hex: str
    public_hex: str


def normalize_public(public_hex: str) -> str:
    pub = public_hex.strip().lower()
    if len(pub) == 130 and pub.startswith("04"):
        pub = pub[2:]
    if len(pub) != 128 or any(c not in "0123456789abcdef" for c in pub):
        raise SM2Error("SM2 公钥格式不正确。")
    return pub


def z_value(public_hex: str, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2 §5.5)."""
    entl = (len(user_id) * 8).to_bytes(2, "big")
    curve = bytes.fromhex(_CURVE["a"] + _CURVE["b"] + _CURVE["g"])
    return sm3_digest(entl + user_id + curve + bytes.fromhex(normalize_public(public_hex)))


def message_digest(public_hex: str, data: bytes, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """e = SM3(Z_A || M)."""
    return sm3_digest(z_value(public_hex, user_id) + data)


class SM2Backend(Protocol):
    name: str

    def generate_keypair(self) -> SM2KeyPair: ...

    def public_from_private(self, private_hex: str) -> str: ...

    def sign(self, private_hex: str, data: bytes, *, user_id: bytes = ..., k: int | None = None) -> bytes: ...

    def verify(self, public_hex: str, data: bytes, signature: bytes, *, user_id: bytes = ...) -> bool: ...

    def encrypt(self, public_hex: str, plaintext: bytes) -> bytes: ...

    def decrypt(self, private_hex: str, ciphertext: bytes) -> bytes: ...


def _random_scalar() -> int:
    return secrets.randbelow(N - 2) + 1  # [1, n-2]


class GmsslBackend:
    """SM2 on gmssl's pure-Python point arithmetic."""

    name = "gmssl"

    def _engine(self, private_hex: str | None, public_hex: str) -> _gm.CryptSM2:
        engine = _gm.CryptSM2(private_key=private_hex, public_key=public_hex, mode=1)
        # gmssl "strips the 04 prefix" with ``lstrip("04")``: an x coordinate that begins with the byte 04 (one key
        # in 256) loses its leading 0 and 4 digits, and every signature of that key then fails to verify. Our keys
        # are the 128 hex digits x || y already (normalize_public), so set them back as given.
        engine.public_key = public_hex
        return engine

    def _mul(self, k: int, point_hex: str) -> str:
        point = self._engine(None, point_hex)._kg(k, point_hex)
        if point is None:
            raise SM2Error("点乘结果为无穷远点。")
        return point

    def generate_keypair(self) -> SM2KeyPair:
        d = _random_scalar()
        private_hex = f"{d:064x}"
        return SM2KeyPair(private_hex, self.public_from_private(private_hex))

    def public_from_private(self, private_hex: str) -> str:
        d = int(private_hex, 16)
        if not 1 <= d <= N - 2:
            raise SM2Error("SM2 私钥超出范围。")
        return self._mul(d, _CURVE["g"])

    def sign(self, private_hex: str, data: bytes, *, user_id: bytes = DEFAULT_USER_ID, k: int | None = None) -> bytes:
        public_hex = self.public_from_private(private_hex)
        e = message_digest(public_hex, data, user_id)
        engine = self._engine(private_hex, public_hex)
        for _ in range(8):
            sig = engine.sign(e, f"{(k or _random_scalar()):064x}")
            if sig:
                return bytes.fromhex(sig)
            if k is not None:
                raise SM2Error("给定的随机数 k 不能产生有效签名。")
        raise SM2Error("SM2 签名失败。")  # pragma: no cover - probability ~ 2^-256

    def verify(self, public_hex: str, data: bytes, signature: bytes, *, user_id: bytes = DEFAULT_USER_ID) -> bool:
        try:
            public_hex = normalize_public(public_hex)
        except SM2Error:
            return False
        if len(signature) != 64:
            return False
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        if not (1 <= r < N and 1 <= s < N):
            return False
        e = message_digest(public_hex, data, user_id)
        try:
            return bool(self._engine(None, public_hex).verify(signature.hex(), e))
        except (ValueError, TypeError, ZeroDivisionError):
            return False

    def encrypt(self, public_hex: str, plaintext: bytes) -> bytes:
        public_hex = normalize_public(public_hex)
        if not plaintext:
            raise SM2Error("明文不能为空。")
        for _ in range(8):
            k = _random_scalar()
            c1 = self._mul(k, _CURVE["g"])
            xy = bytes.fromhex(self._mul(k, public_hex))
            t = sm3_kdf(xy, len(plaintext))
            if any(t):
                c2 = bytes(a ^ b for a, b in zip(plaintext, t, strict=True))
                c3 = sm3_digest(xy[:32] + plaintext + xy[32:])
                return b"\x04" + bytes.fromhex(c1) + c3 + c2
        raise SM2Error("SM2 加密失败。")  # pragma: no cover

    def decrypt(self, private_hex: str, ciphertext: bytes) -> bytes:
        if len(ciphertext) < 1 + 64 + 32 + 1 or ciphertext[0] != 4:
            raise SM2Error("SM2 密文格式不正确。")
        c1, c3, c2 = ciphertext[1:65].hex(), ciphertext[65:97], ciphertext[97:]
        try:
            xy = bytes.fromhex(self._mul(int(private_hex, 16), c1))
        except (ValueError, TypeError, ZeroDivisionError) as exc:
            raise SM2Error("SM2 密文格式不正确。") from exc
        t = sm3_kdf(xy, len(c2))
        plaintext = bytes(a ^ b for a, b in zip(c2, t, strict=True))
        if not any(t) or not constant_time_equal(sm3_digest(xy[:32] + plaintext + xy[32:]), c3):
            raise SM2Error("SM2 密文校验失败。")
        return plaintext


@cache
def backend() -> SM2Backend:
    """The configured SM2 backend (``settings.SECURITY_SM2_BACKEND``, default gmssl)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    path = getattr(settings, "SECURITY_SM2_BACKEND", "security.crypto.sm2.GmsslBackend")
    return import_string(path)()
