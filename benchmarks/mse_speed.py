"""Speed of the MSE bootstrap on a 6-list table (UK 2013), against a baseline in the same run.

Ours: ``tiphub.estimation.estimate`` with 1,000 parametric-bootstrap replicates, the stepwise
selection rerun in each (candidates of a step fitted in one batched Newton computation; the
existence LP only when a fit does not settle). Baseline: the same replicates with the
straightforward implementation SparseMSE's ``stepwisefit`` describes — each candidate model fitted on
its own and checked with the LP before every fit — timed on ``--baseline`` replicates and scaled.

Bar (issue #4): 1,000 replicates in under 30 s.

    python benchmarks/mse_speed.py [--replicates 1000] [--baseline 100]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import print_table, timed  # noqa: E402

from tiphub.estimation import estimate, read_overlap  # noqa: E402
from tiphub.estimation.existence import lp_positive_point  # noqa: E402
from tiphub.estimation.intervals import simulate  # noqa: E402
from tiphub.estimation.models import active_cells, all_pairs, design, fit_models, normalise  # noqa: E402
from tiphub.estimation.selection import pair_pvalues, stepwise  # noqa: E402

UK = Path(__file__).parents[1] / "tests" / "estimation" / "data" / "uk_2013.csv"


def naive_stepwise(y: np.ndarray, k: int, threshold: float = 0.02) -> float:
    """One model at a time, LP before each fit (SparseMSE's order of work), AIC among p < threshold."""

    def lp_ok(model):
        act, empty = active_cells(y, k, model)
        X = design(k, model)[act]
        keep = [c for c in range(X.shape[1]) if c <= k or model[c - k - 1] not in empty]
        X = X[:, keep]
        return np.linalg.matrix_rank(X) == X.shape[1] and lp_positive_point(X, y[act])

    current = ()
    fit = fit_models(y, k, [current])[0]
    while True:
        pairs = [p for p in all_pairs(k) if p not in current]
        if not pairs:
            return fit.total
        pv = pair_pvalues(fit, y, k, pairs)
        best = None
        for p, v in zip(pairs, pv, strict=True):
            model = normalise(current + (p,))
            if not lp_ok(model):
                continue
            cand = fit_models(y, k, [model])[0]
            if v < threshold and cand.aic < fit.aic and (best is None or cand.aic < best.aic):
                best = cand
        if best is None:
            return fit.total
        current, fit = best.model, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100, help="replicates timed for the baseline")
    args = parser.parse_args()
    table = read_overlap(UK)
    ours_s, result = timed(lambda: estimate(table, bootstrap=args.replicates, profile=False))
    chosen = stepwise(table.counts, table.k)
    samples = simulate(chosen.chosen, args.baseline, np.random.default_rng(2024))
    base_s, base_totals = timed(lambda: [naive_stepwise(y, table.k) for y in samples])
    base_scaled = base_s * args.replicates / args.baseline
    ok = ours_s < 30
    lo, hi = result.interval.lower, result.interval.upper
    print_table(
        f"Bootstrap of the UK 2013 table (6 lists), {args.replicates:,} replicates, selection rerun",
        ["method", "replicates timed", "seconds", f"seconds per {args.replicates:,}", "x ours"],
        [["tiphub estimate (batched candidates, LP only when unsure)", args.replicates, ours_s, ours_s,
          1.0],
         ["baseline: one fit per candidate, LP before every fit", args.baseline, base_s, base_scaled,
          base_scaled / ours_s]],
    )
    print(f"\nestimate {result.total:,.0f}, 95 % bootstrap interval {lo:,.0f} - {hi:,.0f}")
    print(f"bar: {args.replicates:,} replicates in < 30 s -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
