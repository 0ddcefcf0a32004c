"""Decision-engine benchmark: evaluations per second of a 50-rule, 5-input decision table after compilation.

    .venv/bin/python benchmarks/bench_decisions.py [--seconds 2]

Target (issue 5): ≥ 20,000 evaluations/s on one core. Reports FIRST (stops at the first hit), UNIQUE and COLLECT
(every rule considered), the full ``decisions.api.evaluate`` path (registry lookup, explanation data) and the
load + compile + verify time. One process, one core; inputs are drawn once from a fixed seed.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.test_settings")

DISTRICTS = [
    "310101",
    "310104",
    "310105",
    "310106",
    "310107",
    "310109",
    "310110",
    "310112",
    "310113",
    "310115",
]
KINDS = ["general", "major", "serious", "minor"]


def table_xml(hit_policy: str) -> str:
    """50 rules over amount (ranges), district (lists), days (comparisons), flag (boolean), kind (not(...))."""
    from decisions.authoring import dmn_xml

    rules = []
    for n in range(50):
        low = n * 20_000
        cells = [
            f"[{low}..{low + 20_000})",
            ",".join(f'"{d}"' for d in DISTRICTS[n % 5 : n % 5 + 4]),
            f">= {n % 10}" if n % 3 else "-",
            "true" if n % 2 else "-",
            f'not("{KINDS[n % 4]}")' if n % 4 else "-",
        ]
        rules.append((cells, [f'"R{n + 1}"', str(n)], f"规则 {n + 1}"))
    return dmn_xml(
        "bench",
        hit_policy=hit_policy,
        inputs=[
            ("amount", "number"),
            ("district", "string"),
            ("days", "number"),
            ("flag", "boolean"),
            ("kind", "string"),
        ],
        outputs=[("code", "string"), ("score", "number")],
        rules=rules,
        defaults={"code": '"NONE"'},
    )


def inputs(count: int) -> list[dict[str, Any]]:
    rng = random.Random(5)
    return [
        {
            "amount": rng.randrange(0, 1_000_000),
            "district": rng.choice(DISTRICTS),
            "days": rng.randrange(0, 15),
            "flag": rng.random() < 0.5,
            "kind": rng.choice(KINDS),
        }
        for _ in range(count)
    ]


def rate(fn: Callable[[dict[str, Any]], object], data: list[dict[str, Any]], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    size = len(data)
    while time.perf_counter() - start < seconds:
        for i in range(1000):
            fn(data[i % size])
        n += 1000
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    import django

    django.setup()
    import tempfile

    from decisions import api
    from decisions.engine.evaluator import evaluate_table
    from decisions.engine.loader import load_bytes
    from decisions.engine.verifier import verify
    from decisions.registry import Registry

    data = inputs(5000)
    print(
        f"table: 50 rules × 5 inputs; {len(data)} random input sets; {args.seconds:.0f} s per figure; one core"
    )
    start = time.perf_counter()
    for _ in range(20):
        table = load_bytes(table_xml("UNIQUE").encode())[0]
        verify(table)
    print(f"{'load + compile + verify':<34} {(time.perf_counter() - start) / 20 * 1000:>10.1f} ms per table")
    for policy in ("FIRST", "UNIQUE", "COLLECT"):
        table = load_bytes(table_xml(policy).encode())[0]
        per_second = rate(functools.partial(evaluate_table, table), data, args.seconds)
        print(f"{'compiled ' + policy:<34} {per_second:>10,.0f} evaluations/s")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "bench.dmn").write_text(table_xml("UNIQUE"), encoding="utf-8")
        registry = Registry([Path(folder)])
        per_second = rate(lambda inp: api.evaluate("bench", inp, registry=registry), data, args.seconds)
        print(f"{'api.evaluate (UNIQUE, registry)':<34} {per_second:>10,.0f} evaluations/s")
        result = api.evaluate("bench", data[0], registry=registry)
        print(f"sample: {result.explanation()}")


if __name__ == "__main__":
    main()
