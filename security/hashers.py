"""Password hashing with PBKDF2-HMAC-SM3 (口令以 SM3 派生存储), Django's default hasher on this platform.

Hashes made by any other configured hasher (e.g. ``pbkdf2_sha256``) are upgraded to this one the next time the
person logs in (Django re-hashes when the stored algorithm is not the preferred one)."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.encoding import force_bytes


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sm3"
    iterations = 600_000  # about the wall time of Django 5.2's 1,000,000 PBKDF2-SHA256 rounds

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        if password is None:
            raise TypeError("password must be provided.")
        if not salt or "$" in salt:
            raise ValueError("salt must be provided and cannot contain $.")
        iterations = iterations or self.iterations
        kdf = PBKDF2HMAC(algorithm=hashes.SM3(), length=32, salt=force_bytes(salt), iterations=iterations)
        digest = base64.b64encode(kdf.derive(force_bytes(password))).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${digest}"
