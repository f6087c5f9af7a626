"""Post-processing of noisy counts: non-negative, consistent margins, integer — at no privacy cost.

Why a least-squares projection rather than clipping: noise on an empty cell is as likely
positive as negative. Clipping the negatives to zero keeps the positive half, so a sparse
table (citizenship × country of exploitation: 63,001 cells, a few hundred used) gains
thousands of phantom victims; rescaling to the total then shrinks the real cells to make
room for them. The Euclidean projection onto ``{x ≥ 0, margins fixed}`` instead lowers
every cell by a common threshold per margin (its dual variable) and cuts at zero: noise
below the threshold vanishes and the real cells keep their size. With only the total fixed
it is the projection onto a scaled simplex (Duchi et al. 2008).

>>> project([5.0, -1.0, 0.5, 3.0], {(): np.array(8.0)}).round(3).tolist()
[4.833, 0.0, 0.333, 2.833]
>>> round_preserving(np.array([0.4, 0.4, 0.2]), 1).tolist()
[1, 0, 0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["clip_and_renormalise", "project", "round_preserving", "round_table", "thresholds"]


def thresholds(z: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per row ``v`` of ``z`` (rows × cells), the λ_v with Σ_cells max(z_v − λ_v, 0) = targets_v.

    A target of 0 gives λ_v = max(z_v), so the whole row goes to zero.
    """
    z = np.asarray(z, dtype=float)
    s = -np.sort(-z, axis=1)  # descending
    cums = np.cumsum(s, axis=1)
    k = np.arange(1, z.shape[1] + 1)
    lam_k = (cums - targets[:, None]) / k  # threshold if exactly the first k cells stay positive
    ok = s > lam_k  # true for k = 1..K* (a prefix), false after
    kstar = np.maximum(ok.sum(axis=1), 1)
    lam = lam_k[np.arange(len(z)), kstar - 1]
    return np.where(targets <= 0, s[:, 0], lam)


def project(y: np.ndarray | list[float], margins: dict[tuple[int, ...], np.ndarray], *,
            iterations: int = 500, tol: float = 1e-6) -> np.ndarray:
    """Least-squares projection of ``y`` onto ``{x ≥ 0}`` with the given margins.

    ``margins`` maps a tuple of kept axes to its target sums: ``()`` is the total, ``(0,)``
    the sums over all axes but the first. 1-way margins and the total are supported (that is
    what the workload shares between tables); the targets must agree with each other.
    Block coordinate ascent on the dual: each step sets one margin's thresholds exactly.
    """
    y = np.asarray(y, dtype=float)
    keys = list(margins)
    if any(len(k) > 1 for k in keys):
        raise ValueError("only the total and 1-way margins are supported")
    lam = {k: np.zeros(y.shape[k[0]]) if k else np.zeros(()) for k in keys}

    def shift(skip: tuple[int, ...] | None) -> np.ndarray:
        out = y.copy()
        for k in keys:
            if k != skip:
                out -= _expand(lam[k], k, y.ndim)
        return out

    for it in range(iterations):
        for k in keys:
            z = shift(k)
            if k:
                rows = np.moveaxis(z, k[0], 0).reshape(y.shape[k[0]], -1)
                lam[k] = thresholds(rows, np.asarray(margins[k], dtype=float))
            else:
                lam[k] = thresholds(z.reshape(1, -1), np.atleast_1d(np.asarray(margins[k], float)))[0]
        x = np.maximum(shift(None), 0)
        if len(keys) <= 1 or it % 5 == 4:
            worst = max(float(np.abs(_sum_to(x, k) - margins[k]).max()) for k in keys)
            scale = max(1.0, float(np.asarray(margins[keys[0]]).sum()))
            if worst <= tol * scale:
                break
    return np.maximum(shift(None), 0)


def _expand(v: np.ndarray, axes: tuple[int, ...], ndim: int) -> np.ndarray:
    if not axes:
        return v
    shape = [1] * ndim
    shape[axes[0]] = -1
    return v.reshape(shape)


def _sum_to(x: np.ndarray, keep: tuple[int, ...]) -> np.ndarray:
    return x.sum(axis=tuple(a for a in range(x.ndim) if a not in keep))


def clip_and_renormalise(y: np.ndarray, total: float) -> np.ndarray:
    """The naive baseline: negatives to zero, then scale to ``total`` (kept for comparison)."""
    x = np.maximum(np.asarray(y, dtype=float), 0)
    s = x.sum()
    return x * (total / s) if s > 0 else np.full_like(x, total / x.size)


def round_preserving(x: np.ndarray, total: int) -> np.ndarray:
    """Integers ``≥ 0`` summing to ``total``, each within 1 of ``x`` (largest remainder).

    ``x`` must be non-negative and sum to ``total`` (up to float error).
    """
    x = np.asarray(x, dtype=float)
    flat = np.maximum(x.ravel(), 0)
    base = np.floor(flat + 1e-9).astype(np.int64)
    short = int(total) - int(base.sum())
    if short > 0:
        order = np.argsort(-(flat - base), kind="stable")
        base[order[:short]] += 1
    elif short < 0:  # float error pushed the floors over: take from the smallest remainders
        order = np.argsort(flat - base, kind="stable")
        order = order[base[order] > 0]
        base[order[:-short]] -= 1
    return base.reshape(x.shape)


def round_table(x: np.ndarray, row_totals: np.ndarray) -> np.ndarray:
    """Round a table so that the sums over all axes but the first equal the integer
    ``row_totals`` exactly (and so the grand total too); other margins stay within a few
    units of the unrounded ones and are published as the sums of the published cells."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        return round_preserving(x, int(row_totals.sum()))
    rows = x.reshape(x.shape[0], -1)
    out = np.empty(rows.shape, dtype=np.int64)
    for i, (row, t) in enumerate(zip(rows, row_totals, strict=True)):
        s = row.sum()
        out[i] = round_preserving(row * (t / s) if s > 0 else np.zeros_like(row), int(t)) \
            if t > 0 else 0
    return out.reshape(x.shape)
