"""Greedy clustering: one record per party per person, order-independent, deterministic labels."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tiphub.linkage.cluster import greedy_persons, resolve
from tiphub.linkage.types import Candidates, Encodings, MatchParams


def cands(pairs: list[tuple[int, int, float]]) -> Candidates:
    pairs = sorted((min(a, b), max(a, b), s) for a, b, s in pairs)
    i, j, s = (np.array([p[k] for p in pairs]) for k in range(3))
    return Candidates(i=i.astype(np.int64), j=j.astype(np.int64), score=s.astype(np.float64),
                      comparisons=len(pairs))


def enc_of(party: list[int]) -> Encodings:
    return Encodings(bits=np.zeros((len(party), 128), np.uint8), party=np.array(party, np.int32))


def test_person_is_the_smallest_position_and_singletons_keep_their_own() -> None:
    m = resolve(enc_of([0, 1, 2, 0]), cands([(1, 2, 0.9), (3, 1, 0.95)]), MatchParams(threshold=0.8))
    assert m.person.tolist() == [0, 1, 1, 1]
    assert (m.threshold, m.threshold_estimated, m.candidates) == (0.8, False, 2)


def test_one_record_per_party_the_better_pair_wins() -> None:
    # records 1 and 2 are both party 1; 0 resembles both, 2 more
    m = resolve(enc_of([0, 1, 1]), cands([(0, 1, 0.85), (0, 2, 0.9)]), MatchParams(threshold=0.8))
    assert m.person.tolist() == [0, 1, 0]


def test_within_party_allows_duplicates_in_one_file() -> None:
    m = resolve(enc_of([0, 0, 0, 0]), cands([(0, 1, 0.9), (1, 2, 0.88), (0, 2, 0.87)]),
                MatchParams(threshold=0.8, within_party=True))
    assert m.person.tolist() == [0, 0, 0, 3]
    m = resolve(enc_of([0, 0, 0, 0]), cands([(0, 1, 0.9)]), MatchParams(threshold=0.8))
    assert m.person.tolist() == [0, 1, 2, 3]  # same party, no dedupe: never one person


def test_a_chain_of_weak_links_is_not_one_person() -> None:
    # 0~1~2~3 in a line, no other pairs: after {0,1} and {2,3}, one link of four is too little
    m = resolve(enc_of([0, 0, 0, 0]), cands([(0, 1, 0.95), (2, 3, 0.94), (1, 2, 0.85)]),
                MatchParams(threshold=0.8, within_party=True))
    assert m.person.tolist() == [0, 0, 2, 2]


def test_below_threshold_pairs_are_ignored() -> None:
    m = resolve(enc_of([0, 1]), cands([(0, 1, 0.79)]), MatchParams(threshold=0.8))
    assert m.person.tolist() == [0, 1] and m.candidates == 0


@st.composite
def problems(draw):
    n = draw(st.integers(2, 25))
    party = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from([0.8, 0.85, 0.9, 0.95, 1.0])), max_size=60))
    unique = {(min(a, b), max(a, b)): s for a, b, s in pairs if a != b}
    return party, [(a, b, s) for (a, b), s in unique.items()], draw(st.booleans()), draw(st.randoms())


@settings(max_examples=150, deadline=None)
@given(problems())
def test_resolve_is_order_independent_and_respects_parties(problem) -> None:
    party, pairs, within, rnd = problem
    enc = enc_of(party)
    params = MatchParams(threshold=0.8, within_party=within)
    first = resolve(enc, cands(pairs), params).person
    shuffled = pairs[:]
    rnd.shuffle(shuffled)
    c = cands(pairs)
    order = np.array(rnd.sample(range(len(pairs)), len(pairs)), np.int64)
    again = greedy_persons(enc.n, enc.party, c.i[order], c.j[order], c.score[order], within)
    assert np.array_equal(first, again)  # ties included (scores repeat on purpose)
    for p in np.unique(first):
        members = np.flatnonzero(first == p)
        assert members.min() == p
        if not within:
            assert len(set(enc.party[members].tolist())) == members.size
