"""Estimates by stratum (sex, adult/child, form of exploitation).

Capture probabilities usually differ between groups — police find sexual exploitation more than
domestic servitude — and a pooled model then underestimates. Estimating within strata and adding
the results removes that source of bias, at the price of smaller, sparser tables; a stratum too
small to support a model is skipped (or pooled into one "other strata" table) and the result says
so. The interval of the sum adds the strata's bootstrap replicates index by index (the strata are
independent samples), so it needs the bootstrap.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tiphub.errors import InvalidInput
from tiphub.estimation.estimate import estimate
from tiphub.estimation.result import Interval, MSEResult, StratifiedResult
from tiphub.estimation.table import OverlapTable, read_strata

__all__ = ["estimate_strata"]

OTHER = "other strata"


def estimate_strata(source: Any, stratum: str, *, min_persons: int = 50, small: str = "skip",
                    **options: Any) -> StratifiedResult:
    """One estimate per value of the ``stratum`` column; ``options`` go to :func:`estimate`.

    A stratum is too small when it has fewer than ``min_persons`` persons or no two lists overlap in
    it. ``small="skip"`` leaves such strata out of the sum (say so); ``small="merge"`` pools them into
    one table called "other strata".
    """
    if small not in ("skip", "merge"):
        raise InvalidInput(f"unknown option small={small!r}", hint="accepted: skip, merge")
    tables = source if isinstance(source, dict) else read_strata(source, stratum)
    fit_these: dict[str, OverlapTable] = {}
    skipped: dict[str, str] = {}
    for key, table in tables.items():
        reason = _too_small(table, min_persons)
        if reason:
            skipped[key] = reason
        else:
            fit_these[key] = table
    diagnostics = []
    if small == "merge" and len(skipped) >= 1:
        pooled = _pool([tables[k] for k in skipped])
        if not _too_small(pooled, min_persons):
            fit_these[OTHER] = pooled
            diagnostics.append(f"strata too small to estimate alone were pooled into '{OTHER}': "
                               f"{', '.join(skipped)}")
            skipped = {}
    results: dict[str, MSEResult] = {}
    base_seed = options.pop("seed", 2024)
    for n, (key, table) in enumerate(fit_these.items()):
        try:  # a seed per stratum: the same seed would make the strata's replicates correlated
            results[key] = estimate(table, seed=base_seed + n, **options)
        except InvalidInput as err:
            skipped[key] = f"no model could be fitted: {err.message}"
    for key, why in skipped.items():
        diagnostics.append(f"stratum '{key}' was not estimated ({why}); its persons are not in the total")
    observed = sum(t.observed for t in tables.values())
    total = sum(r.total for r in results.values()) if results and not skipped else None
    interval = _sum_interval(list(results.values()), options.get("level", 0.95)) if total else None
    if skipped and results:
        diagnostics.append("no total over all strata is given because some strata were not estimated")
    return StratifiedResult(stratum, results, skipped, observed, total, interval, diagnostics)


def _too_small(table: OverlapTable, min_persons: int) -> str | None:
    if table.observed < min_persons:
        return f"{table.observed} persons, fewer than {min_persons}"
    if all(table.pair_overlap(i, j) == 0 for i in range(table.k) for j in range(i + 1, table.k)):
        return "no two lists share a person"
    return None


def _pool(tables: list[OverlapTable]) -> OverlapTable:
    counts = np.sum([t.counts for t in tables], axis=0)
    return OverlapTable(tables[0].lists, counts, OTHER)


def _sum_interval(results: list[MSEResult], level: float) -> Interval | None:
    reps = [r.replicates for r in results]
    if any(r is None or r.size == 0 for r in reps):
        return None
    n = min(r.size for r in reps)
    sums = np.sum([r[:n] for r in reps], axis=0)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(sums, [tail, 100 - tail])
    return Interval("parametric bootstrap, percentile (sum of strata)", float(lo), float(hi), level,
                    f"{n} replicates per stratum, added index by index")
