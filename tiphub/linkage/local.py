"""The local engine: candidate pairs on every core of this machine, then persons.

The compiled kernels release the GIL, so plain threads share the encodings without copying
them. Work is cut into many more pieces than there are cores (row ranges of the all-pairs
rectangles, or LSH bands), and the results are put in canonical order (sorted by (i, j), each
pair once) — so the candidates, and hence the persons, do not depend on the number of cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
from numba import njit

from . import blocking, kernel
from .cluster import resolve
from .threshold import estimate, floor_for
from .types import Candidates, Encodings, Matching, MatchParams

__all__ = ["candidates", "match"]


def _workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _canonical(n: int, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenate (i, j, score) pieces into pairs sorted by (i, j), each pair once."""
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    i = np.concatenate([p[0] for p in parts])
    j = np.concatenate([p[1] for p in parts])
    s = np.concatenate([p[2] for p in parts])
    key = i * np.int64(n) + j
    key, first = np.unique(key, return_index=True)  # sorted; duplicates carry identical scores
    return key // n, key % n, s[first]


def _row_ranges(weights: np.ndarray, pieces: int) -> list[tuple[int, int]]:
    """Split rows into contiguous ranges of about equal total weight (work)."""
    total = np.cumsum(weights, dtype=np.float64)
    if total.size == 0 or total[-1] == 0:
        return []
    cuts = np.searchsorted(total, np.linspace(0, total[-1], pieces + 1)[1:-1])
    bounds = np.unique(np.concatenate([[0], cuts, [weights.size]]))
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def _all_pairs(enc: Encodings, words: np.ndarray, pops: np.ndarray, floor: float, within_party: bool,
               pool: ThreadPoolExecutor, pieces: int) -> tuple[list, int]:
    n = enc.n
    if within_party:
        ranges = _row_ranges(np.arange(n, 0, -1, dtype=np.int64) - 1, pieces)
        party = np.ascontiguousarray(enc.party, dtype=np.int64)
        jobs = [pool.submit(kernel.all_pairs_triangle, words, pops, party, a, b, floor, True)
                for a, b in ranges]
        return [f.result()[:3] for f in jobs], n * (n - 1) // 2
    order = np.argsort(enc.party, kind="stable")
    parties, starts = np.unique(enc.party[order], return_index=True)
    bounds = list(starts) + [n]
    blocks = [order[bounds[k]:bounds[k + 1]] for k in range(len(parties))]
    sorted_words = [np.ascontiguousarray(words[b]) for b in blocks]
    sorted_pops = [pops[b] for b in blocks]
    jobs, maps, comparisons = [], [], 0
    total = sum(len(a) * len(b) for x, a in enumerate(blocks) for b in blocks[x + 1:])
    for x in range(len(blocks)):
        for y in range(x + 1, len(blocks)):
            na, nb = len(blocks[x]), len(blocks[y])
            comparisons += na * nb
            share = max(1, round(pieces * na * nb / max(total, 1)))
            for a, b in _row_ranges(np.full(na, nb, np.int64), share):
                jobs.append(pool.submit(kernel.all_pairs, sorted_words[x][a:b], sorted_pops[x][a:b],
                                        sorted_words[y], sorted_pops[y], floor))
                maps.append((blocks[x][a:b], blocks[y]))
    parts = []
    for job, (rows_a, rows_b) in zip(jobs, maps, strict=True):
        ia, jb, s = job.result()
        gi, gj = rows_a[ia], rows_b[jb]
        parts.append((np.minimum(gi, gj), np.maximum(gi, gj), s))
    return parts, comparisons


@njit(cache=True, nogil=True)
def _lsh_bands(bits: np.ndarray, words: np.ndarray, pops: np.ndarray, party: np.ndarray,
               positions: np.ndarray, floor: float, within_party: bool):
    """Score the runs of every band in ``positions`` (one thread's share of the bands)."""
    ids = np.arange(bits.shape[0])
    scratch = np.empty_like(words)
    out_i, out_j, out_s = [], [], []
    comparisons = 0
    for t in range(positions.shape[0]):
        keys = blocking.band_keys(bits, positions[t: t + 1])[:, 0]
        order = blocking.sort_keys(keys, positions.shape[1])
        i, j, s, c = blocking.score_runs_with(words, pops, party, ids, keys, order, floor, within_party,
                                              scratch)
        out_i.append(i)
        out_j.append(j)
        out_s.append(s)
        comparisons += c
    return out_i, out_j, out_s, comparisons


def _lsh(enc: Encodings, words: np.ndarray, pops: np.ndarray, floor: float, within_party: bool,
         choice: dict, pool: ThreadPoolExecutor, workers: int) -> tuple[list, int]:
    positions = blocking.band_positions(enc.bits.shape[1] * 8, choice["bands"], choice["bits_per_band"],
                                        choice["seed"])
    party = np.ascontiguousarray(enc.party, dtype=np.int64)
    step = max(1, -(-positions.shape[0] // (4 * workers)))  # a few chunks of bands per thread
    chunks = [positions[t: t + step] for t in range(0, positions.shape[0], step)]
    jobs = [pool.submit(_lsh_bands, enc.bits, words, pops, party, c, floor, within_party) for c in chunks]
    parts, comparisons = [], 0
    for job in jobs:
        ii, jj, ss, c = job.result()
        comparisons += c
        parts.append(_canonical(enc.n, list(zip(ii, jj, ss, strict=True))))  # a pair found in many bands
    return parts, comparisons


def candidates(enc: Encodings, params: MatchParams, floor: float, workers: int | None = None) -> Candidates:
    """Every pair the blocking lets through with score >= ``floor``, computed on all cores.

    ``Candidates.blocking`` records the blocking used (see :func:`.blocking.choose`) and the floor.
    """
    choice = dict(blocking.choose(enc, params))
    workers = workers or _workers()
    words = kernel.as_words(enc.bits)
    pops = kernel.popcounts(words)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        if choice["method"] == "none":
            parts, comparisons = _all_pairs(enc, words, pops, floor, params.within_party, pool, 8 * workers)
        else:
            parts, comparisons = _lsh(enc, words, pops, floor, params.within_party, choice, pool, workers)
    i, j, s = _canonical(enc.n, parts)
    choice["floor"] = float(floor)
    return Candidates(i=i, j=j, score=s, comparisons=int(comparisons), blocking=choice)


def expected_comparisons(enc: Encodings, params: MatchParams, choice: dict) -> int:
    """Roughly how many pairs the blocking will score (sets the floor when estimating)."""
    if choice["method"] == "none":
        return int(choice["pairs"])
    per_band = choice["stranger_collisions_per_band"] * enc.n / 2
    return int(per_band * choice["bands"])


PILOT_RECORDS = 40_000
PILOT_BUDGET_PER_RECORD = 8  # candidate pairs a record may bring, strangers included
PILOT_MAX_FLOOR = 0.8  # below the fallback threshold, so an unclear estimate can still fall back


def pilot_floor(enc: Encodings, params: MatchParams, choice: dict) -> float:
    """A floor that keeps the candidates of an LSH run near a budget per record.

    :func:`.threshold.floor_for` reads the scores of *random* pairs, but LSH brings similar
    records together: where many strangers look alike (common names with the same sex and
    citizenship) the candidates above that floor run to hundreds per record and the run runs
    out of memory. So: block a seeded sample of the records with the very bands of the full
    run (each colliding pair of the sample is a uniform draw of the full run's colliding pairs),
    and take the score that only the budgeted share of them exceeds. Deterministic, and
    computed once on the driver, so every engine gets the same floor.
    """
    m = min(enc.n, PILOT_RECORDS)
    rng = np.random.Generator(np.random.PCG64(params.seed + 1))
    rows = np.sort(rng.choice(enc.n, size=m, replace=False)) if m < enc.n else np.arange(enc.n)
    sample = Encodings(bits=np.ascontiguousarray(enc.bits[rows]), party=enc.party[rows])
    fixed = replace(params, blocking="lsh", bands=choice["bands"],
                    bits_per_band=choice["bits_per_band"])
    scores = candidates(sample, fixed, 0.0).score
    expected = scores.size * (enc.n / m) ** 2  # distinct colliding pairs in the full run
    budget = PILOT_BUDGET_PER_RECORD * enc.n
    if scores.size == 0 or expected <= budget:
        return 0.0
    return min(float(np.quantile(scores, 1.0 - budget / expected, method="lower")), PILOT_MAX_FLOOR)


def match(enc: Encodings, params: MatchParams, *,
          find: Callable[[Encodings, MatchParams, float], Candidates] | None = None) -> Matching:
    """Link ``enc`` into persons: blocking, scoring, threshold, clustering.

    ``find`` is the engine's candidate search (default: this machine's :func:`candidates`);
    every engine shares the rest, so they give the same persons.
    """
    find = find or candidates
    choice = blocking.choose(enc, params)
    floor = floor_for(enc, params, expected_comparisons(enc, params, choice))
    if params.threshold is None and choice["method"] == "lsh":
        floor = max(floor, pilot_floor(enc, params, choice))
    cands = find(enc, params, floor)
    if params.threshold is not None:
        return resolve(enc, cands, params)
    threshold, warnings = estimate(cands.score, floor)
    if threshold < floor:  # the estimate lies below what was kept: score again down to it (rare)
        cands = find(enc, params, threshold)
    result = resolve(enc, cands, replace(params, threshold=threshold))
    return replace(result, threshold_estimated=True, warnings=warnings + result.warnings)
