"""Synthetic data at ε = 1, δ = 1e-6: tiphub's MST (tree model, sampled) vs OpenDP's MST.

On a 50,000-row, 10-column table from the demo generator (CTDC-like domains: 12 years, 4
sexes, 10 age bands, 251 citizenships and countries of exploitation — the public domains, all
ISO countries plus blank — 4 durations and 4 flags), all in one run:

- tiphub: :func:`tiphub.release.synthesize` (seeded noise, so the run is reproducible);
- baseline: OpenDP's ``dp.mbi.MST()`` contingency table (Private-PGM), synthesised with
  ``method="sample"``, same keys, same ρ (needs ``pip install 'opendp[mbi]' pandas``);
- pac-synth (the synthesiser CTDC used), at the same (ε, δ) by its own accounting, when
  installed (``pip install 'tiphub[pacsynth]'``; ``--no-pacsynth`` skips it): a reference
  line, not part of the bar (the issue measured it at 0.1–0.35);
- floor: an independent second sample of the same population (another generator seed).

Bar (issue #7): mean 2-way TVD no worse than the baseline and at most 0.05; generated in
under 30 s. ``--no-baseline`` skips OpenDP's MST (then the bar compares with 0.05 only).

    python benchmarks/dp_synthetic.py [--rows 50000] [--seed 1] [--no-baseline] [--no-pacsynth]
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
from tiphub.release import epsilon_to_rho, frame_from_ctdc, synthesize  # noqa: E402
from tiphub.release.data import Frame  # noqa: E402
from tiphub.release.report import exact_matches, marginal_tvd, rare_reappearing  # noqa: E402

COLUMNS = ["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
           "traffickMonths", "isForcedLabour", "isSexualExploit", "meansThreats",
           "recruiterRelationFamily"]
EPSILON, DELTA = 1.0, 1e-6


def population(rows: int, seed: int) -> Frame:
    return frame_from_ctdc(iter_ctdc_synthetic(rows, seed=seed), years=cal.YEARS).select(COLUMNS)


def opendp_mst(real: Frame, rho: float) -> Frame:
    """OpenDP 0.16's MST on the same public keys; all keys known, so pure ρ-zCDP (δ = 0)."""
    import opendp.prelude as dp
    import polars as pl

    dp.enable_features("contrib")
    df = pl.DataFrame({a.name: np.array(a.domain, dtype=object)[real.data[:, j]].tolist()
                       for j, a in enumerate(real.attributes)})
    context = dp.Context.compositor(data=df.lazy(), privacy_unit=dp.unit_of(contributions=1),
                                    privacy_loss=dp.loss_of(rho=rho))
    table = (context.query(rho=rho)
             .contingency_table(keys={a.name: list(a.domain) for a in real.attributes},
                                algorithm=dp.mbi.MST())
             .release())
    synth = table.synthesize(real.n, method="sample")
    index = {a.name: a.index() for a in real.attributes}
    data = np.column_stack([[index[c][v if v is not None else ""] for v in synth[c].to_list()]
                            for c in real.names])
    return Frame(real.attributes, data.astype(np.int32))


def row(name: str, real: Frame, synth: Frame, seconds: float | None) -> list[object]:
    one, two, three = (marginal_tvd(real, synth, k) for k in (1, 2, 3))
    _, rare = rare_reappearing(real, synth)
    matches, _ = exact_matches(real, synth)
    return [name, one.mean, two.mean, two.worst, "×".join(two.worst_columns), three.mean,
            f"{rare:.0%}", matches, "-" if seconds is None else seconds]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1, help="seed of tiphub's noise and sampling")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-pacsynth", action="store_true", help="skip the pac-synth line")
    args = parser.parse_args()

    real, floor = population(args.rows, 7), population(args.rows, 8)
    rho = epsilon_to_rho(EPSILON, DELTA)
    seconds, release = timed(lambda: synthesize(real, rho, seed=args.seed))
    rows = [row("tiphub MST (tree, sampled)", real, release.frame, seconds)]
    baseline = None
    if not args.no_baseline:
        base_seconds, base = timed(lambda: opendp_mst(real, rho))
        baseline = marginal_tvd(real, base, 2).mean
        rows.append(row("OpenDP MST (mbi, sample)", real, base, base_seconds))
    from tiphub.release.pacsynth import available, synthesize_pacsynth

    if not args.no_pacsynth and available():
        pac_seconds, pac = timed(lambda: synthesize_pacsynth(real, EPSILON, DELTA, rows=real.n))
        rows.append(row("pac-synth (CTDC's, own accounting)", real, pac.frame, pac_seconds))
    elif not args.no_pacsynth:
        print("  pac-synth not installed: its line is skipped (pip install 'tiphub[pacsynth]')")
    rows.append(row("second sample (floor)", real, floor, None))
    print_table(f"Synthetic data, {args.rows:,} rows × {len(COLUMNS)} columns, epsilon {EPSILON:g}, "
                f"delta {DELTA:g} (rho {rho:.5f}); TVD against the real data",
                ["method", "1-way mean", "2-way mean", "2-way worst", "worst pair", "3-way mean",
                 "rare reappear", "unique matches", "seconds"], rows)
    print(f"  tree: {', '.join('-'.join(e) for e in release.edges)}")

    mean2 = marginal_tvd(real, release.frame, 2).mean
    failures = []
    if mean2 > 0.05:
        failures.append(f"mean 2-way TVD {mean2:.4f} > 0.05")
    if baseline is not None and mean2 > baseline:
        failures.append(f"mean 2-way TVD {mean2:.4f} worse than OpenDP's MST {baseline:.4f}")
    if seconds >= 30:
        failures.append(f"generation took {seconds:.1f} s (bar: under 30 s)")
    for f in failures:
        print(f"FAIL: {f}")
    if not failures:
        print("PASS: mean 2-way TVD within the bar" + (" and no worse than OpenDP's MST" if baseline else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
