"""The draw is reproducible from public data, proportional with half-up rounding, and honours exclusions."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.sites import draw

POP = [{"permit_number": f"3101152026{n:04d}", "name": f"项目{n}"} for n in range(40)]
POOL = [f"inspector_{i}" for i in range(6)]


def _draw(seed="s" * 64, population=POP, proportion=Decimal("0.1"), exclusions=()):
    return draw.run_draw(
        seed=seed, population=population, proportion=proportion, inspector_pool=POOL, exclusions=exclusions
    )


def test_same_seed_and_population_give_the_same_draw():
    assert _draw() == _draw()
    assert _draw(population=list(reversed(POP))).selected == _draw().selected  # order of input is irrelevant


def test_different_seed_gives_a_different_draw():
    assert _draw(seed="a" * 64).selected != _draw(seed="b" * 64).selected


@pytest.mark.parametrize(
    ("n", "p", "expected"),
    [(40, "0.1", 4), (25, "0.1", 3), (24, "0.1", 2), (5, "0.1", 1), (0, "0.5", 0), (10, "0", 0), (3, "1", 3)],
)
def test_sample_size_rounds_half_up_with_a_minimum_of_one(n, p, expected):
    assert draw.sample_size(n, Decimal(p)) == expected


def test_every_drawn_site_gets_distinct_inspectors_and_exclusions_hold():
    first = _draw()
    permit = first.selected[0]
    banned = first.assignments[permit]
    again = _draw(exclusions=[(i, permit) for i in banned])
    assert again.selected == first.selected  # exclusions never change which sites are drawn
    assert not set(again.assignments[permit]) & set(banned)
    for inspectors in again.assignments.values():
        assert len(inspectors) == 2 and len(set(inspectors)) == 2


def test_too_many_exclusions_is_a_clear_error():
    permit = _draw().selected[0]
    with pytest.raises(draw.NotEnoughInspectors, match=permit):
        _draw(exclusions=[(i, permit) for i in POOL[:5]])


@given(st.integers(min_value=1, max_value=60), st.text(min_size=1, max_size=20))
def test_selection_is_a_subset_without_duplicates(size, seed):
    pop = POP[:size] if size <= len(POP) else POP
    result = _draw(seed=seed, population=pop, proportion=Decimal("0.3"))
    assert len(set(result.selected)) == len(result.selected) == draw.sample_size(len(pop), Decimal("0.3"))
    assert set(result.selected) <= {p["permit_number"] for p in pop}


def test_drbg_is_uniform_enough():
    rng = draw.Drbg("seed", "ctx", "test")
    counts = [0] * 5
    for _ in range(5000):
        counts[rng.below(5)] += 1
    assert all(900 < c < 1100 for c in counts)


def _record(seed="7" * 64):
    result = _draw(seed=seed)
    return {
        "seed": seed,
        "commitment": draw.commitment_for(seed),
        "population": POP,
        "population_digest": draw.population_digest(POP),
        "proportion": "0.1",
        "inspector_pool": POOL,
        "exclusions": [],
        "inspectors_per_site": 2,
        "selected": result.selected,
        "assignments": result.assignments,
    }


def test_verification_accepts_the_published_record_and_rejects_tampering():
    assert draw.verify_record(_record())[0]
    tampered = _record()
    tampered["selected"] = list(reversed(tampered["selected"]))
    assert draw.verify_record(tampered) == (False, "重新计算的抽取结果与公布结果不一致")
    wrong_seed = _record()
    wrong_seed["seed"] = "8" * 64
    assert not draw.verify_record(wrong_seed)[0]


def test_standalone_verifier_runs_with_the_standard_library_only(tmp_path):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(_record(), ensure_ascii=False), encoding="utf-8")
    script = Path(draw.__file__)
    out = subprocess.run([sys.executable, "-I", str(script), str(path)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "验证通过" in out.stdout
