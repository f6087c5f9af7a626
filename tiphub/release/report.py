"""The utility and risk report shipped with a release: how close, and how exposing.

Why these figures: total variation distance (TVD) of low-order marginals is what analysts
of CTDC-style files actually use (cross-tabs of two or three columns); the error on the
hub's own published tables says whether the synthetic file can stand in for them; rare
combinations and unique exact matches are what a reader would worry about ("is this
record someone I know?"); and the membership-advantage bound turns ε into a statement
about any attacker, whatever they know. The exact TVDs are internal — they are computed
from the real data — and the published report shows them as ranges (:func:`tvd_range`).

>>> round(membership_advantage(1.0, 0.0), 3)
0.462
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from tiphub.release.accounting import membership_advantage
from tiphub.release.data import Frame
from tiphub.release.tables import NoisyTable

__all__ = ["MarginalTVD", "ReleaseReport", "exact_matches", "marginal_tvd", "membership_advantage",
           "rare_reappearing", "release_report", "table_error", "tvd", "tvd_range"]

RARE = 10  # CTDC's threshold: a combination seen fewer than 10 times is rare


def tvd(p: np.ndarray, q: np.ndarray) -> float:
    """Total variation distance ½·Σ|p/Σp − q/Σq| of two count arrays of the same shape."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    if p.shape != q.shape:
        raise ValueError("the two marginals must have the same shape")
    sp, sq = p.sum(), q.sum()
    if sp <= 0 or sq <= 0:
        return 0.0 if sp == sq else 1.0
    return float(0.5 * np.abs(p / sp - q / sq).sum())


@dataclass(frozen=True)
class MarginalTVD:
    ways: int
    mean: float
    worst: float
    worst_columns: tuple[str, ...]
    count: int  # how many marginals were compared


def marginal_tvd(real: Frame, synthetic: Frame, ways: int, *, limit: int = 300,
                 seed: int = 0) -> MarginalTVD:
    """Mean and worst TVD over all ``ways``-column marginals (a seeded sample of ``limit``
    of them when there are more, e.g. the 2,925 3-way marginals of 27 columns)."""
    if real.names != synthetic.names:
        raise ValueError("real and synthetic data must have the same columns")
    combos = list(combinations(real.names, ways))
    if len(combos) > limit:
        pick = np.random.default_rng(seed).choice(len(combos), size=limit, replace=False)
        combos = [combos[i] for i in sorted(pick)]
    values = [tvd(real.marginal(c), synthetic.marginal(c)) for c in combos]
    worst = int(np.argmax(values))
    return MarginalTVD(ways, float(np.mean(values)), values[worst], combos[worst], len(combos))


def table_error(real: Frame, tables: Sequence[NoisyTable]) -> dict[str, float]:
    """Mean absolute error per cell of each published table against the real counts."""
    return {t.name: float(np.abs(t.counts - real.marginal(t.attributes)).mean()) for t in tables}


def synthetic_table_error(real: Frame, synthetic: Frame, attributes: Sequence[Sequence[str]]) -> float:
    """Mean absolute error per cell when the hub's tables are counted from the synthetic file
    (scaled to the real total): can the file stand in for the published tables?"""
    errs = []
    for attrs in attributes:
        r, s = real.marginal(attrs), synthetic.marginal(attrs)
        errs.append(np.abs(s * (r.sum() / max(s.sum(), 1)) - r).ravel())
    return float(np.concatenate(errs).mean()) if errs else 0.0


def _record_counts(frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    rows, counts = np.unique(frame.data, axis=0, return_counts=True)
    return rows, counts


def _member(rows: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Whether each row of ``rows`` occurs in ``pool`` (both 2-D integer arrays, same width)."""
    if len(rows) == 0 or len(pool) == 0:
        return np.zeros(len(rows), dtype=bool)
    both = np.ascontiguousarray(np.vstack([rows, pool]).astype(np.int64))
    view = both.view(np.dtype((np.void, both.dtype.itemsize * both.shape[1]))).ravel()
    return np.isin(view[: len(rows)], view[len(rows):])


def rare_reappearing(real: Frame, synthetic: Frame, *, threshold: int = RARE) -> tuple[int, float]:
    """Of the complete records that occur 1 to ``threshold``−1 times in the real data, how many
    (and what share) occur in the synthetic data too."""
    rows, counts = _record_counts(real)
    rare = rows[counts < threshold]
    if not len(rare):
        return 0, 0.0
    hit = _member(rare, np.unique(synthetic.data, axis=0))
    return len(rare), float(hit.mean())


def exact_matches(real: Frame, synthetic: Frame) -> tuple[int, float]:
    """Synthetic records identical to a record that is *unique* in the real data: how many,
    and their share of the synthetic file."""
    rows, counts = _record_counts(real)
    unique = rows[counts == 1]
    if synthetic.n == 0:
        return 0, 0.0
    hits = int(_member(synthetic.data, unique).sum())
    return hits, hits / synthetic.n


def tvd_range(value: float) -> str:
    """The published form of an internal TVD: a coarse range, not the exact figure."""
    for upper in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5):
        if value < upper:
            return f"under {upper:g}"
    return "0.5 or more"


@dataclass
class ReleaseReport:
    epsilon: float
    delta: float
    advantage: float
    tvd: list[MarginalTVD] = field(default_factory=list)
    table_mae: dict[str, float] = field(default_factory=dict)
    synthetic_table_mae: float | None = None
    rare_combinations: int = 0
    rare_reappearing: float = 0.0
    unique_matches: int = 0
    unique_match_share: float = 0.0

    def public(self) -> dict[str, object]:
        """What the published report shows: ranges for the TVDs, the bound, the risk shares."""
        return {
            "epsilon": self.epsilon, "delta": self.delta,
            "membership_advantage_at_most": round(self.advantage, 3),
            **{f"tvd_{t.ways}way_mean": tvd_range(t.mean) for t in self.tvd},
            **{f"tvd_{t.ways}way_worst": tvd_range(t.worst) for t in self.tvd},
            "rare_combinations_reappearing": f"{self.rare_reappearing:.0%}",
            "unique_exact_matches_share": f"{self.unique_match_share:.1%}",
        }


def release_report(real: Frame, epsilon: float, delta: float, *, synthetic: Frame | None = None,
                   tables: Sequence[NoisyTable] = (), ways: Sequence[int] = (1, 2, 3)) -> ReleaseReport:
    """Everything above for one release (internal: it reads the real data)."""
    report = ReleaseReport(epsilon, delta, membership_advantage(epsilon, delta))
    report.table_mae = table_error(real, tables)
    if synthetic is not None:
        report.tvd = [marginal_tvd(real, synthetic, k) for k in ways if k <= len(real.names)]
        report.synthetic_table_mae = synthetic_table_error(
            real, synthetic, [t.attributes for t in tables])
        report.rare_combinations, report.rare_reappearing = rare_reappearing(real, synthetic)
        report.unique_matches, report.unique_match_share = exact_matches(real, synthetic)
    return report
