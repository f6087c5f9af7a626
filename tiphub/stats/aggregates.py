"""The same tables from UNODC Global Report aggregates, for countries with no case records.

Values UNODC published as ``<5`` stay withheld with UNODC's own mark; every other cell goes
through the same suppression as tables from case records.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from tiphub.errors import NotFound
from tiphub.stats.dimensions import DIMENSIONS, Dimension
from tiphub.stats.model import Cell, StatTable
from tiphub.stats.protect import protect
from tiphub.stats.tables import Filters, RawTable, table_spec
from tiphub.store import repo

INDICATOR = "Detected trafficking victims"
SEX = {"Female": "female", "Male": "male", "Other": "other", "Unknown": "unknown"}
AGE = {"0 to 17 years": "minor", "18 years or over": "adult", "Unknown": "unknown"}
SEX_AGE = {("Female", "18 years or over"): "women", ("Female", "0 to 17 years"): "girls",
           ("Male", "18 years or over"): "men", ("Male", "0 to 17 years"): "boys"}


def _slice(rows: list[Any], dimension: str, year: int | None) -> tuple[list[Any], int | None]:
    chosen = [r for r in rows if r.dimension == dimension]
    if year is None and chosen:
        year = max(r.year for r in chosen)
    return [r for r in chosen if year is None or r.year == year], year


def aggregate_table(conn: Connection, table: str, iso3: str, *, year: int | None,
                    k: int) -> StatTable:
    spec = table_spec(table)
    rows = repo.aggregate_rows(conn, iso3, INDICATOR)
    if not rows:
        raise NotFound(
            f"no case records and no Global Report figures for {iso3}",
            hint="import case records, or the Global Report table with --profile glotip",
        )
    if table == "sex-age":
        picked, year = _slice(rows, "Total", year)
        cells = {(SEX[r.sex], AGE[r.age]): r for r in picked if r.sex in SEX and r.age in AGE}
        rdim, cdim = DIMENSIONS["gender"], DIMENSIONS["age_group"]
    elif table == "forms":
        picked, year = _slice(rows, "by form of exploitation", year)
        cells = {(r.category_code or r.category, SEX_AGE[(r.sex, r.age)]): r for r in picked
                 if (r.sex, r.age) in SEX_AGE and r.category != "Total"}
        rdim, cdim = DIMENSIONS["forms"], DIMENSIONS["sex_age"]
    elif table == "flows":
        picked, year = _slice(rows, "by citizenship", year)
        cells = {(r.category_code or r.category, "total"): r for r in picked
                 if r.sex == "Total" and r.age == "Total" and r.category != "Total"}
        rdim, cdim = DIMENSIONS["citizenship"], DIMENSIONS["total"]
    elif table == "trends":
        picked = [r for r in rows if r.dimension == "Total" and r.sex == "Total" and r.age == "Total"]
        cells = {(str(r.year), "total"): r for r in picked}
        rdim, cdim = DIMENSIONS["year"], DIMENSIONS["total"]
        year = None
    else:
        raise NotFound(
            f"the Global Report has no '{table}' figures; {iso3} has no case records",
            hint="tables from the Global Report: sex-age, forms, flows, trends",
        )
    if not cells:
        raise NotFound(f"the Global Report table holds no '{table}' figures for {iso3}")
    out = _protected(spec, rdim, cdim, cells, k, Filters(country=iso3, year=year))
    out.notes.insert(0, f"From UNODC's Global Report table for {iso3}"
                     + (f", {year}" if year else "") + "; values UNODC withheld keep its mark.")
    return out


def _protected(spec: Any, rdim: Dimension, cdim: Dimension, cells: dict[tuple[str, str], Any],
               k: int, filters: Filters) -> StatTable:
    row_keys = rdim.sort({r for r, _ in cells})
    col_keys = cdim.sort({c for _, c in cells})
    withheld = {key: row.value_text for key, row in cells.items() if row.suppressed}
    matrix = [[(cells[r, c].value or 0) if (r, c) in cells else 0 for c in col_keys]
              for r in row_keys]
    row_tot, col_tot = defaultdict(int), defaultdict(int)
    for i, r in enumerate(row_keys):
        for j, c in enumerate(col_keys):
            row_tot[r] += matrix[i][j]
            col_tot[c] += matrix[i][j]
    total = sum(row_tot.values())
    raw = RawTable(spec=spec, row_dim=rdim, col_dim=cdim, rows=row_keys, columns=col_keys,
                   cells=matrix, row_totals=[row_tot[r] for r in row_keys],
                   column_totals=[col_tot[c] for c in col_keys], total=total, records=total,
                   known={}, excluded=0)
    table = protect(raw, k=k, filters=filters)
    for i, r in enumerate(row_keys):
        for j, c in enumerate(col_keys):
            if (r, c) in withheld:
                table.cells[i][j] = Cell(count=None, display=withheld[r, c], suppressed=True)
    if withheld:
        # totals computed without the withheld cells would understate: mark them as lower bounds
        table.notes.append("Totals leave out the values UNODC withheld, so they are lower bounds.")
    table.source = "Global Report aggregates"
    return table


def shown_figure(row: Any, k: int) -> tuple[int | None, str, bool]:
    """One stored Global Report figure as it may be shown alone — ``(value, display,
    withheld)``: UNODC's own mark where it withheld the value, ``<k`` under the hub's minimum
    cell size, the number otherwise. (Tables of several figures go through :func:`aggregate_table`,
    which also withholds what would give a small cell away.)"""
    if row.suppressed or row.value is None:
        return None, row.value_text, True
    if 0 < row.value < k:
        return None, f"<{k}", True
    return row.value, str(row.value), False
