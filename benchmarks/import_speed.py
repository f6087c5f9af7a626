"""Import speed of the ctdc-synthetic profile into SQLite, against a baseline measured in the
same run: the same CSV loaded with Python's csv module and sqlite3 executemany, no validation.

Bars (issue #2): at least 100,000 rows/s, and at most 3x the baseline's time.
Peak memory while importing 5 million rows (under 500 MB): ``--memory 5000000`` runs the import
in a child process and reads its peak RSS.

    python benchmarks/import_speed.py [--rows 500000] [--memory 5000000]
"""

from __future__ import annotations

import argparse
import csv
import resource
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ctdc_file, print_table, timed  # noqa: E402

from tiphub import Hub, Settings  # noqa: E402


def baseline(path: Path, db: Path) -> int:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = ", ".join(f'"{h}" TEXT' for h in header)
        conn.execute(f"CREATE TABLE raw ({cols})")
        marks = ", ".join("?" * len(header))
        n = 0
        batch: list[list[str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) == 5000:
                conn.executemany(f"INSERT INTO raw VALUES ({marks})", batch)
                n += len(batch)
                batch.clear()
        conn.executemany(f"INSERT INTO raw VALUES ({marks})", batch)
        n += len(batch)
    conn.commit()
    conn.close()
    return n


def tiphub_import(path: Path, home: Path) -> int:
    with Hub(Settings(home=home)) as hub:
        hub.add_organisation("bench", "Benchmark")
        report = hub.import_file(path, org="bench", profile="ctdc-synthetic")
        assert report.rows_quarantined == 0, report.summary
        return report.rows_accepted


def peak_memory(rows: int, work: Path) -> None:
    path = ctdc_file(work, rows)
    code = (
        "import sys; sys.path.insert(0, 'benchmarks');"
        "from import_speed import tiphub_import; from pathlib import Path;"
        f"print(tiphub_import(Path({str(path)!r}), Path({str(work / 'mem')!r})))"
    )
    seconds, _ = timed(lambda: subprocess.run([sys.executable, "-c", code], check=True))
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print_table("Peak memory while importing", ["rows", "seconds", "peak RSS (MB)", "bar", "ok"],
                [[rows, seconds, peak_mb, "< 500 MB", "yes" if peak_mb < 500 else "NO"]])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--memory", type=int, default=0, help="rows for the peak-memory run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = ctdc_file(work, args.rows)
        base_s, base_n = timed(lambda: baseline(path, work / "baseline.sqlite"))
        ours_s, ours_n = timed(lambda: tiphub_import(path, work / "hub"))
        ratio = ours_s / base_s
        ok = ours_n / ours_s >= 100_000 and ratio <= 3
        print_table(
            f"Import of {args.rows:,} ctdc-synthetic rows into SQLite",
            ["method", "rows", "seconds", "rows/s", "x baseline"],
            [["csv + sqlite3.executemany (no validation)", base_n, base_s, base_n / base_s, 1.0],
             ["tiphub import (validated, mapped)", ours_n, ours_s, ours_n / ours_s, ratio]],
        )
        print(f"\nbars: >= 100,000 rows/s and <= 3x baseline -> {'PASS' if ok else 'FAIL'}")
        if args.memory:
            peak_memory(args.memory, work)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
