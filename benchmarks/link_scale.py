"""Scale of the local linkage engine on synthetic CLKs: time, memory, growth, accuracy.

Synthetic 1024-bit encodings: random bits at density 0.5; a person seen by several parties gets
one copy per party, each with a random 2.5-13.5 % of its bits flipped, so two copies have a
Dice of about 0.75-0.95. About 15 % of each party's records are persons other parties also
hold (5-10 % overlap with each other party); persons appear in 2 (70 %), 3 (20 %) or 4 parties.

Bars (issue): 4 parties x 250,000 records linked (candidates + resolve, threshold estimated)
well inside 10 minutes on this machine with peak RSS under 4 GB; time grows near-linearly
from 10,000 to 1,000,000 records. Each size runs in a child process so its peak RSS is its own.

    python benchmarks/link_scale.py [--quick] [--sizes 10000,100000,1000000] [--parties 4]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import print_table  # noqa: E402

TIME_BAR_S = 300.0  # "well inside 10 minutes": half of it
MEMORY_BAR_MB = 4096.0
GROWTH_BAR = 1.5  # exponent of time against records (2 would be quadratic)


def synthetic(total: int, parties: int = 4, seed: int = 1, shared: float = 0.15):
    """(bits, party, truth): ``truth[i]`` is record i's person. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    per = total // parties
    mult = rng.choice([2, 3, 4], size=int(shared * per * parties / 2.4) + 1, p=[0.7, 0.2, 0.1])
    slots = [list() for _ in range(parties)]
    truth_persons = []
    person = 0
    for m in mult:  # shared persons: m distinct parties, while they have room
        chosen = rng.choice(parties, size=min(int(m), parties), replace=False)
        if any(len(slots[p]) >= int(shared * per) for p in chosen):
            continue
        for p in chosen:
            slots[p].append(person)
        truth_persons.append(person)
        person += 1
    party_of, truth = [], []
    for p in range(parties):
        own = list(range(person, person + per - len(slots[p])))
        person += len(own)
        ids = slots[p] + own
        party_of.extend([p] * len(ids))
        truth.extend(ids)
    truth = np.array(truth, np.int64)
    party = np.array(party_of, np.int32)
    order = rng.permutation(truth.size)  # records arrive shuffled
    truth, party = truth[order], party[order]
    base = np.random.default_rng(seed + 1)
    bits = np.empty((truth.size, 128), np.uint8)
    person_bits = base.integers(0, 256, (person, 128), dtype=np.uint8)
    chunk = 10_000
    for start in range(0, truth.size, chunk):
        rows = truth[start: start + chunk]
        flip = rng.uniform(0.025, 0.135, rows.size)
        noise = rng.random((rows.size, 1024), dtype=np.float32) < flip[:, None].astype(np.float32)
        # only records of shared persons get noise; unique persons' single copy stays as drawn
        multi = np.isin(rows, truth_persons, assume_unique=False)
        noise[~multi] = False
        bits[start: start + chunk] = person_bits[rows] ^ np.packbits(noise, axis=1)
    return bits, party, truth


def pair_keys(labels: np.ndarray) -> np.ndarray:
    """Sorted keys i*n+j (i<j) of all record pairs that share a label."""
    n = labels.size
    order = np.argsort(labels, kind="stable")
    lab = labels[order]
    keys = []
    d = 1
    while True:
        same = lab[d:] == lab[:-d] if d < n else np.zeros(0, bool)
        if not same.any():
            break
        a, b = order[:-d][same], order[d:][same]
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
        d += 1
    return np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)


def shares_band(bits: np.ndarray, i: np.ndarray, j: np.ndarray, blocking: dict) -> np.ndarray:
    """Whether each pair (i, j) shares a key in at least one band of the LSH blocking used."""
    from tiphub.linkage.blocking import band_keys, band_positions

    positions = band_positions(bits.shape[1] * 8, blocking["bands"], blocking["bits_per_band"],
                               blocking["seed"])
    out = np.zeros(i.size, bool)
    for start in range(0, i.size, 20_000):
        a = band_keys(bits[i[start: start + 20_000]], positions)
        b = band_keys(bits[j[start: start + 20_000]], positions)
        out[start: start + 20_000] = (a == b).any(axis=1)
    return out


def run_one(total: int, parties: int) -> dict:
    import resource

    from tiphub.linkage import local
    from tiphub.linkage.types import Encodings, MatchParams

    bits, party, truth = synthetic(total, parties)
    enc = Encodings(bits=bits, party=party)
    small = Encodings(bits=bits[:2000], party=party[:2000])
    local.match(small, MatchParams())  # warm up: load the compiled kernels
    local.match(small, MatchParams(blocking="lsh"))
    start = time.perf_counter()
    result = local.match(enc, MatchParams())
    seconds = time.perf_counter() - start
    true = pair_keys(truth)
    found = pair_keys(result.person)
    hits = np.intersect1d(true, found, assume_unique=True).size
    blocking = dict(result.blocking)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    through = float("nan")
    if blocking.get("method") == "lsh":  # recall of true cross-party pairs through blocking alone
        ti, tj = true // enc.n, true % enc.n
        cross = party[ti] != party[tj]
        through = float(shares_band(bits, ti[cross], tj[cross], blocking).mean())
    return {
        "records": total, "seconds": seconds, "comparisons": result.comparisons,
        "candidates": result.candidates, "threshold": result.threshold,
        "blocking": f"lsh {blocking['bands']}x{blocking['bits_per_band']}" if blocking["method"] == "lsh"
        else "all pairs",
        "blocking_recall": through, "precision": hits / max(found.size, 1),
        "recall": hits / max(true.size, 1),
        "peak_mb": peak_mb, "warnings": result.warnings,
    }


def child(total: int, parties: int) -> dict:
    code = ("import sys, json; sys.path.insert(0, 'benchmarks'); from link_scale import run_one;"
            f"print(json.dumps(run_one({total}, {parties})))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=Path(__file__).parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 100,000 only")
    parser.add_argument("--sizes", default="")
    parser.add_argument("--parties", type=int, default=4)
    args = parser.parse_args()
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    elif args.quick:
        sizes = [10_000, 30_000, 100_000]
    else:
        sizes = [10_000, 30_000, 100_000, 300_000, 1_000_000]
    results = [child(n, args.parties) for n in sizes]
    rows = [[r["records"], r["blocking"], r["comparisons"], r["candidates"], r["threshold"], r["seconds"],
             r["peak_mb"], r["blocking_recall"], r["precision"], r["recall"]] for r in results]
    print_table(f"Local linkage of {args.parties} parties, synthetic CLKs (threshold estimated)",
                ["records", "blocking", "comparisons", "pairs >= t", "threshold", "seconds", "peak RSS MB",
                 "blocking recall", "precision", "recall"], rows)
    for r in results:
        for w in r["warnings"]:
            print(f"warning at {r['records']:,}: {w}")
    x = np.log([r["records"] for r in results])
    y = np.log([max(r["seconds"], 1e-3) for r in results])
    growth = float(np.polyfit(x, y, 1)[0]) if len(results) > 1 else math.nan
    print(f"\ngrowth: time ~ records^{growth:.2f} over {sizes[0]:,}..{sizes[-1]:,} records "
          f"(1 = linear, 2 = quadratic; bar <= {GROWTH_BAR})")
    big = max(results, key=lambda r: r["records"])
    ok = (big["seconds"] <= TIME_BAR_S and big["peak_mb"] <= MEMORY_BAR_MB
          and (math.isnan(growth) or growth <= GROWTH_BAR)
          and big["recall"] >= 0.95 and big["precision"] >= 0.99)
    print(f"bars at {big['records']:,} records: <= {TIME_BAR_S:.0f} s, <= {MEMORY_BAR_MB:.0f} MB peak RSS, "
          f"precision >= 0.99, recall >= 0.95 -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
