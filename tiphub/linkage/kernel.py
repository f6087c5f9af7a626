"""The Dice kernel: how similar two Bloom-filter encodings are, as fast as one core allows.

Dice(A, B) = 2|A & B| / (|A| + |B|), and 0 when both filters are empty. The filters are read
as rows of uint64 words (:func:`as_words`), each record's popcount is computed once
(:func:`popcounts`), and the inner loop is one AND and one hardware popcount per word: the
``llvm.ctpop`` intrinsic, which LLVM turns into ``popcnt`` (or ``vpopcntq`` where the CPU has
it). The score is computed in one place (:func:`_dice`) with one float division, so every
caller — the local engine, the Spark engine on its executors, the tests — gets bit-identical
scores for the same pair, which is what makes the engines' candidates identical.

All compiled functions release the GIL (``nogil``) so the local engine can run them on
several threads, and are cached on disk (``cache=True``) so only the first run compiles.
Nothing here logs or raises with the bits in the message: they are personal data.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = [
    "all_pairs", "all_pairs_triangle", "as_words", "dice", "dice_pairs", "dice_rows", "min_common",
    "popcounts",
]


_I64 = ir.IntType(64)
_V8 = ir.VectorType(_I64, 8)


@intrinsic
def _and_popcount(typingctx, words_a, row_a, words_b, row_b):  # noqa: ARG001 - numba's signature
    """|A & B| for row ``row_a`` of ``words_a`` and row ``row_b`` of ``words_b``.

    Written in LLVM IR on <8 x i64> vectors: AND, ``llvm.ctpop.v8i64`` and one horizontal add at
    the end. On CPUs with AVX-512 VPOPCNTDQ that is two loads, two ANDs and two ``vpopcntq``
    per 1024-bit pair; elsewhere LLVM lowers it to the best popcount the CPU has. Rows must be a
    whole number of 8-word (512-bit) vectors, which :func:`as_words` guarantees by padding.
    Numba's own loop over words auto-vectorised too, but re-reduced every word and ran at a
    quarter of this speed.
    """
    sig = types.int64(words_a, types.intp, words_b, types.intp)

    def codegen(context, builder, signature, args):
        arr_a = context.make_array(signature.args[0])(context, builder, args[0])
        arr_b = context.make_array(signature.args[2])(context, builder, args[2])
        ctpop = cgutils.get_or_insert_function(builder.module, ir.FunctionType(_V8, [_V8]),
                                               "llvm.ctpop.v8i64")
        reduce = cgutils.get_or_insert_function(builder.module, ir.FunctionType(_I64, [_V8]),
                                                "llvm.vector.reduce.add.v8i64")
        width = cgutils.unpack_tuple(builder, arr_a.shape, 2)[1]
        ptr_a = builder.gep(arr_a.data, [builder.mul(args[1], width)])
        ptr_b = builder.gep(arr_b.data, [builder.mul(args[3], width)])
        vec_a = builder.bitcast(ptr_a, _V8.as_pointer())
        vec_b = builder.bitcast(ptr_b, _V8.as_pointer())
        acc = cgutils.alloca_once_value(builder, ir.Constant(_V8, None))
        is_1024 = builder.icmp_unsigned("==", width, ir.Constant(width.type, 16))
        with builder.if_else(is_1024) as (unrolled, general):
            with unrolled:  # the clkhash filter length: straight-line code, no loop
                parts = [builder.and_(builder.load(builder.gep(vec_a, [ir.Constant(_I64, v)]), align=8),
                                      builder.load(builder.gep(vec_b, [ir.Constant(_I64, v)]), align=8))
                         for v in range(2)]
                counts = [builder.call(ctpop, [x]) for x in parts]
                builder.store(builder.add(counts[0], counts[1]), acc)
            with general:
                nvec = builder.lshr(width, ir.Constant(width.type, 3))
                with cgutils.for_range(builder, nvec) as loop:
                    x = builder.and_(builder.load(builder.gep(vec_a, [loop.index]), align=8),
                                     builder.load(builder.gep(vec_b, [loop.index]), align=8))
                    builder.store(builder.add(builder.load(acc), builder.call(ctpop, [x])), acc)
        return builder.call(reduce, [builder.load(acc)])

    return sig, codegen


@intrinsic
def _prefetch_row(typingctx, words, row):  # noqa: ARG001 - numba's signature
    """Ask the CPU to start loading a row (its first 128 bytes) now, for a gather a few rows on.

    Gathering rows in a random order is bound by memory latency, not bandwidth; prefetching a
    few rows ahead keeps several loads in flight and made the gather 3-4 times faster.
    """
    sig = types.void(words, types.intp)

    def codegen(context, builder, signature, args):
        arr = context.make_array(signature.args[0])(context, builder, args[0])
        width = cgutils.unpack_tuple(builder, arr.shape, 2)[1]
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0i8")
        ptr = builder.bitcast(builder.gep(arr.data, [builder.mul(args[1], width)]), i8p)
        for offset in (0, 64):
            builder.call(fn, [builder.gep(ptr, [ir.Constant(_I64, offset)]), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


def as_words(bits: np.ndarray) -> np.ndarray:
    """The filters as a C-contiguous (n, words) uint64 array, rows zero-padded to 64 bytes.

    Padding changes no popcount, so scores are unchanged (a 1024-bit filter needs none). The
    byte order of the view does not matter either: AND and popcount are the same whichever way
    the bytes are grouped into words.
    """
    bits = np.ascontiguousarray(bits, dtype=np.uint8)
    if bits.ndim != 2:
        raise ValueError("bits must be a 2-d uint8 array")
    extra = (-bits.shape[1]) % 64
    if extra or bits.shape[1] == 0:
        bits = np.ascontiguousarray(np.pad(bits, ((0, 0), (0, extra or 64))))
    return bits.view(np.uint64)


@njit(cache=True, nogil=True)
def _check(words: np.ndarray) -> None:
    if words.shape[1] % 8 != 0:
        raise ValueError("rows must be whole 512-bit vectors: pass the filters through as_words")


@njit(cache=True, nogil=True)
def popcounts(words: np.ndarray) -> np.ndarray:
    """Set bits per row (int64), computed once so each comparison needs only |A & B|."""
    _check(words)
    out = np.empty(words.shape[0], np.int64)
    for r in range(words.shape[0]):
        out[r] = _and_popcount(words, r, words, r)
    return out


@njit(cache=True, nogil=True, inline="always")
def _score(common: int, total: int) -> float:
    """The one place a Dice score is computed, so every path gives bit-identical floats."""
    if total == 0:
        return 0.0
    return 2.0 * common / total


@njit(cache=True, nogil=True)
def min_common(floor: float, max_total: int) -> np.ndarray:
    """``table[T]``: the fewest common bits for which ``_score(c, T) >= floor`` (T+1 if none).

    The inner loops compare an integer popcount with this table instead of dividing, and divide
    only for the pairs they keep; the table is built from :func:`_score` itself, so the test
    agrees exactly with the score that is stored.
    """
    table = np.empty(max_total + 1, np.int64)
    for total in range(max_total + 1):
        c = max(0, int(np.floor(floor * total / 2.0)) - 1)
        while c <= total and _score(c, total) < floor:
            c += 1
        table[total] = c
    return table


@njit(cache=True, nogil=True)
def dice_pairs(words: np.ndarray, pops: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Scores of the pairs (i[k], j[k]) of rows of ``words`` (with their ``pops``)."""
    _check(words)
    out = np.empty(i.shape[0], np.float64)
    for k in range(i.shape[0]):
        out[k] = _score(_and_popcount(words, i[k], words, j[k]), pops[i[k]] + pops[j[k]])
    return out


@njit(cache=True, nogil=True)
def dice_rows(words_a: np.ndarray, pops_a: np.ndarray, words_b: np.ndarray, pops_b: np.ndarray) -> np.ndarray:
    """Scores of row k of ``words_a`` against row k of ``words_b`` (aligned rows, e.g. a Spark join)."""
    _check(words_a)
    _check(words_b)
    out = np.empty(words_a.shape[0], np.float64)
    for k in range(words_a.shape[0]):
        out[k] = _score(_and_popcount(words_a, k, words_b, k), pops_a[k] + pops_b[k])
    return out


def dice(a: np.ndarray, b: np.ndarray) -> float:
    """Dice of two filters given as uint8 byte vectors (a convenience for tests, not for loops)."""
    w = as_words(np.stack([np.asarray(a, np.uint8), np.asarray(b, np.uint8)]))
    return float(dice_pairs(w, popcounts(w), np.array([0]), np.array([1]))[0])


@njit(cache=True, nogil=True)
def _scan_row(words_a: np.ndarray, r: int, pa: int, words_b: np.ndarray, pops_b: np.ndarray, lo: int, hi: int,
              need: np.ndarray, hits: np.ndarray, common: np.ndarray) -> int:
    """Row r of A against rows lo..hi-1 of B: write the kept rows of B into ``hits`` (the hot loop).

    Kept apart from the output handling, which otherwise stops LLVM from optimising the loop.
    """
    m = 0
    for s in range(lo, hi):
        c = _and_popcount(words_a, r, words_b, s)
        if c >= need[pa + pops_b[s]]:
            hits[m] = s
            common[m] = c
            m += 1
    return m


@njit(cache=True, nogil=True)
def _append(oi: np.ndarray, oj: np.ndarray, os: np.ndarray, m: int, r: int, pa: int, pops_b: np.ndarray,
            hits: np.ndarray, common: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    while m + k > oi.shape[0]:
        bigger = 2 * oi.shape[0]
        oi2 = np.empty(bigger, np.int64)
        oj2 = np.empty(bigger, np.int64)
        os2 = np.empty(bigger, np.float64)
        oi2[:m] = oi[:m]
        oj2[:m] = oj[:m]
        os2[:m] = os[:m]
        oi, oj, os = oi2, oj2, os2
    for t in range(k):
        oi[m + t] = r
        oj[m + t] = hits[t]
        os[m + t] = _score(common[t], pa + pops_b[hits[t]])
    return oi, oj, os


@njit(cache=True, nogil=True)
def all_pairs(words_a: np.ndarray, pops_a: np.ndarray, words_b: np.ndarray, pops_b: np.ndarray,
              floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every row of A against every row of B (n_a x n_b comparisons) on one core.

    Returns (ia, jb, score) of the pairs with score >= ``floor``, in row-major order.
    """
    _check(words_a)
    _check(words_b)
    need = min_common(floor, 64 * (words_a.shape[1] + words_b.shape[1]))
    n_b = words_b.shape[0]
    hits = np.empty(n_b, np.int64)
    common = np.empty(n_b, np.int64)
    oi = np.empty(1024, np.int64)
    oj = np.empty(1024, np.int64)
    os = np.empty(1024, np.float64)
    m = 0
    for r in range(words_a.shape[0]):
        k = _scan_row(words_a, r, pops_a[r], words_b, pops_b, 0, n_b, need, hits, common)
        if k:
            oi, oj, os = _append(oi, oj, os, m, r, pops_a[r], pops_b, hits, common, k)
            m += k
    return oi[:m].copy(), oj[:m].copy(), os[:m].copy()


@njit(cache=True, nogil=True)
def all_pairs_triangle(words: np.ndarray, pops: np.ndarray, party: np.ndarray, start: int, stop: int,
                       floor: float, within_party: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Rows ``start <= i < stop`` against every ``j > i`` of the same array, on one core.

    A pair is compared when its records belong to different parties, or always when
    ``within_party``. Returns (i, j, score, comparisons) for the pairs with score >= ``floor``,
    sorted by (i, j), and how many pairs were scored. Rows sorted by party run fastest: the
    other parties' rows are then a few contiguous stretches for the hot loop.
    """
    _check(words)
    n = words.shape[0]
    need = min_common(floor, 128 * words.shape[1])
    run_end = np.empty(n, np.int64)  # end of the stretch of equal party starting at each row
    for s in range(n - 1, -1, -1):
        run_end[s] = run_end[s + 1] if s + 1 < n and party[s + 1] == party[s] else s + 1
    hits = np.empty(n, np.int64)
    common = np.empty(n, np.int64)
    oi = np.empty(1024, np.int64)
    oj = np.empty(1024, np.int64)
    os = np.empty(1024, np.float64)
    m = 0
    comparisons = 0
    for r in range(start, stop):
        s = r + 1
        while s < n:
            e = n if within_party else run_end[s]
            if not within_party and party[s] == party[r]:
                s = e
                continue
            k = _scan_row(words, r, pops[r], words, pops, s, e, need, hits, common)
            comparisons += e - s
            if k:
                oi, oj, os = _append(oi, oj, os, m, r, pops[r], pops, hits, common, k)
                m += k
            s = e
    return oi[:m].copy(), oj[:m].copy(), os[:m].copy(), comparisons
