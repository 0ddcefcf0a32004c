"""Key management (密钥管理): keys never live in code or in the database.

Callers name keys by **purpose** (``"field"``, ``"blind-index"``, ``"audit"``, ``"acl"``, ``"seal-<id>"``) and get
back **key ids** of the form ``"<purpose>.v<N>"``. Ciphertexts and MACs carry the key id that made them, so a
rotated key keeps decrypting and verifying old data while new data uses the new version.

The interface is operation-based (:class:`KeyStore`): an HSM or a crypto service (密码服务平台) implements the
same methods and performs the operation inside the module without exporting the key. The embedded default,
:class:`FileKeyStore`, keeps one file per key version under ``settings.SECURITY_KEY_DIR`` (default ``var/keys``),
mode 0600. Choose the implementation with ``settings.SECURITY_KEYSTORE`` (a dotted path).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from functools import cache
from pathlib import Path
from typing import Protocol

from . import crypto as _crypto
from .crypto import sm2 as _sm2
from .crypto.symmetric import SM4_KEY_BYTES, hmac_sm3_raw, sm4_gcm_decrypt, sm4_gcm_encrypt

_PURPOSE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_CURRENT_TTL_S = 1.0  # how long another process's rotation may go unseen here (its folder mtime is checked too)
_KEY_ID = re.compile(r"^(?P<purpose>[a-z0-9][a-z0-9-]{0,62})\.v(?P<version>[1-9][0-9]{0,5})$")


class KeyNotFound(_crypto.KeyNotFound):
    """No key with this id in the store."""


def split_key_id(key_id: str) -> tuple[str, int]:
    m = _KEY_ID.match(key_id)
    if not m:
        raise KeyNotFound(f"密钥标识格式不正确：{key_id!r}")
    return m["purpose"], int(m["version"])


def _check_purpose(purpose: str) -> str:
    if not _PURPOSE.match(purpose):
        raise ValueError(f"密钥用途名称不正确：{purpose!r}")
    return purpose


def _stamp(folder: Path) -> tuple[int, ...]:
    """What changes when a purpose's keys change: the folder's mtime and the ``current`` pointer's inode/mtime."""
    out: list[int] = []
    for path in (folder, folder / "current"):
        try:
            st = path.stat()
        except FileNotFoundError:
            out.extend((0, 0))
        else:
            out.extend((st.st_ino, st.st_mtime_ns))
    return tuple(out)


class KeyStore(Protocol):
    """What an HSM / crypto-service adapter implements."""

    def current_id(self, purpose: str) -> str:
        """Key id of the current version for ``purpose`` (symmetric, 128-bit); created on first use."""

    def rotate(self, purpose: str) -> str:
        """Create a new version for ``purpose``; it becomes current. Returns its key id."""

    def hmac_sm3(self, key_id: str, data: bytes) -> bytes: ...

    def sm4_encrypt(self, key_id: str, plaintext: bytes, *, aad: bytes = b"") -> bytes: ...

    def sm4_decrypt(self, key_id: str, blob: bytes, *, aad: bytes = b"") -> bytes: ...

    def create_sm2(self, purpose: str) -> tuple[str, str]:
        """Generate an SM2 key pair for ``purpose``; returns ``(key_id, public_hex)``. The private key stays in."""

    def current_sm2(self, purpose: str) -> tuple[str, str]:
        """The latest SM2 key pair for ``purpose`` (created on first use): ``(key_id, public_hex)``."""

    def sm2_public(self, key_id: str) -> str: ...

    def sm2_sign(self, key_id: str, data: bytes) -> bytes: ...

    def sm2_decrypt(self, key_id: str, ciphertext: bytes) -> bytes: ...


class FileKeyStore:
    """Keys as files: ``<dir>/<purpose>/v<N>.key`` (hex), ``v<N>.sm2`` (JSON) and ``current`` (the version)."""

    def __init__(self, directory: Path | str) -> None:
        self.dir = Path(directory)
        self._secrets: dict[str, bytes] = {}  # key versions never change once written
        self._current: dict[str, tuple[tuple[int, ...], str, float]] = {}  # purpose -> (stamp, key id, when)

    # -- files --------------------------------------------------------------------------------------------
    def _purpose_dir(self, purpose: str) -> Path:
        path = self.dir / _check_purpose(purpose)
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    def _write_new(self, path: Path, content: str) -> bool:
        """Create ``path`` exclusively (another process may race us); False when it already existed."""
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w") as fh:
            fh.write(content)
        return True

    def _current_version(self, purpose: str) -> int | None:
        pointer = self._purpose_dir(purpose) / "current"
        if pointer.exists():
            return int(pointer.read_text().strip())
        versions = sorted(int(p.stem[1:]) for p in pointer.parent.glob("v*.key"))
        return versions[-1] if versions else None

    def _set_current(self, purpose: str, version: int) -> None:
        pointer = self._purpose_dir(purpose) / "current"
        tmp = pointer.with_name(f".current.{secrets.token_hex(4)}")
        tmp.write_text(str(version))
        os.replace(tmp, pointer)

    def _secret(self, key_id: str) -> bytes:
        cached = self._secrets.get(key_id)
        if cached is not None:
            return cached
        purpose, version = split_key_id(key_id)
        path = self.dir / purpose / f"v{version}.key"
        if not path.exists():
            raise KeyNotFound(f"密钥不存在：{key_id}")
        secret = bytes.fromhex(path.read_text().strip())
        if len(secret) == SM4_KEY_BYTES:  # a file caught mid-write by a racing creator is not cached
            self._secrets[key_id] = secret
        return secret

    # -- symmetric ----------------------------------------------------------------------------------------
    def current_id(self, purpose: str) -> str:
        # Every audit record and encrypted field asks this, so the answer is kept while the purpose's folder and
        # its ``current`` pointer are unchanged (a rotation replaces the pointer: a new inode) and for at most a
        # second (a rotation in another process is seen within that time even on a coarse-mtime file system).
        folder = self.dir / _check_purpose(purpose)
        stamp = _stamp(folder)
        known = self._current.get(purpose)
        if known is not None and stamp == known[0] and time.monotonic() - known[2] < _CURRENT_TTL_S:
            return known[1]
        version = self._current_version(purpose)
        if version is None:
            self._write_new(self._purpose_dir(purpose) / "v1.key", secrets.token_bytes(SM4_KEY_BYTES).hex())
            version = 1
        key_id = f"{purpose}.v{version}"
        self._current[purpose] = (_stamp(folder), key_id, time.monotonic())
        return key_id

    def rotate(self, purpose: str) -> str:
        version = (self._current_version(purpose) or 0) + 1
        while not self._write_new(
            self._purpose_dir(purpose) / f"v{version}.key", secrets.token_bytes(SM4_KEY_BYTES).hex()
        ):
            version += 1
        self._set_current(purpose, version)
        self._current.pop(purpose, None)
        return f"{purpose}.v{version}"

    def hmac_sm3(self, key_id: str, data: bytes) -> bytes:
        return hmac_sm3_raw(self._secret(key_id), data)

    def sm4_encrypt(self, key_id: str, plaintext: bytes, *, aad: bytes = b"") -> bytes:
        return sm4_gcm_encrypt(self._secret(key_id), plaintext, aad=aad)

    def sm4_decrypt(self, key_id: str, blob: bytes, *, aad: bytes = b"") -> bytes:
        return sm4_gcm_decrypt(self._secret(key_id), blob, aad=aad)

    # -- SM2 ----------------------------------------------------------------------------------------------
    def create_sm2(self, purpose: str) -> tuple[str, str]:
        pair = _sm2.backend().generate_keypair()
        folder = self._purpose_dir(purpose)
        version = len(list(folder.glob("v*.sm2"))) + 1
        body = json.dumps({"private": pair.private_hex, "public": pair.public_hex})
        while not self._write_new(folder / f"v{version}.sm2", body):
            version += 1
        return f"{purpose}.v{version}", pair.public_hex

    def current_sm2(self, purpose: str) -> tuple[str, str]:
        versions = sorted(int(p.stem[1:]) for p in self._purpose_dir(purpose).glob("v*.sm2"))
        if not versions:
            return self.create_sm2(purpose)
        key_id = f"{purpose}.v{versions[-1]}"
        return key_id, self.sm2_public(key_id)

    def _sm2_pair(self, key_id: str) -> dict[str, str]:
        purpose, version = split_key_id(key_id)
        path = self.dir / purpose / f"v{version}.sm2"
        if not path.exists():
            raise KeyNotFound(f"SM2 密钥不存在：{key_id}")
        return json.loads(path.read_text())

    def sm2_public(self, key_id: str) -> str:
        return self._sm2_pair(key_id)["public"]

    def sm2_sign(self, key_id: str, data: bytes) -> bytes:
        return _sm2.backend().sign(self._sm2_pair(key_id)["private"], data)

    def sm2_decrypt(self, key_id: str, ciphertext: bytes) -> bytes:
        return _sm2.backend().decrypt(self._sm2_pair(key_id)["private"], ciphertext)


@cache
def keystore() -> KeyStore:
    """The configured key store (``settings.SECURITY_KEYSTORE``; default files under ``var/keys``)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    path = getattr(settings, "SECURITY_KEYSTORE", "security.keystore.FileKeyStore")
    directory = getattr(settings, "SECURITY_KEY_DIR", Path(settings.VAR_DIR) / "keys")
    return import_string(path)(directory)
