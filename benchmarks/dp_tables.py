"""Noisy tables at ε = 1, δ = 1e-6: error per cell against the Gaussian-mechanism optimum.

The whole public workload (:data:`tiphub.release.WORKLOAD`: sex × age, forms × sex, trends,
duration, citizenship, country of exploitation and the sparse 251 × 251 citizenship × country
of exploitation table) on a 50,000-row demo CTDC file, repeated with ``--repeats`` noise seeds:

- optimum: the expected mean absolute error per cell of the Gaussian mechanism on the same
  tables with the best budget split (σ_t·√(2/π), ρ_t ∝ cells^{2/3}), no post-processing;
- raw: the noisy counts as measured (no post-processing);
- projection: tiphub's consistent release (least-squares projection, rounding);
- clip: the naive clip-and-renormalise post-processing of the same measurements.

Bar (issue #7): the released tables' mean absolute error per cell within 1.5× the optimum,
and the sparse table (flows) post-processed better than clip-and-renormalise.

    python benchmarks/dp_tables.py [--rows 50000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import print_table, timed  # noqa: E402

from tiphub.demo import calibration as cal  # noqa: E402
from tiphub.demo import iter_ctdc_synthetic  # noqa: E402
from tiphub.release import epsilon_to_rho, frame_from_ctdc  # noqa: E402
from tiphub.release.noise import SeededNoise  # noqa: E402
from tiphub.release.tables import gaussian_optimum_mae, measure, postprocess, workload  # noqa: E402

EPSILON, DELTA = 1.0, 1e-6
SPARSE = "flows"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    real = frame_from_ctdc(iter_ctdc_synthetic(args.rows, seed=7), years=cal.YEARS)
    rho = epsilon_to_rho(EPSILON, DELTA)
    specs = workload()
    truth = {s.name: real.marginal(s.attributes) for s in specs}
    errors: dict[str, list[np.ndarray]] = {"raw": [], "projection": [], "clip": []}
    sparse: dict[str, list[float]] = {"raw": [], "projection": [], "clip": []}
    seconds = []
    for seed in range(args.repeats):
        measured = measure(real, specs, rho, SeededNoise(seed))
        raw = {m.spec.name: m.noisy for m in measured}
        elapsed, projected = timed(lambda m=measured: postprocess(m, "projection"))
        seconds.append(elapsed)
        clipped = postprocess(measured, "clip")
        for method, values in (("raw", raw),
                               ("projection", {k: t.counts for k, t in projected.tables.items()}),
                               ("clip", {k: t.counts for k, t in clipped.tables.items()})):
            cells = np.concatenate([np.abs(values[s.name] - truth[s.name]).ravel() for s in specs])
            errors[method].append(cells)
            sparse[method].append(float(np.abs(values[SPARSE] - truth[SPARSE]).mean()))
    sizes = [truth[s.name].size for s in specs]
    optimum = gaussian_optimum_mae(sizes, rho)
    mae = {k: float(np.concatenate(v).mean()) for k, v in errors.items()}
    sparse_mae = {k: float(np.mean(v)) for k, v in sparse.items()}
    print_table(
        f"Noisy tables, {args.rows:,} rows, {len(specs)} tables, {sum(sizes):,} cells, epsilon "
        f"{EPSILON:g}, delta {DELTA:g} (rho {rho:.5f}), {args.repeats} noise seeds",
        ["method", "MAE per cell", "× optimum", f"MAE {SPARSE} (sparse)", "seconds"],
        [["Gaussian optimum (expected)", optimum, 1.0, "-", "-"],
         ["raw noisy counts", mae["raw"], mae["raw"] / optimum, sparse_mae["raw"], "-"],
         ["clip and renormalise", mae["clip"], mae["clip"] / optimum, sparse_mae["clip"], "-"],
         ["tiphub projection", mae["projection"], mae["projection"] / optimum, sparse_mae["projection"],
          float(np.mean(seconds))]])
    per_table = []
    for s in specs:
        per_table.append([s.name, truth[s.name].size,
                          *(float(np.mean([e.mean() for e in _table_errors(errors[k], sizes, specs, s)]))
                            for k in ("raw", "clip", "projection"))])
    print_table("Mean absolute error per cell, by table", ["table", "cells", "raw", "clip", "projection"],
                per_table)

    failures = []
    if mae["projection"] > 1.5 * optimum:
        failures.append(f"MAE per cell {mae['projection']:.3f} > 1.5 × optimum {optimum:.3f}")
    if sparse_mae["projection"] >= sparse_mae["clip"]:
        failures.append(f"sparse table: projection {sparse_mae['projection']:.3f} not better than clip "
                        f"{sparse_mae['clip']:.3f}")
    for f in failures:
        print(f"FAIL: {f}")
    if not failures:
        print("PASS: within 1.5× the Gaussian optimum, sparse table better than clip-and-renormalise")
    return 1 if failures else 0


def _table_errors(runs: list[np.ndarray], sizes: list[int], specs: list, spec) -> list[np.ndarray]:
    """The cells of one table inside each run's concatenated error vector."""
    start = sum(sizes[: specs.index(spec)])
    return [run[start:start + sizes[specs.index(spec)]] for run in runs]


if __name__ == "__main__":
    sys.exit(main())
