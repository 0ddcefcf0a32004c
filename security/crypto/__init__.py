"""Commercial cryptography front door (商用密码): import these names, not the modules behind them.

- ``sm3_hex(data)`` / ``sm3_digest(data)`` — SM3 hash (GB/T 32905).
- ``hmac_sm3(key_id_or_purpose, data) -> str`` — HMAC-SM3 hex with a key from the key store. Pass a purpose
  (``"audit"``) for its current key or a full key id (``"audit.v2"``) to check an old MAC.
- ``sm4_encrypt(plaintext, *, purpose="field", aad=b"") -> bytes`` / ``sm4_decrypt(token, *, aad=b"")`` — SM4-GCM
  with the key id carried inside the token, so rotation never breaks old data.
- ``sm2_generate_keypair()``, ``sm2_sign(private_hex, data)``, ``sm2_verify(public_hex, data, signature)``,
  ``sm2_encrypt(public_hex, data)``, ``sm2_decrypt(private_hex, data)`` — SM2 with the default user id
  ``1234567812345678``; keys held by the key store sign through ``keystore().sm2_sign(key_id, data)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sm2 import DEFAULT_USER_ID, SM2Error, SM2KeyPair, backend
from .symmetric import IntegrityError, constant_time_equal, sm3_digest, sm3_hex

if TYPE_CHECKING:
    from ..keystore import KeyStore

__all__ = [
    "DEFAULT_USER_ID",
    "IntegrityError",
    "KeyNotFound",
    "SM2Error",
    "SM2KeyPair",
    "constant_time_equal",
    "hmac_sm3",
    "key_id_for",
    "sm2_decrypt",
    "sm2_encrypt",
    "sm2_generate_keypair",
    "sm2_sign",
    "sm2_verify",
    "sm3_digest",
    "sm3_hex",
    "sm4_decrypt",
    "sm4_encrypt",
]

_TOKEN_VERSION = 1


class KeyNotFound(LookupError):
    """Re-exported from :mod:`security.keystore` (see there)."""


def keystore() -> KeyStore:
    """The configured key store (imported lazily: :mod:`security.keystore` imports this package)."""
    from ..keystore import keystore as _keystore

    return _keystore()


def key_id_for(key_id_or_purpose: str) -> str:
    """A full key id: the argument itself when it names a version, else the purpose's current key id."""
    return key_id_or_purpose if ".v" in key_id_or_purpose else keystore().current_id(key_id_or_purpose)


def hmac_sm3(key_id: str, data: bytes | str) -> str:
    """HMAC-SM3 of ``data`` (str is UTF-8 encoded) as 64 hex characters."""
    raw = data.encode() if isinstance(data, str) else data
    return keystore().hmac_sm3(key_id_for(key_id), raw).hex()


def sm4_encrypt(plaintext: bytes, *, purpose: str = "field", aad: bytes = b"") -> bytes:
    """SM4-GCM under the purpose's current key. Token: ``0x01 | len(key_id) | key_id | nonce | ct | tag``."""
    key_id = keystore().current_id(purpose)
    kid = key_id.encode()
    blob = keystore().sm4_encrypt(key_id, plaintext, aad=aad + kid)
    return bytes([_TOKEN_VERSION, len(kid)]) + kid + blob


def sm4_decrypt(token: bytes, *, aad: bytes = b"") -> bytes:
    """Decrypt a token from :func:`sm4_encrypt`; :class:`IntegrityError` if it was altered or the key is wrong."""
    if len(token) < 3 or token[0] != _TOKEN_VERSION or len(token) < 2 + token[1]:
        raise IntegrityError("密文格式不正确。")
    kid = token[2 : 2 + token[1]]
    try:
        return keystore().sm4_decrypt(kid.decode(), token[2 + token[1] :], aad=aad + kid)
    except (KeyNotFound, UnicodeDecodeError) as exc:
        raise IntegrityError("密文所用密钥不存在。") from exc


def sm2_generate_keypair() -> SM2KeyPair:
    return backend().generate_keypair()


def sm2_sign(private_hex: str, data: bytes, *, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """SM2 signature (64 bytes r||s) over SM3(Z_A || data)."""
    return backend().sign(private_hex, data, user_id=user_id)


def sm2_verify(public_hex: str, data: bytes, signature: bytes, *, user_id: bytes = DEFAULT_USER_ID) -> bool:
    return backend().verify(public_hex, data, signature, user_id=user_id)


def sm2_encrypt(public_hex: str, plaintext: bytes) -> bytes:
    return backend().encrypt(public_hex, plaintext)


def sm2_decrypt(private_hex: str, ciphertext: bytes) -> bytes:
    return backend().decrypt(private_hex, ciphertext)
