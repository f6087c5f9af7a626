"""Simulated populations of known size, for tests and the coverage benchmark.

Each person has a visibility z ~ Normal(0, ``heterogeneity``) shared by all lists (some victims are
harder to find by anyone), and list j sees them with probability logistic(a_j + z). ``dependence``
adds referrals: being on list i raises the log-odds of being on list j by the given amount (lists are
drawn in order, so i < j). Heterogeneity of this kind breaks the models' homogeneity assumption a
little — on purpose: real data do too, and the intervals should still mostly cover the truth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import expit, logit

from tiphub.estimation.table import OverlapTable

__all__ = ["simulate_population"]


def simulate_population(rng: np.random.Generator, size: int, capture: Sequence[float], *,
                        heterogeneity: float = 0.3,
                        dependence: Mapping[tuple[int, int], float] | None = None) -> OverlapTable:
    """An overlap table for ``size`` persons and lists with base capture probabilities ``capture``."""
    k = len(capture)
    z = rng.normal(0.0, heterogeneity, size)
    on = np.zeros((size, k), dtype=bool)
    base = logit(np.asarray(capture, dtype=float))
    for j in range(k):
        eta = base[j] + z
        for (a, b), d in (dependence or {}).items():
            if b == j and a < j:
                eta = eta + d * on[:, a]
        on[:, j] = rng.random(size) < expit(eta)
    h = on.astype(np.int64) @ (1 << np.arange(k))
    counts = np.bincount(h, minlength=2 ** k)[1:]
    lists = tuple(chr(ord("A") + j) for j in range(k))
    return OverlapTable(lists, counts.astype(np.int64), f"simulated N={size}")
