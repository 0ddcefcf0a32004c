"""The auditable, reproducible random draw (双随机: objects and inspectors).

Everything here is a pure function of public data, so anyone can re-run it (``scripts/verify_draw.py`` does so
with nothing but the Python standard library):

1. Before the draw, the commitment ``SM3(seed)`` is published.
2. The population (eligible sites of one district) is frozen as a list sorted by permit number; its digest is
   ``SM3`` of the canonical JSON.
3. After the seed is revealed, a deterministic byte stream (an SM3 counter-mode DRBG over
   ``seed | population digest | purpose | counter``) drives a Fisher–Yates shuffle; the first ``n`` entries are
   drawn, where ``n = round_half_up(N × proportion)``, at least 1 when N > 0 and proportion > 0.
4. Inspectors: for each drawn site in order, the district's inspector pool minus excluded (回避) pairs is shuffled
   with its own purpose string and the first ``k`` taken; at least 2 per site.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MIN_INSPECTORS = 2


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def commitment_for(seed: str) -> str:
    return sm3_hex(seed.encode())


def population_digest(population: Sequence[dict[str, Any]]) -> str:
    """SM3 of the canonical JSON of the population sorted by permit number (input order is irrelevant)."""
    return sm3_hex(canonical(sorted(population, key=lambda p: p["permit_number"])))


class Drbg:
    """SM3 in counter mode: block i = SM3(seed | context | purpose | i)."""

    def __init__(self, seed: str, context: str, purpose: str):
        self._prefix = f"{seed}|{context}|{purpose}|".encode()
        self._counter = 0
        self._buffer = b""

    def _bytes(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._buffer += hashlib.new("sm3", self._prefix + str(self._counter).encode()).digest()
            self._counter += 1
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def below(self, bound: int) -> int:
        """Uniform integer in [0, bound) by rejection sampling on 64-bit draws."""
        if bound <= 0:
            raise ValueError("bound must be positive")
        limit = (1 << 64) - ((1 << 64) % bound)
        while True:
            value = int.from_bytes(self._bytes(8), "big")
            if value < limit:
                return value % bound


def shuffled(items: Sequence[Any], drbg: Drbg) -> list[Any]:
    """Fisher–Yates (Durstenfeld) shuffle driven by ``drbg``."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = drbg.below(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def sample_size(population_size: int, proportion: Decimal) -> int:
    """``round_half_up(N × p)``, at least one when there is anyone to draw and the proportion is positive."""
    if population_size <= 0 or proportion <= 0:
        return 0
    n = int((Decimal(population_size) * proportion).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(max(n, 1), population_size)


@dataclass(frozen=True)
class DrawResult:
    selected: list[str]  # permit numbers, in draw order
    assignments: dict[str, list[str]]  # permit number -> inspector usernames


class NotEnoughInspectors(ValueError):
    pass


def run_draw(
    *,
    seed: str,
    population: Sequence[dict[str, Any]],
    proportion: Decimal,
    inspector_pool: Sequence[str],
    exclusions: Iterable[Sequence[str]] = (),
    inspectors_per_site: int = MIN_INSPECTORS,
) -> DrawResult:
    """Draw sites and inspectors. ``population`` items carry at least ``permit_number``; ``exclusions`` are
    ``(inspector, permit_number)`` pairs that must not meet (回避)."""
    if inspectors_per_site < MIN_INSPECTORS:
        raise ValueError(f"每个项目至少抽取 {MIN_INSPECTORS} 名检查人员")
    context = population_digest(population)
    ordered = sorted(p["permit_number"] for p in population)
    n = sample_size(len(ordered), Decimal(proportion))
    selected = shuffled(ordered, Drbg(seed, context, "sites"))[:n]
    excluded = {(inspector, permit) for inspector, permit in exclusions}
    pool = sorted(inspector_pool)
    assignments: dict[str, list[str]] = {}
    for permit in selected:
        eligible = [i for i in pool if (i, permit) not in excluded]
        if len(eligible) < inspectors_per_site:
            raise NotEnoughInspectors(f"项目 {permit} 回避后可选检查人员不足 {inspectors_per_site} 人")
        assignments[permit] = sorted(shuffled(eligible, Drbg(seed, context, f"inspectors:{permit}"))[:inspectors_per_site])
    return DrawResult(selected=selected, assignments=assignments)


def verify_record(record: dict[str, Any]) -> tuple[bool, str]:
    """Re-run a published draw record (the JSON offered for download next to each round)."""
    if commitment_for(record["seed"]) != record["commitment"]:
        return False, "种子与事先公布的承诺值不符"
    if population_digest(record["population"]) != record["population_digest"]:
        return False, "抽取对象名单与公布的摘要不符"
    result = run_draw(
        seed=record["seed"],
        population=record["population"],
        proportion=Decimal(record["proportion"]),
        inspector_pool=record["inspector_pool"],
        exclusions=record["exclusions"],
        inspectors_per_site=int(record["inspectors_per_site"]),
    )
    if result.selected != record["selected"] or result.assignments != record["assignments"]:
        return False, "重新计算的抽取结果与公布结果不一致"
    return True, f"验证通过：抽中 {len(result.selected)} 个项目，与公布结果一致"


def main(argv: Sequence[str] | None = None) -> int:
    """``python draw.py record.json`` — needs only the Python standard library (with OpenSSL's SM3)."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python draw.py <record.json>")
        return 2
    with open(args[0], encoding="utf-8") as fh:
        ok, message = verify_record(json.load(fh))
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
