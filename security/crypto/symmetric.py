"""SM3 (GB/T 32905), HMAC-SM3 and SM4 (GB/T 32907) through ``cryptography`` (OpenSSL).

SM4 runs in GCM mode (authenticated encryption, GB/T 36624 lists SM4-GCM); the raw block function is exposed
only for the standard's test vector.
"""

from __future__ import annotations

import hmac as _hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _chmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SM4_KEY_BYTES = 16
GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16


class IntegrityError(ValueError):
    """Authenticated decryption failed: wrong key, or the ciphertext was altered (密文被篡改)."""


def sm3_digest(data: bytes) -> bytes:
    """SM3 hash (GB/T 32905-2016), 32 bytes."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def sm3_hex(data: bytes) -> str:
    """SM3 hash as 64 lowercase hex characters."""
    return sm3_digest(data).hex()


def hmac_sm3_raw(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 (GB/T 15852.2 with SM3) with an explicit key; callers normally go through the key store."""
    h = _chmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize()


def constant_time_equal(a: bytes | str, b: bytes | str) -> bool:
    if isinstance(a, str):
        a = a.encode()
    if isinstance(b, str):
        b = b.encode()
    return _hmac.compare_digest(a, b)


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, *, aad: bytes = b"", nonce: bytes | None = None) -> bytes:
    """SM4-GCM: returns ``nonce(12) || ciphertext || tag(16)``. A fresh random nonce unless one is given."""
    if len(key) != SM4_KEY_BYTES:
        raise ValueError("SM4 key must be 16 bytes")
    nonce = nonce or os.urandom(GCM_NONCE_BYTES)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        enc.authenticate_additional_data(aad)
    body = enc.update(plaintext) + enc.finalize()
    return nonce + body + enc.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, *, aad: bytes = b"") -> bytes:
    """Inverse of :func:`sm4_gcm_encrypt`; raises :class:`IntegrityError` when the tag does not verify."""
    if len(blob) < GCM_NONCE_BYTES + GCM_TAG_BYTES:
        raise IntegrityError("密文长度不正确。")
    nonce, body, tag = blob[:GCM_NONCE_BYTES], blob[GCM_NONCE_BYTES:-GCM_TAG_BYTES], blob[-GCM_TAG_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if aad:
        dec.authenticate_additional_data(aad)
    try:
        return dec.update(body) + dec.finalize()
    except Exception as exc:  # cryptography raises InvalidTag
        raise IntegrityError("密文校验失败：密钥不符或数据被篡改。") from exc


def sm4_block_encrypt(key: bytes, block: bytes) -> bytes:
    """One raw SM4 block (ECB); only for the GB/T 32907 test vector and backend cross-checks."""
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - single-block vector check
    return enc.update(block) + enc.finalize()


def sm3_kdf(z: bytes, klen: int) -> bytes:
    """The SM2 key-derivation function (GB/T 32918.4 §5.4.3) built on SM3."""
    out = bytearray()
    counter = 1
    while len(out) < klen:
        out += sm3_digest(z + counter.to_bytes(4, "big"))
        counter += 1
    return bytes(out[:klen])
