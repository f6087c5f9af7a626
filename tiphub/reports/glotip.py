"""A country's figures in the shape of UNODC's Global Report long table (domain.md section 3),
ready to send back to UNODC or to load next to the data portal's own file:

``Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year,
Unit of measurement, txtVALUE, Source``

Two kinds of row, told apart by ``Source``:

- figures from the hub's **case records**, taken from the protected statistics
  (``hub.stats``: cell suppression and secret rounding already applied) — detected victims in
  total by sex and age, by form of exploitation by sex and age, and by citizenship;
- the **Global Report figures** the hub holds (``country_aggregates``), every indicator,
  written back as stored. A value the source withheld keeps its mark (``<5``); a value under the
  hub's minimum cell size is withheld as ``<k`` like every other figure that leaves the hub.

Nothing withheld is ever turned back into a number: ``txtVALUE`` is ``<k`` or ``x`` for a
withheld cell, as in every table of the hub.

>>> glotip_rows(hub, "NGA", year=2022)[0]["Indicator"]   # doctest: +SKIP
'Detected trafficking victims'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from tiphub.errors import InvalidInput, NotFound
from tiphub.ingest.profiles.glotip import FORMS, INDICATORS
from tiphub.stats import Cell, StatTable
from tiphub.stats.aggregates import shown_figure
from tiphub.store import repo
from tiphub.vocab import geo

COLUMNS = ("Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category",
           "Sex", "Age", "Year", "Unit of measurement", "txtVALUE", "Source")
DETECTED = "Detected trafficking victims"
UNIT = "Counts"
CASE_SOURCE = "tiphub: case records of {n} organisation{s} (protected: small cells withheld, counts rounded)"

#: the hub's codes -> the Global Report's labels
SEX = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Unknown",
       "not_recorded": "Unknown"}
AGE = {"minor": "0 to 17 years", "adult": "18 years or over", "unknown": "Unknown",
       "not_recorded": "Unknown"}
SEX_AGE = {"women": ("Female", "18 years or over"), "girls": ("Female", "0 to 17 years"),
           "men": ("Male", "18 years or over"), "boys": ("Male", "0 to 17 years"),
           "female_age_unknown": ("Female", "Unknown"), "male_age_unknown": ("Male", "Unknown"),
           "other": ("Other", "Total"), "unknown": ("Unknown", "Unknown"),
           "not_recorded": ("Unknown", "Unknown")}
FORM_LABELS = {code: label for label, code in FORMS.items() if code != "total"}
GAPS = ("unknown", "not_recorded")

Key = tuple[str, str, str, str, str, int]  # indicator, dimension, category, sex, age, year


def glotip_rows(hub: Any, iso3: str, *, year: int | None = None) -> list[dict[str, str]]:
    """The long-table rows of ``iso3`` (optionally one ``year``): case-record figures first,
    then the Global Report figures held, each sorted like the data portal's file.

    Raises :class:`NotFound` when the hub holds neither for the country (and year)."""
    place = geo.country_by_iso3(iso3)
    with hub.db.connect() as conn:
        has_records = repo.has_records(conn, iso3)
        stored = [r for indicator in INDICATORS for r in repo.aggregate_rows(conn, iso3, indicator)]
    rows: list[dict[str, str]] = []
    if has_records:
        rows += _case_rows(hub, iso3, year)
    k = hub.settings.min_cell_size
    kept = sorted((r for r in stored if year is None or r.year == year), key=_stored_order)
    rows += [_stored(r, k) for r in kept]
    if not rows:
        when = f" for {year}" if year is not None else ""
        raise NotFound(f"the hub holds no figures for {place.name} ({iso3}){when}",
                       hint="import case records, or the Global Report table with --profile glotip"
                       + ("; or leave out --year" if year is not None else ""))
    region, subregion = place.region, place.subregion
    return [{"Iso3_code": iso3, "Country": place.name, "Region": region, "Subregion": subregion,
             **row} for row in rows]


def to_csv(rows: Iterable[dict[str, str]]) -> str:
    """The rows as CSV text with the Global Report's header (no title lines)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# -- figures from case records ------------------------------------------------------------


def _case_rows(hub: Any, iso3: str, year: int | None) -> list[dict[str, str]]:
    years = [year] if year is not None else _years(hub, iso3)
    source = _case_source(hub, iso3)
    out: list[dict[str, str]] = []
    for y in years:
        found: dict[Key, Cell] = {}
        sex_age = _table(hub, "sex-age", iso3, y)
        if sex_age is not None:
            _sex_age(found, sex_age, y)
        forms = _table(hub, "forms", iso3, y)
        if forms is not None:
            _forms(found, forms, y)
        flows = _table(hub, "flows", iso3, y)
        if flows is not None:
            _citizenship(found, flows, y)
        out += [_row(key, cell, source) for key, cell in found.items()]
    return out


def _years(hub: Any, iso3: str) -> list[int]:
    trends = _table(hub, "trends", iso3, None)
    if trends is None:
        return []
    return sorted(int(k.code) for k in trends.rows if k.code.isdigit())


def _table(hub: Any, name: str, iso3: str, year: int | None) -> StatTable | None:
    try:
        table = hub.stats(name, country=iso3, year=year)
    except (NotFound, InvalidInput):
        return None
    if table.source != "case records" or not table.rows:
        return None
    return table


def _case_source(hub: Any, iso3: str) -> str:
    try:
        by_org = hub.stats("sex-age", country=iso3, by="organisation")
        n = len(by_org.columns)
    except (NotFound, InvalidInput):
        n = 0
    return CASE_SOURCE.format(n=n, s="" if n == 1 else "s") if n else "tiphub: case records"


def _add(found: dict[Key, Cell], key: Key, cell: Cell) -> None:
    """Put ``cell`` at ``key``; two hub groups that the Global Report counts as one (say two
    kinds of unknown sex) are added when both were published, and withheld otherwise."""
    if key not in found:
        found[key] = cell
        return
    old = found[key]
    if old.suppressed or cell.suppressed or old.count is None or cell.count is None:
        found[key] = Cell(count=None, display="x", suppressed=True)
    else:
        total = old.count + cell.count
        found[key] = Cell(count=total, display=str(total))


def _sex_age(found: dict[Key, Cell], table: StatTable, year: int) -> None:
    cols = [AGE.get(c.code, "Unknown") for c in table.columns]
    for row, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
        sex = SEX.get(row.code, "Other")
        for age, cell in zip(cols, cells, strict=True):
            _add(found, (DETECTED, "Total", "Total", sex, age, year), cell)
        _add(found, (DETECTED, "Total", "Total", sex, "Total", year), total)
    for age, cell in zip(cols, table.column_totals, strict=True):
        _add(found, (DETECTED, "Total", "Total", "Total", age, year), cell)
    found[(DETECTED, "Total", "Total", "Total", "Total", year)] = table.total


def _forms(found: dict[Key, Cell], table: StatTable, year: int) -> None:
    """Form × sex and age; a victim exploited in several forms is in several rows, as in the
    Global Report (its totals by form are not added up)."""
    groups = [SEX_AGE.get(c.code) for c in table.columns]
    for row, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
        if row.code in GAPS:
            continue
        category = FORM_LABELS.get(row.code, row.label)
        for group, cell in zip(groups, cells, strict=True):
            if group is not None:
                _add(found, (DETECTED, "by form of exploitation", category, *group, year), cell)
        _add(found, (DETECTED, "by form of exploitation", category, "Total", "Total", year), total)


def _citizenship(found: dict[Key, Cell], table: StatTable, year: int) -> None:
    if table.row_dimension != "Citizenship":
        return
    for row, total in zip(table.rows, table.row_totals, strict=True):
        category = "Unknown" if row.code in GAPS else _country_label(row.code, row.label)
        _add(found, (DETECTED, "by citizenship", category, "Total", "Total", year), total)


def _country_label(code: str, label: str) -> str:
    try:
        return geo.country_by_iso3(code).name
    except KeyError:
        return label


def _row(key: Key, cell: Cell, source: str) -> dict[str, str]:
    indicator, dimension, category, sex, age, year = key
    return {"Indicator": indicator, "Dimension": dimension, "Category": category, "Sex": sex,
            "Age": age, "Year": str(year), "Unit of measurement": UNIT,
            "txtVALUE": cell.display, "Source": source}


# -- figures held from the Global Report -------------------------------------------------


def _stored_order(r: Any) -> tuple[Any, ...]:
    return (INDICATORS.index(r.indicator) if r.indicator in INDICATORS else 99, r.year,
            r.dimension != "Total", r.dimension, r.category, r.sex, r.age)


def _stored(r: Any, k: int) -> dict[str, str]:
    _, text, _ = shown_figure(r, k)  # the source's own mark (such as <5), <k, or the number
    return {"Indicator": r.indicator, "Dimension": r.dimension, "Category": r.category,
            "Sex": r.sex, "Age": r.age, "Year": str(r.year),
            "Unit of measurement": r.unit or UNIT, "txtVALUE": text,
            "Source": r.source or "UNODC Global Report table"}
