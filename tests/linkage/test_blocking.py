"""LSH blocking: seeded positions, keys, runs, the auto choice, and recall on known matches."""

from __future__ import annotations

import numpy as np

from tiphub.linkage import blocking, kernel, local
from tiphub.linkage.types import Encodings, MatchParams


def linked_pairs(n_per: int, seed: int, dice_low: float = 0.75, dice_high: float = 0.95):
    """Two parties; party 1 holds noisy copies of party 0's first half (Dice in the range)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 256, (n_per, 128), dtype=np.uint8)
    b = rng.integers(0, 256, (n_per, 128), dtype=np.uint8)
    k = n_per // 2
    flip = rng.uniform(1 - dice_high, 1 - dice_low, k)  # density 0.5: Dice ~ 1 - flipped share
    noise = rng.random((k, 1024)) < flip[:, None]
    b[:k] = np.packbits(np.unpackbits(a[:k], axis=1) ^ noise, axis=1)
    enc = Encodings(bits=np.concatenate([a, b]), party=np.repeat(np.arange(2), n_per).astype(np.int32))
    return enc, np.arange(k), n_per + np.arange(k)


def test_band_positions_are_seeded_and_distinct() -> None:
    p = blocking.band_positions(1024, 30, 20, seed=7)
    assert p.shape == (30, 20) and p.min() >= 0 and p.max() < 1024
    assert all(len(set(row)) == 20 for row in p.tolist())
    assert np.array_equal(p, blocking.band_positions(1024, 30, 20, seed=7))
    assert not np.array_equal(p, blocking.band_positions(1024, 30, 20, seed=8))
    # a fixed value, so a change of the sampler (which would change every run's pairs) is noticed
    assert blocking.band_positions(1024, 1, 4, seed=0).tolist() == [[623, 922, 962, 352]]


def test_band_keys_pack_the_sampled_bits() -> None:
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 256, (40, 128), dtype=np.uint8)
    positions = blocking.band_positions(1024, 5, 12, seed=3)
    keys = blocking.band_keys(bits, positions)
    unpacked = np.unpackbits(bits, axis=1)  # clkhash order: bit 0 = most significant bit of byte 0
    for t in range(5):
        expected = (unpacked[:, positions[t]] * (1 << np.arange(11, -1, -1))).sum(1)
        assert np.array_equal(keys[:, t], expected.astype(np.uint64))
    assert np.array_equal(blocking.band_keys(bits[10:20], positions), keys[10:20])  # chunks agree


def test_score_runs_scores_exactly_the_pairs_sharing_a_key() -> None:
    rng = np.random.default_rng(2)
    bits = rng.integers(0, 256, (60, 128), dtype=np.uint8)
    party = rng.integers(0, 3, 60)
    keys = rng.integers(0, 6, 60)
    words = kernel.as_words(bits)
    pops = kernel.popcounts(words)
    ids = np.arange(60) + 1000
    i, j, s, comparisons = blocking.score_runs(words, pops, party, ids, keys, np.argsort(keys), 0.0, False)
    want = {(x + 1000, y + 1000) for x in range(60) for y in range(x + 1, 60)
            if keys[x] == keys[y] and party[x] != party[y]}
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == want and comparisons == len(want)
    ref = kernel.dice_pairs(words, pops, i - 1000, j - 1000)
    assert np.array_equal(s, ref)


def test_eligible_pairs() -> None:
    party = np.array([0, 0, 1, 2, 2, 2])
    assert blocking.eligible_pairs(party, False) == 2 * 1 + 2 * 3 + 1 * 3
    assert blocking.eligible_pairs(party, True) == 15


def test_auto_compares_all_pairs_when_cheap_and_lsh_when_not(monkeypatch) -> None:
    enc, _, _ = linked_pairs(500, 0)
    assert blocking.choose(enc, MatchParams()) == {"method": "none", "pairs": 250_000}
    monkeypatch.setattr(blocking, "ALL_PAIRS_LIMIT", 1000)
    choice = blocking.choose(enc, MatchParams(seed=5))
    assert choice["method"] == "lsh" and choice["seed"] == 5 and choice["expected_recall"] >= 0.95
    assert 8 <= choice["bits_per_band"] <= 64 and 1 <= choice["bands"] <= blocking.MAX_BANDS
    given = blocking.choose(enc, MatchParams(blocking="lsh", bands=7, bits_per_band=11))
    assert (given["bands"], given["bits_per_band"]) == (7, 11)


def test_lsh_recall_of_known_matches() -> None:
    enc, left, right = linked_pairs(2000, 4)
    cands = local.candidates(enc, MatchParams(blocking="lsh"), floor=0.0)
    found = set(zip(cands.i.tolist(), cands.j.tolist(), strict=True))
    recall = np.mean([(a, b) in found for a, b in zip(left.tolist(), right.tolist(), strict=True)])
    assert recall >= cands.blocking["expected_recall"] - 0.03  # the promise holds (Dice 0.75-0.95)
    assert recall >= 0.95
    assert cands.comparisons < 0.2 * 2000 * 2000  # and far fewer than all pairs were scored
    again = local.candidates(enc, MatchParams(blocking="lsh"), floor=0.0)
    assert np.array_equal(again.i, cands.i) and np.array_equal(again.j, cands.j)  # deterministic
