"""Commercial-crypto and document benchmark: SM2 signs/verifies per second, SM3 and SM4-GCM MB/s, PBKDF2-SM3
hashes per second, and sealed PDF certificates generated per second (render + SM3 + e-seal + verify).

    .venv/bin/python benchmarks/bench_crypto.py [--seconds 2] [--certificates 20]

Runs against a throw-away SQLite test database and a temporary key store / media folder. One process, one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.test_settings")


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``fn`` over about ``seconds``."""
    fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


def setup() -> None:
    import django
    from django.conf import settings

    tmp = Path(tempfile.mkdtemp())
    settings.DATABASES["default"]["TEST"] = {"NAME": str(tmp / "bench.sqlite3")}
    settings.SECURITY_KEY_DIR = tmp / "keys"
    settings.MEDIA_ROOT = tmp / "media"
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, serialize=False, autoclobber=True)


def primitives(seconds: float) -> None:
    from security import crypto
    from security.crypto.symmetric import sm4_gcm_encrypt
    from security.hashers import PBKDF2SM3PasswordHasher

    pair = crypto.sm2_generate_keypair()
    msg = os.urandom(1024)
    sig = crypto.sm2_sign(pair.private_hex, msg)
    print(f"  SM2 (backend: {crypto.backend().name})")
    print(f"    sign   1 KiB: {rate(lambda: crypto.sm2_sign(pair.private_hex, msg), seconds):8.1f} /s")
    print(f"    verify 1 KiB: {rate(lambda: crypto.sm2_verify(pair.public_hex, msg, sig), seconds):8.1f} /s")
    print(f"    keygen      : {rate(crypto.sm2_generate_keypair, seconds):8.1f} /s")
    block = os.urandom(8 * 1024 * 1024)
    key = os.urandom(16)
    mb = len(block) / 1e6
    print(f"  SM3 8 MB      : {rate(lambda: crypto.sm3_digest(block), seconds) * mb:8.1f} MB/s")
    print(f"  SM4-GCM 8 MB  : {rate(lambda: sm4_gcm_encrypt(key, block), seconds) * mb:8.1f} MB/s")
    field = b"310101199001011234"
    print(f"  field encrypt (SM4-GCM, key store, 18 B): {rate(lambda: crypto.sm4_encrypt(field), seconds):8.0f} /s")
    hasher = PBKDF2SM3PasswordHasher()
    print(f"  PBKDF2-SM3 ({hasher.iterations} rounds): {rate(lambda: hasher.encode('jianguan-demo', 'saltsaltsalt1234'), seconds):6.2f} hashes/s")


def certificates(count: int) -> None:
    from documents import services
    from documents.verify import verify_pdf
    from domain.organisations import demo as org_demo

    orgs = org_demo.organisations()
    issuer, holder = orgs["city"], orgs["contractor"]
    services.active_seal(issuer)

    def one(i: int) -> bytes:
        doc = services.issue_document(
            kind="certificate",
            title="建筑施工企业安全生产许可证",
            context={"holder": holder.name, "fields": [["证书编号", f"BENCH-{i:05d}"], ["许可范围", "建筑施工"]],
                     "valid_until": "2029年12月31日"},
            issuer=issuer,
        )
        return services.seal_document(doc, organisation=issuer).pdf_bytes()

    one(0)
    start = time.perf_counter()
    pdfs = [one(i + 1) for i in range(count)]
    made = time.perf_counter() - start
    start = time.perf_counter()
    assert all(verify_pdf(p).is_valid for p in pdfs)
    verified = time.perf_counter() - start
    print(f"  sealed certificates (render + store + SM2 seal): {count / made:6.2f} /s  ({sum(map(len, pdfs)) / count / 1024:.0f} KiB each)")
    print(f"  verify sealed PDF                              : {count / verified:6.2f} /s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--certificates", type=int, default=20)
    args = parser.parse_args()
    setup()
    print("crypto benchmark (one process)")
    primitives(args.seconds)
    certificates(args.certificates)


if __name__ == "__main__":
    main()
