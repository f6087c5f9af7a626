"""Encoding speed on one core, against baselines measured in the same run, and (``--quality``)
how well the default HTCDS schema separates true matches on the demo data.

Rows: the FEBRL schema on dataset4a + 4b (10,000 records, repeated to ``--rows``) and the
default HTCDS schema on demo people files (``generate_demo(people=20000)``, about 21,000
records, repeated likewise; HTCDS timings include :func:`prepare_htcds`). "cold" is one pass
over the distinct records with a fresh encoder (no cache warm-up at all).

Baselines: "clkhash-style" is the same algorithm written plainly (no caches, a bytearray per
record) — what a straightforward port of clkhash costs; clkhash 0.18.3 itself runs in a child
process when a virtualenv holding it exists (``--clkhash-python``, default /tmp/clkenv).

Bar: at least 20,000 records/s on one core for both schemas (exit status 1 otherwise).

    python benchmarks/encode_speed.py [--rows 100000] [--quality]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np  # noqa: E402
from _common import print_table, timed  # noqa: E402

from tiphub.linkage.encoding import Encoder, EncodeStats, blake_indices, derive_keys  # noqa: E402
from tiphub.linkage.normalise import prepare_htcds  # noqa: E402
from tiphub.linkage.schema import LinkageSchema, default_schema, load_schema  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FEBRL_SCHEMA = ROOT / "tests" / "linkage" / "data" / "febrl_schema.json"
FEBRL_DIR = ROOT.parent / "shared" / "data" / "febrl"
ORGS = ("police", "shelter", "hotline", "labour", "immigration")
SECRET = b"benchmark-secret-not-for-real-data"
BAR = 20_000


def febrl_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for name in ("dataset4a.csv", "dataset4b.csv"):
        with (FEBRL_DIR / name).open(newline="") as fh:
            reader = csv.reader(fh, skipinitialspace=True)
            next(reader)
            rows.extend([c.strip() for c in row] for row in reader)
    return rows


def demo_rows(work: Path, people: int, seed: int = 1) -> tuple[list[dict[str, str]], list[int], list[str]]:
    from tiphub.demo.generate import generate_demo

    manifest = generate_demo(work / f"demo-{people}-{seed}", seed=seed, people=people, global_rows=10)
    with manifest.truth.open(newline="") as fh:
        truth = {(r["org"], r["prs_Id"]): r["person_id"] for r in csv.DictReader(fh)}
    rows, party, person = [], [], []
    for k, org in enumerate(ORGS):
        with manifest.files[org].open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows.append(row)
                party.append(k)
                person.append(truth[(org, row["prs_Id"])])
    return rows, party, person


def plain_encode(schema: LinkageSchema, rows: list, secret: bytes) -> np.ndarray:
    """The same algorithm without any cache: what a direct port of clkhash costs."""
    keys = derive_keys(schema, secret)
    length = schema.hash_l
    out = np.zeros((len(rows), schema.l // 8), dtype=np.uint8)
    for r, row in enumerate(rows):
        bits = bytearray(length // 8)
        for pos, feature in enumerate(schema.features):
            if feature.ignored:
                continue
            raw = row.get(feature.identifier, "") if isinstance(row, dict) else row[pos]
            value = feature.prepare(raw)
            tokens = feature.tokenize(value or "")
            for token, k in zip(tokens, feature.bits_per_token(len(tokens)), strict=True):
                for idx in blake_indices(token.encode(feature.encoding), k, keys[pos][0], length):
                    bits[idx // 8] |= 0x80 >> (idx % 8)
        out[r] = np.frombuffer(bytes(bits), dtype=np.uint8)
    return out


CLKHASH_CODE = """
import csv, json, sys, time
from clkhash import clk, schema
rows = json.load(open(sys.argv[1]))
with open(sys.argv[2]) as fh:
    sch = schema.from_json_file(fh)
start = time.perf_counter()
clks = clk.generate_clks(rows, sch, sys.argv[3], validate=True, max_workers=1)
print(json.dumps({"n": len(clks), "seconds": time.perf_counter() - start}))
"""


def clkhash_rate(python: Path, rows: list[list[str]], schema_path: Path, work: Path) -> float | None:
    if not python.exists():
        return None
    data = work / "clkhash-rows.json"
    data.write_text(json.dumps(rows))
    try:
        done = subprocess.run([str(python), "-c", CLKHASH_CODE, str(data), str(schema_path),
                               SECRET.decode()], check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        print(f"clkhash run failed: {exc.stderr.strip().splitlines()[-1:]}")
        return None
    result = json.loads(done.stdout)
    return result["n"] / result["seconds"]


def rate(fn, n: int) -> float:
    seconds, _ = timed(fn)
    return n / seconds


def speed(args: argparse.Namespace, work: Path) -> bool:
    febrl = load_schema(FEBRL_SCHEMA)
    htcds = default_schema()
    f_rows = febrl_rows()
    h_rows, _, _ = demo_rows(work, 20_000)
    table, ok = [], True
    for label, schema, rows, prep in (("FEBRL 4a+4b", febrl, f_rows, None),
                                      ("HTCDS demo", htcds, h_rows, prepare_htcds)):
        big = (rows * (args.rows // len(rows) + 1))[:args.rows]

        def run(data, schema=schema, prep=prep):
            encoder = Encoder(schema, SECRET)
            return encoder.encode([prep(r) for r in data] if prep else data, EncodeStats())

        cold = rate(lambda data=rows, run=run: run(data), len(rows))
        warm = rate(lambda data=big, run=run: run(data), len(big))
        sample = rows[:5000]
        prepared = [prep(r) for r in sample] if prep else sample
        plain = rate(lambda p=prepared, s=schema: plain_encode(s, p, SECRET), len(sample))
        ok &= min(cold, warm) >= BAR
        table.append([f"{label}: tiphub, {len(big):,} rows", warm, warm / plain])
        table.append([f"{label}: tiphub cold, {len(rows):,} distinct rows", cold, cold / plain])
        table.append([f"{label}: clkhash-style (no cache), {len(sample):,} rows", plain, 1.0])
        if schema is febrl:
            theirs = clkhash_rate(Path(args.clkhash_python), f_rows[:20_000], FEBRL_SCHEMA, work)
            if theirs:
                table.append(["FEBRL 4a+4b: clkhash 0.18.3 (1 worker), 10,000 rows", theirs, theirs / plain])
    print_table("Encoding speed, one core (records/s)", ["method", "records/s", "x clkhash-style"], table)
    print(f"\nbar: >= {BAR:,} records/s on one core for both schemas -> {'PASS' if ok else 'FAIL'}")
    return ok


def quality(work: Path, seeds: list[int]) -> None:
    """Dice of every cross-organisation pair of the demo; best-threshold F1, greedy one-to-one."""
    rows_out = []
    for seed in seeds:
        rows, party_l, person_l = demo_rows(work, 1200, seed=seed)
        stats = EncodeStats()
        bits = Encoder(default_schema(), SECRET).encode([prepare_htcds(r) for r in rows], stats)
        b = np.unpackbits(bits, axis=1).astype(np.float32)
        pop = b.sum(axis=1)
        scores = 2 * (b @ b.T) / np.maximum(pop[:, None] + pop[None, :], 1)
        party, person = np.array(party_l), np.array(person_l)
        i, j = np.triu_indices(len(person), 1)
        cross = party[i] != party[j]
        i, j = i[cross], j[cross]
        s, same = scores[i, j], person[i] == person[j]
        f1, t, tp, fp = _best_f1(i, j, s, same, party)
        q_true = np.quantile(s[same], [0.05, 0.5])
        q_false = np.quantile(s[~same], [0.5, 0.999, 1.0])
        rows_out.append([str(seed), len(person), int(same.sum()), stats.mean_density,
                         *q_true, *q_false, t, tp, fp, f1])
    print_table("Default HTCDS schema on the demo (cross-organisation pairs, Dice)",
                ["seed", "records", "true pairs", "density", "true p5", "true p50", "non p50",
                 "non p99.9", "non max", "threshold", "TP", "FP", "best F1"], rows_out)


def _best_f1(i, j, s, same, party) -> tuple[float, float, int, int]:
    """(F1, threshold, TP, FP) at the best threshold; pairs are accepted best-first, greedily
    one-to-one (a record matches at most one record of each other organisation)."""
    n_true = int(same.sum())
    keep = s >= 0.4
    i, j, s, same = i[keep], j[keep], s[keep], same[keep]
    order = np.argsort(-s, kind="stable")
    used: set[tuple[int, int]] = set()
    tp = fp = 0
    best = (0.0, 1.0, 0, 0)
    for o in order:
        a, b = int(i[o]), int(j[o])
        if (a, party[b]) in used or (b, party[a]) in used:
            continue
        used.update(((a, party[b]), (b, party[a])))
        tp, fp = tp + bool(same[o]), fp + (not same[o])
        f1 = 2 * tp / (2 * tp + fp + (n_true - tp))
        if f1 > best[0]:
            best = (f1, float(s[o]), tp, fp)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clkhash-python", default="/tmp/clkenv/bin/python")
    parser.add_argument("--quality", action="store_true", help="also measure match separation on the demo")
    parser.add_argument("--seeds", default="2024,2025,7")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ok = speed(args, work)
        if args.quality:
            quality(work, [int(s) for s in args.seeds.split(",")])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
