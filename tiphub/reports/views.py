"""Turning a protected :class:`~tiphub.stats.StatTable` into what the template and the charts
draw: table grids of display strings, chart data, readable labels.

Only published cells carry numbers here; a withheld cell keeps its mark (``<10``, ``x``) and
nothing else, so no chart or sentence can print what suppression withheld.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tiphub.reports.svg import Datum, number, percent
from tiphub.stats import Cell, Key, StatTable
from tiphub.vocab import geo

Labeller = Callable[[Key], str]
ISO3 = re.compile(r"^[A-Z]{3}$")
GAPS = ("unknown", "not_recorded")

#: Readable names of the fields whose completeness a table reports.
FIELD_LABELS = {
    "gender": "Sex", "age_group": "Age", "sex_age": "Sex and age", "forms": "Form of exploitation",
    "means": "Means of control", "recruiters": "Relation to recruiter",
    "citizenship": "Citizenship", "citizenship_region": "Region of citizenship",
    "flow_type": "Origin and place of exploitation", "year": "Year of registration",
    "data_source": "Data source", "organisation": "Organisation",
}


@dataclass(frozen=True)
class CellView:
    text: str
    withheld: bool = False


@dataclass(frozen=True)
class Grid:
    """A table as printed: a header row, labelled rows and a totals row."""

    caption: str
    corner: str
    columns: list[str]
    rows: list[tuple[str, list[CellView]]]
    footer: tuple[str, list[CellView]] | None = None


def country_name(iso3: str) -> str:
    try:
        return geo.country_by_iso3(iso3).name
    except (KeyError, AttributeError):
        return iso3


def key_label(key: Key) -> str:
    """A key's label, with bare ISO alpha-3 codes (citizenship rows) turned into names."""
    if key.label == key.code and ISO3.match(key.code):
        return country_name(key.code)
    return key.label


def shown(cell: Cell) -> CellView:
    if cell.suppressed:
        return CellView(cell.display, withheld=True)
    return CellView(number(int(cell.display)) if cell.display.isdigit() else cell.display)


def single_column(table: StatTable) -> bool:
    return len(table.columns) == 1 and table.columns[0].code == "total"


def grid(table: StatTable, caption: str, label: Labeller = key_label, *,
         shares: bool = True) -> Grid:
    """The table as printed. A one-column table has no total column; it gets a share column
    instead when ``shares``."""
    footer_label = "Records (denominator)" if table.multi_response else "Total"
    if single_column(table):
        extra = (lambda t: [_share(t)]) if shares else (lambda t: [])
        rows = [(label(k), [shown(c[0]), *extra(t)])
                for k, c, t in zip(table.rows, table.cells, table.row_totals, strict=True)]
        footer = (footer_label, [shown(table.total), *([CellView("")] if shares else [])])
        columns = ["Detected victims", *(["Share"] if shares else [])]
        return Grid(caption, table.row_dimension, columns, rows, footer)
    rows = [(label(k), [*map(shown, cells), shown(t)])
            for k, cells, t in zip(table.rows, table.cells, table.row_totals, strict=True)]
    footer = (footer_label, [*map(shown, table.column_totals), shown(table.total)])
    columns = [label(c) for c in table.columns] + ["Total"]
    return Grid(caption, table.row_dimension, columns, rows, footer)


def _share(cell: Cell) -> CellView:
    if cell.suppressed:
        return CellView("–")
    return CellView(percent(cell.share) if cell.share is not None else "–")


def completeness(table: StatTable) -> list[tuple[str, str]]:
    """(field, "97 % known" or "withheld") for each field the table reports."""
    out = []
    for name, share in table.completeness.items():
        text = f"{percent(share)} known" if share is not None else "withheld (too few records)"
        out.append((FIELD_LABELS.get(name, name.replace("_", " ").capitalize()), text))
    return out


# -- chart data ---------------------------------------------------------------------------


def datum(text: str, cell: Cell, *, share: bool) -> Datum:
    """A cell as a chart value: its share (with the count) or its count; withheld: no value."""
    if cell.suppressed or cell.count is None:
        return Datum(text, None, cell.display)
    if share and cell.share is not None:
        return Datum(text, cell.share, f"{percent(cell.share)} ({number(cell.count)})")
    return Datum(text, float(cell.count), number(cell.count))


def shares_usable(cells: list[Cell]) -> bool:
    """Whether every published cell has a share, so a chart can draw shares on one scale."""
    published = [c for c in cells if not c.suppressed]
    return bool(published) and all(c.share is not None for c in published)


def any_published(cells: list[Cell]) -> bool:
    return any(not c.suppressed and c.count for c in cells)


def share_of(part: Cell, whole: Cell) -> str | None:
    """``part`` as a share of ``whole`` when both were published, else None."""
    if part.suppressed or whole.suppressed or part.count is None or not whole.count:
        return None
    return percent(part.count / whole.count)


def find(table: StatTable, row: str, column: str) -> Cell | None:
    rows = [k.code for k in table.rows]
    cols = [k.code for k in table.columns]
    if row in rows and column in cols:
        return table.cells[rows.index(row)][cols.index(column)]
    return None


def column_total(table: StatTable, column: str) -> Cell | None:
    cols = [k.code for k in table.columns]
    return table.column_totals[cols.index(column)] if column in cols else None
