"""The statistics tables: detected victims by sex and age, forms, means, recruiters, flows and
trends — counted from case records with one GROUP BY each, then protected."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from tiphub.errors import InvalidInput
from tiphub.stats.cubes import cube_for
from tiphub.stats.dimensions import NOT_RECORDED, Dimension, dimension, group_columns
from tiphub.store import repo


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    rows: str
    columns: str
    rows_with_country: str | None = None  # row dimension when filtered to one country


TABLES: dict[str, TableSpec] = {
    s.name: s
    for s in (
        TableSpec("sex-age", "Detected victims by sex and age", "gender", "age_group"),
        TableSpec("forms", "Detected victims by form of exploitation", "forms", "sex_age"),
        TableSpec("means", "Detected victims by means of control", "means", "total"),
        TableSpec("recruiters", "Detected victims by relation to the recruiter", "recruiters",
                  "total"),
        TableSpec("flows", "Detected victims by origin and flow", "citizenship_region",
                  "flow_type", rows_with_country="citizenship"),
        TableSpec("trends", "Detected victims by year of registration", "year", "sex_age"),
    )
}
BREAKDOWNS = ("organisation", "data_source")


@dataclass
class Filters:
    """What a table is restricted to. ``organisation`` is the code shown with the table."""

    country: str | None = None
    region: str | None = None
    year: int | None = None
    organisation_id: int | None = None
    organisation: str | None = None

    def columns(self) -> dict[str, Any]:
        """Record column → required value, for the filters that are set."""
        pairs = (("country_of_exploitation", self.country), ("exploitation_region", self.region),
                 ("year", self.year), ("organisation_id", self.organisation_id))
        return {col: value for col, value in pairs if value is not None}


def grouped_counts(conn: Connection, cols: list[str], filters: Filters,
                   *, use_cubes: bool = True) -> list[tuple[Any, ...]]:
    """``(values of cols..., count)`` for the records matching ``filters`` — from a summary cube
    when one holds the columns, else from the records."""
    where = filters.columns()
    cube = cube_for(cols, where) if use_cubes else None
    return repo.grouped_counts(conn, cols, where, cube=cube)


@dataclass
class RawTable:
    """Unprotected counts. Never leaves the hub: :func:`tiphub.stats.protect` turns it into a
    :class:`~tiphub.stats.model.StatTable`."""

    spec: TableSpec
    row_dim: Dimension
    col_dim: Dimension
    rows: list[str]
    columns: list[str]
    cells: list[list[int]]
    row_totals: list[int]
    column_totals: list[int]
    total: int
    records: int
    known: dict[str, int]  # per dimension with columns: records where it is known
    excluded: int  # records with no row key (multi-response: nothing recorded)


def table_spec(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise InvalidInput(
            f"unknown table {name!r}", hint=f"accepted: {', '.join(TABLES)}"
        ) from None


def compute(conn: Connection, name: str, filters: Filters, by: str | None = None) -> RawTable:
    spec = table_spec(name)
    if by is not None and by not in BREAKDOWNS:
        raise InvalidInput(f"unknown breakdown {by!r}", hint=f"accepted: {', '.join(BREAKDOWNS)}")
    row_dim = dimension(spec.rows_with_country if filters.country and spec.rows_with_country
                        else spec.rows)
    col_dim = dimension(by or spec.columns)
    cols = group_columns([row_dim, col_dim])
    return fold(spec, row_dim, col_dim, cols, grouped_counts(conn, cols, filters))


def _pick(dim: Dimension, cols: list[str]) -> list[int]:
    return [cols.index(c) for c in dim.columns]


def fold(spec: TableSpec, row_dim: Dimension, col_dim: Dimension, cols: list[str],
         groups: list[tuple[Any, ...]]) -> RawTable:
    """Turn grouped counts ``(values..., n)`` into a two-way table with margins."""
    ri, ci = _pick(row_dim, cols), _pick(col_dim, cols)
    cells: Counter[tuple[str, str]] = Counter()
    row_tot: Counter[str] = Counter()
    col_tot: Counter[str] = Counter()
    known: dict[str, int] = defaultdict(int)
    records = total = excluded = 0
    for group in groups:
        n = group[-1]
        records += n
        rvals, cvals = tuple(group[i] for i in ri), tuple(group[i] for i in ci)
        rkeys, ckeys = row_dim.keys(rvals), col_dim.keys(cvals)
        for dim, vals in ((row_dim, rvals), (col_dim, cvals)):
            if dim.columns and dim.known(vals):
                known[dim.name] += n
        if not rkeys:
            excluded += n
            continue
        total += n
        for c in ckeys:
            col_tot[c] += n
            for r in rkeys:
                cells[r, c] += n
                row_tot[r] += n
    rows = row_dim.sort(set(row_tot))
    columns = col_dim.sort(set(col_tot))
    known_counts = {dim.name: known[dim.name] for dim in (row_dim, col_dim)
                    if dim.columns and dim.name != "organisation"}
    return RawTable(
        spec=spec, row_dim=row_dim, col_dim=col_dim, rows=rows, columns=columns,
        cells=[[cells[r, c] for c in columns] for r in rows],
        row_totals=[row_tot[r] for r in rows], column_totals=[col_tot[c] for c in columns],
        total=total, records=records, known=known_counts, excluded=excluded,
    )


__all__ = ["BREAKDOWNS", "NOT_RECORDED", "TABLES", "Filters", "RawTable", "compute", "fold",
           "table_spec"]
