"""Record linkage end to end: organisations encode their people files, the hub imports the
encoded files and links them into persons.

The issue's bar: 4 organisations x 250,000 records (5-10 % overlap between organisations)
linked end to end in under 10 minutes on a 2-core machine, peak memory under 4 GB, and time
that grows near-linearly from 10,000 to 1,000,000 records in total. Each size is run in a
fresh subprocess (so its peak memory is its own); the table prints the stages, the persons
found against the generator's truth, and the growth exponent of the total time.

    python benchmarks/link_end_to_end.py                 # 10k, 100k, 300k, 1M records
    python benchmarks/link_end_to_end.py --sizes 10000   # one size
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _common import print_table  # noqa: E402

PARTIES = ("police", "shelter", "hotline", "labour")
OVERLAP = 0.075  # share of each organisation's records whose person another organisation holds
SECRET = b"tiphub-benchmark-secret-not-for-real-data"
BAR_SECONDS, BAR_MEMORY_MB = 600, 4096
HEADER = ["prs_Id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender",
          "prs_Citizenship", "vic_IdentificationDate", "vic_TraffickingStatus",
          "vic_TypeOfExploitation", "hte_ExploitationCountry"]
CITIZENSHIPS = ("GBR", "ROU", "ALB", "VNM", "UKR", "NGA", "ERI", "SDN", "POL", "CHN", "IND", "PHL")


def _pools() -> tuple[list[str], list[str], list[str]]:
    data = json.loads((ROOT / "tiphub/demo/data/names.json").read_text(encoding="utf-8"))
    given_f, given_m, family = set(), set(), set()
    for culture in data["cultures"].values():
        if culture.get("script") != "Latn":
            continue
        for key, pool in (("given_f", given_f), ("given_m", given_m), ("family", family)):
            pool.update(name.split("/")[0] for name in culture.get(key, []))
    return sorted(given_f), sorted(given_m), sorted(family)


def _typo(text: str, rnd: random.Random) -> str:
    if len(text) < 3:
        return text
    i = rnd.randrange(1, len(text))
    kind = rnd.random()
    if kind < 0.4:
        return text[:i] + text[i + 1:]
    if kind < 0.7:
        return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
    return text[:i] + rnd.choice("aeiounrst") + text[i + 1:]


def generate(directory: Path, total: int, seed: int = 11) -> tuple[dict[str, Path], dict]:
    """One people file per organisation (total/4 records each) and the truth (prs_Id -> person)."""
    rnd = random.Random(seed)
    given_f, given_m, family = _pools()
    per = total // len(PARTIES)
    shared = int(per * OVERLAP)
    persons = []
    for _ in range(total):
        sex = rnd.choice("FM")
        persons.append((rnd.choice(given_f if sex == "F" else given_m), rnd.choice(family),
                        f"{rnd.randint(1960, 2010)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                        "Feminine" if sex == "F" else "Masculine", rnd.choice(CITIZENSHIPS)))
    truth: dict[tuple[str, str], int] = {}
    files = {}
    next_person = 0
    own_start = {}
    for code in PARTIES:  # each organisation's own persons
        own_start[code] = next_person
        next_person += per - shared
    for code in PARTIES:
        path = directory / f"{code}.csv"
        others = [c for c in PARTIES if c != code]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for i in range(per):
                if i < per - shared:
                    person = own_start[code] + i
                    noisy = False
                else:  # someone another organisation holds too
                    other = others[i % len(others)]
                    person = own_start[other] + rnd.randrange(per - shared)
                    noisy = True
                given, fam, born, gender, citizenship = persons[person]
                if noisy and rnd.random() < 0.5:
                    given = _typo(given, rnd) if rnd.random() < 0.5 else given
                    fam = _typo(fam, rnd) if rnd.random() < 0.5 else fam
                if noisy and rnd.random() < 0.1:
                    born = ""
                local = f"{code[:2].upper()}{i:07d}"
                truth[(code, local)] = person
                writer.writerow([local, given, fam, born, gender, citizenship, "2022-05-01",
                                 "PossibleVictimOfTrafficking", "ForcedLabour", "GBR"])
        files[code] = path
    return files, truth


def _encode_one(args: tuple[str, str]) -> float:
    from tiphub.linkage.encode_file import encode_file

    source, target = args
    start = time.perf_counter()
    encode_file(Path(source), Path(target), secret=SECRET)
    return time.perf_counter() - start


def run_size(total: int) -> dict:
    """One size, in this process: generate, encode (one process per core), import, link."""
    from concurrent.futures import ProcessPoolExecutor

    from tiphub import Hub, Settings

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        files, truth = generate(directory, total)
        started = time.perf_counter()
        jobs = [(str(p), str(directory / f"{code}.encoded.csv")) for code, p in files.items()]
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(_encode_one, jobs))
        encoded = time.perf_counter()
        hub = Hub(Settings(home=directory / "home"))
        for code, (_, target) in zip(PARTIES, jobs, strict=True):
            hub.add_organisation(code, code.title(), "NGO", "GBR")
            hub.import_file(Path(target), org=code)
        imported = time.perf_counter()
        run = hub.link()
        linked = time.perf_counter()
        found = []
        for code in PARTIES:
            for rec in hub.link_records(code, run.id):
                found.append((rec["person"], truth[(code, rec["local_id"])]))
        hub.close()
    from tiphub.linkage.evaluate import pairwise

    hits, predicted, true = pairwise([p for p, _ in found], [t for _, t in found])
    return {"records": total, "encode_s": encoded - started, "import_s": imported - encoded,
            "link_s": linked - imported, "total_s": linked - started,
            "persons": run.persons, "true_persons": len(set(t for _, t in found)),
            "precision": hits / predicted if predicted else 1.0,
            "recall": hits / true if true else 1.0, "threshold": run.threshold,
            "comparisons": run.comparisons, "warnings": run.warnings,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one)))
        return 0
    results = []
    for size in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True,
                              text=True, check=False)
        if done.returncode:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"  {size:,} records: {r['total_s']:.1f} s, peak {r['peak_mb']:.0f} MB, threshold "
              f"{r['threshold']:.3f}", *r["warnings"], flush=True)
    print_table("record linkage end to end (4 organisations, 7.5 % of each one's records held by "
                "another)", ["records", "encode s", "import s", "link s", "total s", "persons",
                             "true persons", "threshold", "precision", "recall", "comparisons",
                             "peak MB"],
                [[r["records"], r["encode_s"], r["import_s"], r["link_s"], r["total_s"], r["persons"],
                  r["true_persons"], round(r["threshold"], 3), round(r["precision"], 4),
                  round(r["recall"], 4), r["comparisons"], r["peak_mb"]] for r in results])
    ok = True
    if len(results) > 1:
        a, b = results[0], results[-1]
        exponent = math.log(b["total_s"] / a["total_s"]) / math.log(b["records"] / a["records"])
        link_exp = math.log(b["link_s"] / a["link_s"]) / math.log(b["records"] / a["records"])
        print(f"\ngrowth exponent from {a['records']:,} to {b['records']:,} records: total "
              f"{exponent:.2f}, link stage {link_exp:.2f} (1 = linear, 2 = quadratic)")
        ok &= exponent < 1.3
    biggest = results[-1]
    if biggest["records"] >= 1_000_000:
        within = biggest["total_s"] < BAR_SECONDS and biggest["peak_mb"] < BAR_MEMORY_MB
        print(f"bar at 1,000,000 records: under {BAR_SECONDS} s and {BAR_MEMORY_MB} MB -> "
              f"{'met' if within else 'MISSED'}")
        ok &= within
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
