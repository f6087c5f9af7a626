"""Threshold estimation: a planted gap is found; no separation and silent parties are warned about."""

from __future__ import annotations

import numpy as np

from tiphub.linkage import local, threshold
from tiphub.linkage.types import Encodings, MatchParams


def test_finds_a_planted_gap() -> None:
    rng = np.random.default_rng(0)
    strangers = 0.5 + np.abs(rng.normal(0, 0.04, 20_000))  # a tail falling from the floor
    matches = rng.uniform(0.78, 0.98, 2_000)
    t, warnings = threshold.estimate(np.concatenate([strangers, matches]), floor=0.5)
    assert 0.66 <= t <= 0.78 and warnings == []


def test_finds_a_gap_when_every_record_has_a_match() -> None:
    rng = np.random.default_rng(1)
    strangers = rng.normal(0.45, 0.05, 8_000)
    matches = np.clip(rng.normal(0.9, 0.04, 5_000), 0, 1)
    t, warnings = threshold.estimate(np.concatenate([strangers, matches]), floor=0.0)
    assert 0.62 <= t <= 0.8 and warnings == []


def test_no_separation_falls_back_with_a_warning() -> None:
    rng = np.random.default_rng(2)
    t, warnings = threshold.estimate(rng.normal(0.5, 0.05, 20_000), floor=0.0)
    assert t >= threshold.FALLBACK and len(warnings) == 1 and "no clear separation" in warnings[0]
    t, warnings = threshold.estimate(np.array([0.9, 0.95]), floor=0.5)
    assert t == threshold.FALLBACK and "Too few" in warnings[0]


def three_parties(n_per: int, seed: int, stranger: int | None = None) -> Encodings:
    """Parties 1 and 2 hold noisy copies of a fifth of party 0's records; ``stranger`` re-encoded."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 256, (3 * n_per, 128), dtype=np.uint8)
    k = n_per // 5
    for p in (1, 2):
        noise = rng.random((k, 1024)) < rng.uniform(0.05, 0.2, k)[:, None]
        bits[p * n_per: p * n_per + k] = np.packbits(np.unpackbits(bits[:k], axis=1) ^ noise, axis=1)
    if stranger is not None:  # another secret: the same people, unrelated bits
        bits[stranger * n_per: (stranger + 1) * n_per] = rng.integers(0, 256, (n_per, 128), dtype=np.uint8)
    return Encodings(bits=bits, party=np.repeat(np.arange(3), n_per).astype(np.int32))


def test_estimated_threshold_links_synthetic_parties() -> None:
    m = local.match(three_parties(1000, 3), MatchParams())
    assert m.threshold_estimated and 0.6 <= m.threshold <= 0.75 and m.warnings == []
    assert (np.bincount(m.person, minlength=3000) == 3).sum() >= 195  # ~200 persons seen by all three


def test_warns_about_a_party_that_matches_nobody() -> None:
    m = local.match(three_parties(1000, 4, stranger=2), MatchParams())
    assert any(w.startswith("Party 2:") and "different secret" in w for w in m.warnings)
    given = local.match(three_parties(1000, 4, stranger=2), MatchParams(threshold=0.7))
    assert any(w.startswith("Party 2:") for w in given.warnings)  # also with a given threshold


def test_two_parties_with_different_secrets() -> None:
    enc = three_parties(1000, 5, stranger=1)
    two = Encodings(bits=enc.bits[:2000], party=enc.party[:2000])
    m = local.match(two, MatchParams())
    assert m.warnings and (m.person == np.arange(2000)).all()


def test_a_heavy_strangers_tail_and_a_dip_among_matches_take_the_first_valley() -> None:
    """Large populations with common names: far more look-alike strangers than matches, and the
    matches split into near-identical copies (~0.95) and exact ones (1.0). Otsu's split lands in
    the strangers' tail; the threshold must be the valley between strangers and matches, not the
    dip between the two kinds of matches."""
    from tiphub.linkage.threshold import estimate

    rng = np.random.default_rng(4)
    floor = 0.7
    strangers = floor + rng.exponential(0.03, 600_000)
    near = rng.normal(0.945, 0.015, 20_000)
    exact = np.ones(40_000)
    scores = np.concatenate([strangers, near, exact])
    scores = scores[(scores >= floor) & (scores <= 1.0)]
    threshold, warnings = estimate(scores, floor)
    assert 0.86 <= threshold <= 0.92 and warnings == []
