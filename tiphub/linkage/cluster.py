"""From scored pairs to persons, across any number of parties.

Greedy, as in anonlink's greedy solvers: pairs at or above the threshold are taken in
descending score — ties broken by the smaller (i, j), so the order is total and the result
cannot depend on the order the engine produced them in or on how many cores it used. Each
record starts as its own group; a pair joins the groups of its two records when

* no party holds a record in both groups (one record per party per person), unless
  ``MatchParams.within_party`` (deduplication within a file), and
* at least ``MERGE_FRACTION`` of all record pairs between the two groups have been seen as
  candidate pairs so far (counting this one). A group is thus a set of records most of which
  resemble each other, not a chain A~B~C~D of ever less similar records. Pairs that fail are
  remembered and count towards a later merge of the same groups, as in anonlink's
  probabilistic greedy solver (its ``merge_threshold`` is this fraction).

A person is labelled by the smallest record position in it.
"""

from __future__ import annotations

import numpy as np

from . import threshold as thresholds
from .types import Candidates, Encodings, Matching, MatchParams

__all__ = ["MERGE_FRACTION", "greedy_persons", "resolve"]

MERGE_FRACTION = 0.5


def greedy_persons(n: int, party: np.ndarray, i: np.ndarray, j: np.ndarray, score: np.ndarray,
                   within_party: bool) -> np.ndarray:
    """Person label (smallest member position) of each of ``n`` records, from pairs >= the threshold."""
    order = np.lexsort((j, i, -score))
    root = list(range(n))
    members: dict[int, list[int]] = {}
    masks: dict[int, int] = {}
    seen: dict[int, dict[int, int]] = {}
    party_list = party.tolist()

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for a, b in zip(i[order].tolist(), j[order].tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        mask_a = masks.get(ra, 1 << party_list[ra])
        mask_b = masks.get(rb, 1 << party_list[rb])
        if not within_party and mask_a & mask_b:
            continue  # a party would hold two records of one person; never mergeable later either
        group_a = members.get(ra) or [ra]
        group_b = members.get(rb) or [rb]
        links_a = seen.setdefault(ra, {})
        overlap = links_a.get(rb, 0) + 1
        if overlap < MERGE_FRACTION * len(group_a) * len(group_b):
            links_a[rb] = overlap
            seen.setdefault(rb, {})[ra] = overlap
            continue
        if len(group_a) < len(group_b):  # the bigger group absorbs the smaller
            ra, rb, group_a, group_b, mask_a, mask_b = rb, ra, group_b, group_a, mask_b, mask_a
        root[rb] = ra
        group_a.extend(group_b)
        members[ra] = group_a
        members.pop(rb, None)
        masks[ra] = mask_a | mask_b
        masks.pop(rb, None)
        links_big = seen.setdefault(ra, {})
        links_big.pop(rb, None)
        for other, count in seen.pop(rb, {}).items():
            if other == ra:
                continue
            links_big[other] = links_big.get(other, 0) + count
            back = seen[other]
            back.pop(rb, None)
            back[ra] = back.get(ra, 0) + count

    roots = np.fromiter((find(x) for x in range(n)), np.int64, n)
    smallest = np.full(n, n, np.int64)
    np.minimum.at(smallest, roots, np.arange(n, dtype=np.int64))
    return smallest[roots]


def resolve(enc: Encodings, cands: Candidates, params: MatchParams) -> Matching:
    """Persons from scored candidate pairs at ``params.threshold`` (given, or estimated by
    :func:`tiphub.linkage.local.match`), by greedy clustering."""
    if params.threshold is None:
        raise ValueError("resolve needs a threshold: local.match estimates one when none is given")
    threshold = float(params.threshold)
    keep = cands.score >= threshold
    person = greedy_persons(enc.n, np.asarray(enc.party), cands.i[keep], cands.j[keep], cands.score[keep],
                            params.within_party)
    return Matching(person=person, threshold=threshold, threshold_estimated=False,
                    candidates=int(keep.sum()), comparisons=cands.comparisons, blocking=dict(cands.blocking),
                    warnings=thresholds.party_warnings(enc, person))
