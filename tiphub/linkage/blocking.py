"""Blocking: which pairs get compared, so that n records do not cost n² comparisons.

Hamming LSH on the filter bits (bit sampling): band t reads ``bits_per_band`` bit positions,
drawn once from the seed (:func:`band_positions`); a record's key in band t is those bits
packed into an integer (:func:`band_keys`). Two records are compared when they share a key in
at least one band (:func:`score_runs`). A pair that agrees on a fraction ``a`` of all bits
collides in one band with probability about ``a**bits_per_band`` and in at least one of
``bands`` bands with ``1 - (1 - a**bits_per_band)**bands``: true matches agree on far more
bits than strangers, so few strangers collide while most matches do.

"auto" (:func:`choose`) compares every eligible pair when there are at most
``ALL_PAIRS_LIMIT`` of them (the kernel does that in well under a second per core), and
otherwise picks LSH parameters from the data: ``bits_per_band`` so that a record meets
about ``LOAD`` strangers per band, and ``bands`` so that a pair at Dice ``target`` is found
with probability ``RECALL``. The agreement rates are derived from the measured bit densities.

Everything here is pure and deterministic and works on any chunk of rows: the Spark engine
computes keys on its executors with the same positions and must find the same pairs. Bits
are numbered as in clkhash (bit 0 is the most significant bit of byte 0).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .kernel import _and_popcount, _prefetch_row, _score, min_common
from .types import Encodings, MatchParams

__all__ = [
    "ALL_PAIRS_LIMIT", "LOAD", "RECALL", "TARGET_DICE", "band_keys", "band_positions", "choose",
    "eligible_pairs", "lsh_recall", "score_runs", "score_runs_with", "sort_keys",
]

ALL_PAIRS_LIMIT = 300_000_000  # compare everything up to this many eligible pairs
LOAD = 10.0  # strangers a record meets per band, on average (sets bits_per_band): comparing is
# cheaper than fetching the rows of a band, so fewer, fuller bands are faster
RECALL = 0.95  # wanted chance that a pair at TARGET_DICE shares at least one band
TARGET_DICE = 0.75  # the lowest Dice blocking is tuned to find, unless the threshold is lower
MAX_BANDS = 1000
_MASK = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    """A tiny, fully specified 64-bit mixer, so positions never depend on a library's RNG."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def band_positions(n_bits: int, bands: int, bits_per_band: int, seed: int) -> np.ndarray:
    """The bit positions each band reads: int64 (bands, bits_per_band), distinct within a band.

    A partial Fisher-Yates shuffle per band driven by SplitMix64 of (seed, band, step), so the
    same arguments give the same positions on every machine and numpy version.
    """
    if not 1 <= bits_per_band <= min(64, n_bits):
        raise ValueError("bits_per_band must be between 1 and min(64, n_bits)")
    if bands < 1:
        raise ValueError("bands must be at least 1")
    out = np.empty((bands, bits_per_band), np.int64)
    base = _splitmix64(seed & _MASK)
    for t in range(bands):
        pool = list(range(n_bits))
        state = _splitmix64(base ^ _splitmix64(t))
        for k in range(bits_per_band):
            state = _splitmix64(state)
            pick = k + state % (n_bits - k)
            pool[k], pool[pick] = pool[pick], pool[k]
            out[t, k] = pool[k]
    return out


@njit(cache=True, nogil=True)
def band_keys(bits: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Keys of a chunk of records: uint64 (rows, bands); key = the band's bits, first bit highest.

    ``bits`` is the uint8 (rows, filter_bytes) array of :class:`~.types.Encodings`.
    """
    rows = bits.shape[0]
    bands, width = positions.shape
    out = np.empty((rows, bands), np.uint64)
    for r in range(rows):
        for t in range(bands):
            key = np.uint64(0)
            for k in range(width):
                p = positions[t, k]
                bit = (bits[r, p >> 3] >> (7 - (p & 7))) & 1
                key = (key << np.uint64(1)) | np.uint64(bit)
            out[r, t] = key
    return out


@njit(cache=True, nogil=True)
def sort_keys(keys: np.ndarray, key_bits: int) -> np.ndarray:
    """The order that sorts ``keys`` (stable): an LSD radix sort on 11-bit digits.

    Keys of ``key_bits`` bits need ceil(key_bits / 11) linear passes — several times faster
    than a comparison sort for the 12-24-bit keys blocking uses. Any order sorting the keys
    gives the same pairs from :func:`score_runs`; this one is merely fast.
    """
    n = keys.shape[0]
    order = np.arange(n)
    spare = np.empty(n, np.int64)
    counts = np.empty(2049, np.int64)
    shift = 0
    while shift < key_bits:
        counts[:] = 0
        for x in range(n):
            counts[((keys[order[x]] >> np.uint64(shift)) & np.uint64(2047)) + 1] += 1
        for d in range(2048):
            counts[d + 1] += counts[d]
        for x in range(n):
            d = (keys[order[x]] >> np.uint64(shift)) & np.uint64(2047)
            spare[counts[d]] = order[x]
            counts[d] += 1
        order, spare = spare, order
        shift += 11
    return order


@njit(cache=True, nogil=True, inline="always")
def _in_run(sorted_keys: np.ndarray, x: int) -> bool:
    """Whether sorted position x shares its key with a neighbour (is not alone in its run)."""
    return ((x > 0 and sorted_keys[x - 1] == sorted_keys[x])
            or (x + 1 < sorted_keys.shape[0] and sorted_keys[x + 1] == sorted_keys[x]))


@njit(cache=True, nogil=True)
def score_runs(words: np.ndarray, pops: np.ndarray, party: np.ndarray, ids: np.ndarray, keys: np.ndarray,
               order: np.ndarray, floor: float, within_party: bool
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Score every eligible pair of records that share a key in one band.

    ``order`` lists row indices so that ``keys[order]`` is sorted (any order within equal
    keys); rows are rows of ``words`` (from :func:`~.kernel.as_words`), ``pops`` their
    popcounts, ``party`` their parties and ``ids`` their record positions. A pair is eligible
    when its parties differ, or always when ``within_party``. Returns (i, j, score,
    comparisons): the pairs with score >= ``floor`` as record positions with i < j, and how
    many eligible pairs were scored. The Spark engine can call it on one block (all keys equal).

    The rows of the runs (keys shared by two records or more) are first copied next to each
    other, so the comparisons read memory in order instead of jumping across all the rows.
    """
    return score_runs_with(words, pops, party, ids, keys, order, floor, within_party,
                           np.empty((0, words.shape[1]), words.dtype))


@njit(cache=True, nogil=True)
def score_runs_with(words: np.ndarray, pops: np.ndarray, party: np.ndarray, ids: np.ndarray, keys: np.ndarray,
                    order: np.ndarray, floor: float, within_party: bool, scratch: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """:func:`score_runs`, gathering into ``scratch`` when it has room for the rows of the runs.

    A band loop passes one (n, words) buffer for all its bands instead of allocating (and
    page-faulting in) a fresh one per band.
    """
    need = min_common(floor, 128 * words.shape[1])
    n = order.shape[0]
    # rows of the runs (keys held by two rows or more), gathered in sorted order
    sorted_keys = np.empty(n, keys.dtype)
    for x in range(n):
        sorted_keys[x] = keys[order[x]]
    kept = 0
    for x in range(n):
        kept += _in_run(sorted_keys, x)
    rows = np.empty(kept, np.int64)
    run_key = np.empty(kept, keys.dtype)
    m = 0
    for x in range(n):
        if _in_run(sorted_keys, x):
            rows[m] = order[x]
            run_key[m] = sorted_keys[x]
            m += 1
    local = scratch[:kept] if scratch.shape[0] >= kept else np.empty((kept, words.shape[1]), words.dtype)
    lpops = np.empty(kept, np.int64)
    lparty = np.empty(kept, np.int64)
    width = words.shape[1]
    for x in range(kept):
        if x + 24 < kept:
            _prefetch_row(words, rows[x + 24])
        r = rows[x]
        for k in range(width):
            local[x, k] = words[r, k]
        lpops[x] = pops[r]
        lparty[x] = party[r]
    oa = np.empty(max(256, kept), np.int64)
    ob = np.empty(max(256, kept), np.int64)
    oc = np.empty(max(256, kept), np.int64)
    m = 0
    comparisons = 0
    start = 0
    while start < kept:
        start, m, compared, wanted = _score_gathered(local, lpops, lparty, run_key, start, need, within_party,
                                                     oa, ob, oc, m)
        comparisons += compared
        if wanted:  # the next run could overflow the buffers: grow them and go on
            size = max(2 * oa.shape[0], m + wanted)
            oa2, ob2, oc2 = np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size, np.int64)
            oa2[:m] = oa[:m]
            ob2[:m] = ob[:m]
            oc2[:m] = oc[:m]
            oa, ob, oc = oa2, ob2, oc2
    oi = np.empty(m, np.int64)
    oj = np.empty(m, np.int64)
    os = np.empty(m, np.float64)
    for x in range(m):
        ia, ib = ids[rows[oa[x]]], ids[rows[ob[x]]]
        oi[x] = min(ia, ib)
        oj[x] = max(ia, ib)
        os[x] = _score(oc[x], lpops[oa[x]] + lpops[ob[x]])
    return oi, oj, os, comparisons


@njit(cache=True, nogil=True)
def _score_gathered(local: np.ndarray, lpops: np.ndarray, lparty: np.ndarray, run_key: np.ndarray, start: int,
                    need: np.ndarray, within_party: bool, oa: np.ndarray, ob: np.ndarray, oc: np.ndarray,
                    m: int) -> tuple[int, int, int, int]:
    """The hot loop of :func:`score_runs`, kept free of allocations so LLVM optimises it.

    Scores runs from ``start`` until the end or until a run might not fit in the buffers;
    returns (where it stopped, pairs kept so far, comparisons, room needed or 0 when done).
    """
    kept = local.shape[0]
    comparisons = 0
    while start < kept:
        stop = start + 1
        while stop < kept and run_key[stop] == run_key[start]:
            stop += 1
        size = stop - start
        if m + size * (size - 1) // 2 > oa.shape[0]:
            return start, m, comparisons, size * (size - 1) // 2
        for a in range(start, stop - 1):
            pa = lpops[a]
            qa = lparty[a]
            for b in range(a + 1, stop):
                if not within_party and qa == lparty[b]:
                    continue
                comparisons += 1
                c = _and_popcount(local, a, local, b)
                if c >= need[pa + lpops[b]]:
                    oa[m] = a
                    ob[m] = b
                    oc[m] = c
                    m += 1
        start = stop
    return start, m, comparisons, 0


def eligible_pairs(party: np.ndarray, within_party: bool) -> int:
    """How many pairs all-pairs comparison would score: cross-party pairs, or all with dedupe."""
    n = int(party.shape[0])
    if within_party:
        return n * (n - 1) // 2
    sizes = np.bincount(party.astype(np.int64)) if n else np.zeros(0, np.int64)
    return (n * n - int((sizes.astype(np.int64) ** 2).sum())) // 2


def lsh_recall(agreement: float, bands: int, bits_per_band: int) -> float:
    """Chance that a pair agreeing on this fraction of bits shares at least one band key."""
    return 1.0 - (1.0 - agreement**bits_per_band) ** bands


def _densities(bits: np.ndarray, sample: int = 20_000) -> np.ndarray:
    """Share of records with each bit set, from an evenly spaced sample of rows."""
    step = max(1, bits.shape[0] // sample)
    return np.unpackbits(bits[::step], axis=1).mean(axis=0)


def choose(enc: Encodings, params: MatchParams) -> dict:
    """The blocking to use, as the dict recorded in ``Candidates.blocking``.

    Either ``{"method": "none", "pairs": ...}`` or ``{"method": "lsh", "bands", "bits_per_band",
    "seed", "target_dice", "expected_recall", ...}``; the figures explain the choice.
    """
    pairs = eligible_pairs(enc.party, params.within_party)
    method = params.blocking
    if method not in ("auto", "none", "lsh"):
        raise ValueError(f"unknown blocking {method!r}: use 'auto', 'none' or 'lsh'")
    if method == "none" or (method == "auto" and pairs <= ALL_PAIRS_LIMIT
                            and params.bands is None and params.bits_per_band is None):
        return {"method": "none", "pairs": pairs}
    n_bits = enc.bits.shape[1] * 8
    dens = _densities(enc.bits) if enc.n else np.full(n_bits, 0.5)
    stranger = float(np.mean(dens**2 + (1 - dens) ** 2))  # chance two strangers agree on a bit
    p = float(dens.mean())
    target = TARGET_DICE if params.threshold is None else min(TARGET_DICE, params.threshold)
    agree = 1.0 - 2.0 * p * (1.0 - target)  # bit agreement of a pair at Dice `target`, density p
    others = max(2.0, 2.0 * pairs / max(enc.n, 1))  # eligible partners per record
    bits_per_band = params.bits_per_band
    if bits_per_band is None:
        bits_per_band = math.ceil(math.log(max(others / LOAD, 2.0)) / -math.log(min(stranger, 0.999)))
        bits_per_band = int(min(max(bits_per_band, 8), 64, n_bits))
    bands = params.bands
    if bands is None:
        hit = agree**bits_per_band
        bands = math.ceil(math.log(1 - RECALL) / math.log1p(-hit)) if 0 < hit < 1 else 1
        bands = int(min(max(bands, 1), MAX_BANDS))
    return {
        "method": "lsh", "bands": int(bands), "bits_per_band": int(bits_per_band), "seed": int(params.seed),
        "target_dice": round(target, 4), "expected_recall": round(lsh_recall(agree, bands, bits_per_band), 4),
        "stranger_collisions_per_band": round(others * stranger**bits_per_band, 3),
    }
