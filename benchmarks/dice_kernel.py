"""Dice comparisons per second on one core: tiphub's kernel against anonlink's, same data, same run.

Both find every pair of a 1024-bit CLK set A (n_a) against set B (n_b) with Dice >= the
threshold; comparisons are counted the same way (n_a x n_b). anonlink runs
``candidate_generation.find_candidate_pairs`` with ``similarities.dice_coefficient_accelerated``
(its C++ popcount kernel) in a subprocess of a throw-away venv (installed on first use with
``pip install anonlink``), pinned to one thread. Both are warmed up and the best of three runs
counts. Bar (issue): tiphub >= 1.5x anonlink. Also prints tiphub on every core (the local engine).

    python benchmarks/dice_kernel.py [--n 5000] [--threshold 0.7] [--anonlink-venv /tmp/anonenv]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import print_table  # noqa: E402

BAR = 1.5
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMBA_NUM_THREADS": "1"}

ANONLINK_RUN = r"""
import json, sys, time
import numpy as np
from bitarray import bitarray
import anonlink
a = np.load(sys.argv[1]); b = np.load(sys.argv[2]); threshold = float(sys.argv[3])
def filters(x):
    out = []
    for row in x:
        f = bitarray(); f.frombytes(row.tobytes()); out.append(f)
    return out
fa, fb = filters(a), filters(b)
sim = anonlink.similarities.dice_coefficient_accelerated
anonlink.candidate_generation.find_candidate_pairs((fa[:50], fb[:50]), sim, threshold)  # warm up
best, found = None, 0
for _ in range(3):
    start = time.perf_counter()
    result = anonlink.candidate_generation.find_candidate_pairs((fa, fb), sim, threshold)
    seconds = time.perf_counter() - start
    best = seconds if best is None else min(best, seconds)
    found = len(result[0])
print(json.dumps({"seconds": best, "found": found}))
"""


def data(n: int, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """Random CLKs at density 0.5; a tenth of B are noisy copies of A (Dice ~0.75-0.95)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 256, (n, 128), dtype=np.uint8)
    b = rng.integers(0, 256, (n, 128), dtype=np.uint8)
    k = n // 10
    noise = rng.random((k, 1024)) < rng.uniform(0.05, 0.25, k)[:, None]
    b[:k] = np.packbits(np.unpackbits(a[:k], axis=1) ^ noise, axis=1)
    return a, b


def ensure_anonlink(venv: Path) -> Path | None:
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import anonlink, bitarray"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "anonlink"], check=True,
                       capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        print(f"anonlink could not be installed in {venv}: {exc}\n{detail.decode(errors='replace')[-1500:]}")
        return None
    return python if subprocess.run(check, capture_output=True).returncode == 0 else None


def run_anonlink(python: Path, a: np.ndarray, b: np.ndarray, threshold: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb = Path(tmp) / "a.npy", Path(tmp) / "b.npy"
        np.save(pa, a)
        np.save(pb, b)
        cmd = [str(python), "-c", ANONLINK_RUN, str(pa), str(pb), str(threshold)]
        if hasattr(os, "sched_setaffinity"):
            cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *cmd]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                             env={**os.environ, **ONE_THREAD})
        return json.loads(out.stdout.strip().splitlines()[-1])


def run_tiphub(a: np.ndarray, b: np.ndarray, threshold: float) -> dict:
    from tiphub.linkage import kernel

    wa, wb = kernel.as_words(a), kernel.as_words(b)
    warm_a, warm_b = wa[:50], wb[:50]
    kernel.all_pairs(warm_a, kernel.popcounts(warm_a), warm_b, kernel.popcounts(warm_b), threshold)
    best, found = None, 0
    for _ in range(3):
        start = time.perf_counter()
        pa, pb = kernel.popcounts(wa), kernel.popcounts(wb)  # counted: anonlink popcounts inside its call too
        i, _, _ = kernel.all_pairs(wa, pa, wb, pb, threshold)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
        found = len(i)
    return {"seconds": best, "found": found}


def run_tiphub_all_cores(a: np.ndarray, b: np.ndarray, threshold: float) -> dict:
    from tiphub.linkage import local
    from tiphub.linkage.types import Encodings, MatchParams

    party = np.repeat(np.arange(2), [len(a), len(b)]).astype(np.int32)
    enc = Encodings(bits=np.concatenate([a, b]), party=party)
    params = MatchParams(blocking="none", threshold=threshold)
    local.candidates(Encodings(bits=enc.bits[:100], party=enc.party[:100]), params, threshold)
    best, found = None, 0
    for _ in range(3):
        start = time.perf_counter()
        c = local.candidates(enc, params, threshold)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
        found = len(c.i)
    return {"seconds": best, "found": found}


def one_core(fn, *args):
    """Run ``fn`` pinned to one CPU (the numba kernel is single-threaded; this keeps it honest)."""
    if not hasattr(os, "sched_setaffinity"):
        return fn(*args)
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        return fn(*args)
    finally:
        os.sched_setaffinity(0, before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="records per side (n x n comparisons)")
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--anonlink-venv", type=Path, default=Path("/tmp/anonenv"))
    args = parser.parse_args()
    a, b = data(args.n)
    comparisons = args.n * args.n
    ours = one_core(run_tiphub, a, b, args.threshold)
    rows = [["tiphub kernel.all_pairs (numba, 1 core)", ours["found"], ours["seconds"],
             comparisons / ours["seconds"] / 1e6]]
    python = ensure_anonlink(args.anonlink_venv)
    ratio = None
    if python is None:
        print("anonlink is NOT available: the comparison with it was not made (see the message above).")
    else:
        theirs = run_anonlink(python, a, b, args.threshold)
        ratio = theirs["seconds"] / ours["seconds"]
        if theirs["found"] != ours["found"]:
            print(f"note: anonlink found {theirs['found']} pairs, tiphub {ours['found']}")
        rows.insert(0, ["anonlink dice_coefficient_accelerated (C++, 1 thread)", theirs["found"],
                        theirs["seconds"], comparisons / theirs["seconds"] / 1e6])
    multi = run_tiphub_all_cores(a, b, args.threshold)
    cores = len(os.sched_getaffinity(0))
    rows.append([f"tiphub local engine ({cores} cores)", multi["found"], multi["seconds"],
                 comparisons / multi["seconds"] / 1e6])
    base = rows[0][2]
    table = [r + [base / r[2]] for r in rows]
    print_table(f"Dice all-pairs, {args.n:,} x {args.n:,} 1024-bit CLKs, threshold {args.threshold}",
                ["engine", "pairs found", "seconds", "M comparisons/s", "x anonlink" if ratio else "x first"],
                table)
    if ratio is None:
        print("\nbar: >= 1.5x anonlink on one core -> NOT MEASURED (anonlink unavailable)")
        return 2
    ok = ratio >= BAR
    print(f"\nbar: tiphub >= {BAR}x anonlink on one core -> {ratio:.2f}x {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
