"""The local engine: exact against brute force, independent of cores, and linking known persons."""

from __future__ import annotations

import numpy as np

from tiphub.linkage import blocking, kernel, local
from tiphub.linkage.types import Encodings, MatchParams


def parties(n_per: int, k: int, seed: int, shared: float = 0.2):
    """k parties; a share of party 0's records reappear, noisy (Dice ~0.75-0.95), in each other party."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 256, (k * n_per, 128), dtype=np.uint8)
    truth = np.arange(k * n_per)
    m = int(shared * n_per)
    for p in range(1, k):
        src = rng.choice(n_per, m, replace=False)
        noise = rng.random((m, 1024)) < rng.uniform(0.025, 0.12, m)[:, None]
        bits[p * n_per + np.arange(m)] = np.packbits(np.unpackbits(bits[src], axis=1) ^ noise, axis=1)
        truth[p * n_per + np.arange(m)] = src
    order = rng.permutation(k * n_per)  # parties interleaved, as records arrive
    enc = Encodings(bits=bits[order], party=np.repeat(np.arange(k), n_per).astype(np.int32)[order])
    return enc, truth[order]


def brute(enc: Encodings, floor: float, within: bool):
    words = kernel.as_words(enc.bits)
    i, j = np.triu_indices(enc.n, 1)
    if not within:
        keep = enc.party[i] != enc.party[j]
        i, j = i[keep], j[keep]
    s = kernel.dice_pairs(words, kernel.popcounts(words), i, j)
    return i[s >= floor], j[s >= floor], s[s >= floor]


def test_all_pairs_candidates_equal_brute_force_whatever_the_cores() -> None:
    enc, _ = parties(300, 3, 1)
    for within in (False, True):
        params = MatchParams(blocking="none", within_party=within)
        one = local.candidates(enc, params, 0.55, workers=1)
        two = local.candidates(enc, params, 0.55, workers=3)
        i, j, s = brute(enc, 0.55, within)
        for c in (one, two):
            assert np.array_equal(c.i, i) and np.array_equal(c.j, j) and np.array_equal(c.score, s)
        assert one.comparisons == two.comparisons == (enc.n * (enc.n - 1) // 2 if within else 3 * 300 * 300)
        assert one.blocking == {"method": "none", "pairs": one.comparisons, "floor": 0.55}


def test_lsh_candidates_are_exact_scores_and_independent_of_cores() -> None:
    enc, _ = parties(400, 3, 2)
    params = MatchParams(blocking="lsh", seed=3)
    one = local.candidates(enc, params, 0.6, workers=1)
    two = local.candidates(enc, params, 0.6, workers=2)
    assert np.array_equal(one.i, two.i) and np.array_equal(one.score, two.score)
    assert one.comparisons == two.comparisons and one.blocking == two.blocking
    assert np.all(one.i < one.j) and np.all(np.diff(one.i * enc.n + one.j) > 0)  # sorted, each pair once
    i, j, s = brute(enc, 0.6, False)
    full = dict(zip((i * enc.n + j).tolist(), s.tolist(), strict=True))
    keys = (one.i * enc.n + one.j).tolist()
    assert all(full[k] == v for k, v in zip(keys, one.score.tolist(), strict=True))
    assert one.blocking["method"] == "lsh" and one.blocking["seed"] == 3


def recall_precision(truth: np.ndarray, person: np.ndarray) -> tuple[float, float]:
    def pairs(labels):
        out = set()
        for lab in np.unique(labels):
            members = np.flatnonzero(labels == lab)
            out |= {(a, b) for x, a in enumerate(members) for b in members[x + 1:]}
        return out
    true, found = pairs(truth), pairs(person)
    return len(true & found) / len(true), len(true & found) / max(len(found), 1)


def test_match_links_four_parties() -> None:
    enc, truth = parties(500, 4, 5)
    m = local.match(enc, MatchParams())
    recall, precision = recall_precision(truth, m.person)
    assert recall >= 0.99 and precision >= 0.99 and m.threshold_estimated and m.warnings == []
    for p in np.unique(m.person):  # one record per party per person
        members = np.flatnonzero(m.person == p)
        assert members.min() == p and len(set(enc.party[members].tolist())) == members.size
    lsh = local.match(enc, MatchParams(blocking="lsh", threshold=m.threshold))
    assert recall_precision(truth, lsh.person)[0] >= 0.97 and lsh.comparisons < m.comparisons


def test_within_party_deduplicates_one_file() -> None:
    enc, truth = parties(400, 3, 6)
    one_file = Encodings(bits=enc.bits, party=np.zeros(enc.n, np.int32))
    m = local.match(one_file, MatchParams(within_party=True))
    recall, precision = recall_precision(truth, m.person)
    assert recall >= 0.99 and precision >= 0.99
    assert (local.match(one_file, MatchParams()).person == np.arange(enc.n)).all()  # no dedupe asked


def test_lsh_candidates_stay_within_budget_when_strangers_look_alike() -> None:
    """Common names with the same sex and citizenship: groups of strangers whose encodings share
    most bits. Random pairs would set the floor far too low; the pilot keeps the candidates near
    the budget per record (the run would otherwise hold hundreds of pairs per record)."""
    from tiphub.linkage.local import PILOT_BUDGET_PER_RECORD, candidates, pilot_floor
    from tiphub.linkage.threshold import floor_for

    rng = np.random.default_rng(5)
    groups, per_group = 60, 100
    base = rng.random((groups, 1024)) < 0.5
    rows = np.repeat(base, per_group, axis=0) ^ (rng.random((groups * per_group, 1024)) < 0.12)
    party = (np.arange(groups * per_group) % 3).astype(np.int32)
    enc = Encodings(bits=np.packbits(rows, axis=1), party=party)
    params = MatchParams(blocking="lsh", bands=30, bits_per_band=12)
    choice = blocking.choose(enc, params)
    naive = floor_for(enc, params, local.expected_comparisons(enc, params, choice))
    floor = max(naive, pilot_floor(enc, params, choice))
    assert floor > naive
    kept = candidates(enc, params, floor)
    assert kept.i.size <= 2 * PILOT_BUDGET_PER_RECORD * enc.n
    assert candidates(enc, params, naive).i.size > 4 * kept.i.size
