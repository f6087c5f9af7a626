"""Linkage accuracy on the FEBRL benchmark files, encoded with the clkhash FEBRL schema.

* dataset4a + dataset4b: two parties, each original in 4a has exactly one duplicate in 4b.
  Bar (issue): pairwise F1 >= 0.995, threshold estimated from the scores.
* dataset3: one file of 5,000 rows with up to several duplicates per original, deduplicated
  (``within_party=True``); F1 reported.

Rows are read with ``csv.reader(skipinitialspace=True)`` and stripped; ``rec-N-org`` and
``rec-N-dup-K`` are the same person. Also prints how many true pairs survive forced LSH blocking.

    python benchmarks/link_accuracy.py [--threshold 0.8]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import print_table  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "linkage" / "data"  # FEBRL + clkhash schema
SECRET = b"tiphub-febrl-benchmark-secret"
F1_BAR = 0.995
LABEL = re.compile(r"^rec-(\d+)-")


def read(path: Path) -> tuple[list[list[str]], list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, skipinitialspace=True)
        next(reader)
        rows = [[v.strip() for v in row] for row in reader if row]
    return rows, [LABEL.match(r[0]).group(1) for r in rows]


def pair_keys(labels: np.ndarray) -> set[tuple[int, int]]:
    groups: dict[int, list[int]] = {}
    for k, lab in enumerate(labels.tolist()):
        groups.setdefault(lab, []).append(k)
    return {(a, b) for g in groups.values() for x, a in enumerate(g) for b in g[x + 1:]}


def scores(truth: np.ndarray, person: np.ndarray) -> tuple[float, float, float]:
    true, found = pair_keys(truth), pair_keys(person)
    hits = len(true & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if hits else 0.0)


def run(name: str, files: list[str], threshold: float | None, within: bool) -> list:
    from tiphub.linkage import local
    from tiphub.linkage.encoding import Encoder
    from tiphub.linkage.schema import load_schema
    from tiphub.linkage.types import Encodings, MatchParams

    encoder = Encoder(load_schema(DATA / "febrl_schema.json"), SECRET)
    bits, party, labels = [], [], []
    for k, f in enumerate(files):
        rows, lab = read(DATA / "febrl" / f)
        bits.append(encoder.encode(rows))
        party += [k] * len(rows)
        labels += lab
    enc = Encodings(bits=np.ascontiguousarray(np.concatenate(bits)), party=np.array(party, np.int32))
    truth = np.unique(np.array(labels), return_inverse=True)[1]
    params = MatchParams(threshold=threshold, within_party=within)
    start = time.perf_counter()
    m = local.match(enc, params)
    seconds = time.perf_counter() - start
    p, r, f1 = scores(truth, m.person)
    lsh = local.candidates(enc, MatchParams(blocking="lsh", threshold=m.threshold, within_party=within), 0.0)
    through = set(zip(lsh.i.tolist(), lsh.j.tolist(), strict=True))
    true = pair_keys(truth)
    lsh_recall = len(true & through) / max(len(true), 1)
    for w in m.warnings:
        print(f"warning ({name}): {w}")
    return [name, enc.n, m.threshold, "estimated" if m.threshold_estimated else "given", m.comparisons,
            seconds, p, r, f1, f"{lsh_recall:.4f} ({lsh.blocking['bands']}x{lsh.blocking['bits_per_band']})"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=None, help="default: estimated from the scores")
    args = parser.parse_args()
    rows = [run("4a + 4b (2 parties)", ["dataset4a.csv", "dataset4b.csv"], args.threshold, False),
            run("dataset3 (dedupe)", ["dataset3.csv"], args.threshold, True)]
    print_table("FEBRL linkage accuracy (clkhash FEBRL schema, pairwise scores)",
                ["data", "records", "threshold", "how", "comparisons", "seconds", "precision", "recall", "F1",
                 "recall through LSH"], rows)
    ok = rows[0][8] >= F1_BAR
    print(f"\nbar: F1 >= {F1_BAR} on 4a + 4b -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
