"""The Dice kernel against a plain numpy reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tiphub.linkage import kernel


def reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dice of every row of a against every row of b, the slow obvious way."""
    ua, ub = np.unpackbits(a, axis=1).astype(np.int64), np.unpackbits(b, axis=1).astype(np.int64)
    common = ua @ ub.T
    total = ua.sum(1)[:, None] + ub.sum(1)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total == 0, 0.0, 2.0 * common / np.maximum(total, 1))


def filters(rng: np.random.Generator, n: int, width: int, density: float = 0.5) -> np.ndarray:
    return np.packbits(rng.random((n, width * 8)) < density, axis=1)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(1, 20), st.integers(1, 150), st.floats(0.05, 0.95),
       st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_all_pairs_equals_numpy(n_a: int, n_b: int, width: int, density: float, floor: float,
                                seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = filters(rng, n_a, width, density), filters(rng, n_b, width, density)
    b[: min(n_a, n_b)] = a[: min(n_a, n_b)]  # some identical pairs
    wa, wb = kernel.as_words(a), kernel.as_words(b)
    i, j, s = kernel.all_pairs(wa, kernel.popcounts(wa), wb, kernel.popcounts(wb), floor)
    ref = reference(a, b)
    ri, rj = np.nonzero(ref >= floor)
    assert np.array_equal(i, ri) and np.array_equal(j, rj)
    assert np.array_equal(s, ref[ri, rj])  # bit-identical, not just close


def test_dice_pairs_rows_and_popcounts_agree() -> None:
    rng = np.random.default_rng(3)
    bits = filters(rng, 50, 128, 0.3)
    words = kernel.as_words(bits)
    pops = kernel.popcounts(words)
    assert np.array_equal(pops, np.unpackbits(bits, axis=1).sum(1))
    i, j = rng.integers(0, 50, 200), rng.integers(0, 50, 200)
    ref = reference(bits, bits)[i, j]
    assert np.array_equal(kernel.dice_pairs(words, pops, i, j), ref)
    assert np.array_equal(kernel.dice_rows(words[i], pops[i], words[j], pops[j]), ref)
    assert kernel.dice(bits[0], bits[0]) == 1.0


def test_empty_filters_score_zero() -> None:
    zero = np.zeros((2, 128), np.uint8)
    assert kernel.dice(zero[0], zero[1]) == 0.0


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 60), st.integers(1, 3), st.booleans(), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_triangle_equals_numpy(n: int, parties: int, within: bool, floor: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    bits = filters(rng, n, 16)
    party = rng.integers(0, parties, n)
    words = kernel.as_words(bits)
    pops = kernel.popcounts(words)
    i, j, s, comparisons = kernel.all_pairs_triangle(words, pops, party, 0, n, floor, within)
    ref = reference(bits, bits)
    allowed = np.triu(np.ones((n, n), bool), 1) & (within | (party[:, None] != party[None, :]))
    ri, rj = np.nonzero(allowed & (ref >= floor))
    assert np.array_equal(i, ri) and np.array_equal(j, rj) and np.array_equal(s, ref[ri, rj])
    assert comparisons == allowed.sum()


def test_min_common_agrees_with_the_score() -> None:
    for floor in (0.0, 0.5, 0.7, 0.8123, 0.9999, 1.0):
        need = kernel.min_common(floor, 300)
        for total in range(301):
            for c in range(total + 1):
                score = 0.0 if total == 0 else 2.0 * c / total
                assert (c >= need[total]) == (score >= floor)
