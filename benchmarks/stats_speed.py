"""All six statistics tables on 1 million case records, on SQLite (and PostgreSQL with --pg),
printed next to DuckDB computing the same grouped counts on the same records in the same run.

Bar (issue #2): all tables in under 1 s in total, on SQLite and on PostgreSQL.

    python benchmarks/stats_speed.py [--rows 1000000] [--pg postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ctdc_file, print_table, scratch_postgres, timed  # noqa: E402

from tiphub import Hub, Settings  # noqa: E402
from tiphub.stats.dimensions import dimension, group_columns  # noqa: E402
from tiphub.stats.tables import TABLES, fold  # noqa: E402
from tiphub.store.schema import case_records  # noqa: E402


def all_tables(hub: Hub) -> int:
    cells = 0
    for name in TABLES:
        table = hub.stats(name)
        cells += len(table.rows) * len(table.columns)
    return cells


def duckdb_tables(csv_path: Path) -> tuple[float, int]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE case_records AS SELECT * FROM read_csv_auto('{csv_path}', header=true)")

    def run() -> int:
        cells = 0
        for spec in TABLES.values():
            rdim, cdim = dimension(spec.rows), dimension(spec.columns)
            cols = group_columns([rdim, cdim])
            select = ", ".join(cols + ["count(*)"])
            sql = f"SELECT {select} FROM case_records" + (f" GROUP BY {', '.join(cols)}" if cols else "")
            raw = fold(spec, rdim, cdim, cols, [tuple(r) for r in con.execute(sql).fetchall()])
            cells += len(raw.rows) * len(raw.columns)
        return cells

    run()  # warm-up, as the databases' caches are warm too
    return timed(run)


def export_records(hub: Hub, path: Path) -> None:
    cols = [c.name for c in case_records.columns]
    with hub.db.connect() as conn, path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        result = conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM case_records")
        for row in result:
            writer.writerow(["" if v is None else v for v in row])


def from_records(hub: Hub) -> tuple[float, int]:
    """The same tables grouped straight from the case records (no summary cubes)."""
    from tiphub.stats.tables import Filters, grouped_counts

    def run() -> int:
        cells = 0
        with hub.db.connect() as conn:
            for spec in TABLES.values():
                rdim, cdim = dimension(spec.rows), dimension(spec.columns)
                cols = group_columns([rdim, cdim])
                raw = fold(spec, rdim, cdim, cols, grouped_counts(conn, cols, Filters(), use_cubes=False))
                cells += len(raw.rows) * len(raw.columns)
        return cells

    return timed(run)


def measure(hub: Hub) -> tuple[float, int]:
    all_tables(hub)  # warm the cache
    return timed(lambda: all_tables(hub))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", help="PostgreSQL server URL; a scratch database is made there")
    args = parser.parse_args()
    results = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = ctdc_file(work, args.rows)
        engines = [("SQLite", None)] + ([("PostgreSQL", args.pg)] if args.pg else [])
        for label, admin_url in engines:
            scratch = scratch_postgres(admin_url) if admin_url else None
            url = scratch.__enter__() if scratch else None
            with Hub(Settings(home=work / label), db=url) as hub:
                hub.add_organisation("bench", "Benchmark")
                hub.import_file(source, org="bench", profile="ctdc-synthetic")
                seconds, cells = measure(hub)
                ok &= seconds < 1.0
                results.append([f"tiphub on {label} (6 tables, protected)", seconds, cells,
                                "yes" if seconds < 1 else "NO"])
                raw_s, raw_cells = from_records(hub)
                results.append([f"  {label}, grouped from the records (no cubes)", raw_s, raw_cells, "-"])
                if label == "SQLite":
                    export_records(hub, work / "records.csv")
            if scratch:
                scratch.__exit__(None, None, None)
        duck_s, duck_cells = duckdb_tables(work / "records.csv")
        results.append(["DuckDB, same grouped counts (in memory)", duck_s, duck_cells, "-"])
    print_table(f"All statistics tables on {args.rows:,} records",
                ["engine", "seconds", "cells", "< 1 s"], results)
    print(f"\nbar: all tables under 1 s on every engine -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
