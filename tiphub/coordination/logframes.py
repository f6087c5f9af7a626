"""Programme logframes as HXL-tagged CSV: indicators (baseline, target, direction, unit,
disaggregation) and their measurements, one row per measurement.

:data:`MAPPING` is the whole correspondence between hashtags and fields; docs/coordination.md
shows it as a table (a test keeps the two in step). The file is parsed with libhxl, like the
5W table (:mod:`tiphub.coordination.hxl`); every row is checked and every problem reported
(row, column, what the column accepts) before anything is stored.

Rows of the same indicator (implementer, programme code, indicator code) repeat its
definition: a definition cell may be left empty on the indicator's further rows, but one that
is filled must agree with the rest. A row without a measurement date and value only defines
the indicator.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tiphub.coordination.hxl import HxlColumn, HxlTable, read_tagged
from tiphub.coordination.programmes import DATE_FORMATS, _date
from tiphub.records import Problem
from tiphub.stats.export import safe_cell

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
NUMBER = re.compile(r"^-?\d{1,15}(\.\d{1,9})?$")
LEVELS = ("outcome", "output")
DIRECTIONS = ("increase", "decrease")
DISAGGREGATIONS = ("total", "sex_age")
SEXES = ("all", "female", "male")
AGES = ("all", "children", "adults")
_ALIASES = {
    "sex": {"all": "all", "": "all", "total": "all", "female": "female", "f": "female",
            "male": "male", "m": "male"},
    "age": {"all": "all", "": "all", "total": "all", "children": "children", "child": "children",
            "adults": "adults", "adult": "adults"},
    "disaggregation": {"total": "total", "sex_age": "sex_age", "sex-age": "sex_age",
                       "sex×age": "sex_age", "sex x age": "sex_age", "sex and age": "sex_age"},
}
_DATES = "YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY (one format per file)"
_NUMBER = "a number (a '.' for decimals, no thousands separator)"


MAPPING: tuple[HxlColumn, ...] = (
    HxlColumn("#org+impl", "organisation", "Implementing organisation",
           "a directory code (`tiphub directory list`); empty: the organisation importing"),
    HxlColumn("#activity+code", "programme", "Programme code",
           "the code of a programme of the implementer (`tiphub programmes list`)", True),
    HxlColumn("#indicator+code", "code", "Indicator code",
           "1-64 letters, digits, '.', '_', '-' or '/', unique within the programme", True),
    HxlColumn("#indicator+name", "name", "Indicator", "text, at most 300 characters", True),
    HxlColumn("#indicator+type", "level", "Level", "outcome or output", True),
    HxlColumn("#indicator+unit", "unit", "Unit", "text, at most 64 characters (people, %, cases...)"),
    HxlColumn("#indicator+direction", "direction", "Direction",
           "increase or decrease; empty: increase unless the target is below the baseline"),
    HxlColumn("#indicator+disaggregation", "disaggregation", "Disaggregation",
           "total or sex_age; empty: sex_age when a measurement has a sex or age, else total"),
    HxlColumn("#indicator+value+baseline", "baseline", "Baseline", _NUMBER + "; required", True),
    HxlColumn("#date+baseline", "baseline_date", "Baseline date", _DATES + "; required", True),
    HxlColumn("#indicator+value+target", "target", "Target",
           _NUMBER + "; not below the baseline for an increase, not above it for a decrease",
           True),
    HxlColumn("#date+target", "target_date", "Target date", "as the baseline date, after it", True),
    HxlColumn("#date+reported", "measured_on", "Measured on",
           "as the baseline date, not before it and not in the future; empty: no measurement "
           "on this row"),
    HxlColumn("#indicator+num", "value", "Value", _NUMBER + "; needed with a measurement date"),
    HxlColumn("#beneficiary+sex", "sex", "Sex", "all, female or male (f, m); empty: all"),
    HxlColumn("#beneficiary+age", "age", "Age group", "all, children or adults; empty: all"),
    HxlColumn("#description+note", "note", "Note", "text, at most 500 characters"),
)
BY_KEY = {c.key: c for c in MAPPING}
BY_FIELD = {c.field: c for c in MAPPING}
DEFINITION = ("name", "level", "unit", "direction", "disaggregation", "baseline", "baseline_date",
              "target", "target_date")
MEASUREMENT = ("measured_on", "value", "sex", "age", "note")


def read(path: Path) -> HxlTable:
    """Parse an HXL-tagged logframe CSV and map its hashtags onto logframe fields."""
    return read_tagged(
        path, MAPPING, what="indicators", unknown_in=" in an indicators file",
        example="#activity+code, #indicator+code, #indicator+value+baseline",
        missing_why=lambda spec: ("every indicator needs a baseline (value and date)"
                                  if spec.field in ("baseline", "baseline_date")
                                  else "a required column"))


# -- checking ---------------------------------------------------------------------------------


@dataclass
class Checked:
    """What a file holds once checked: indicator definitions and measurements to store."""

    indicators: list[dict[str, Any]]  # programme_id, code, and the DEFINITION fields
    measurements: list[dict[str, Any]]  # programme_id, code, measured_on, sex, age, value, note
    problems: list[Problem]


class _Checker:
    def __init__(self, table: HxlTable) -> None:
        self.table = table
        self.problems: list[Problem] = []

    def problem(self, row: int, field: str, rule: str, message: str,
                accepted: str | None = None, severity: str = "error") -> None:
        column = self.table.columns.get(field, BY_FIELD[field].tag)
        self.problems.append(Problem(row=row, column=column, rule=rule, severity=severity,
                                     message=f"row {row}, {column}: {message}",
                                     accepted=accepted or BY_FIELD[field].accepts))


def _number(text: str) -> float | None:
    return float(text) if NUMBER.match(text.replace(" ", "")) else None


def check(table: HxlTable, *, default_org: str, directory: dict[str, int],
          programmes: dict[tuple[int, str], int], may_manage: Callable[[int], bool],
          today: date | None = None) -> Checked:
    """Check every row; ``programmes`` maps (implementer id, programme code) to the programme's
    id. Returns what to store and every problem (nothing is to be stored if one is an error)."""
    today = today or date.today()
    c = _Checker(table)
    dates: list[tuple[int, str, str]] = []  # row, field, format
    # indicator key -> field -> (value, first row giving it); and its first row
    definitions: dict[tuple[int, str], dict[str, tuple[Any, int]]] = {}
    first_row: dict[tuple[int, str], int] = {}
    measurements: list[tuple[int, tuple[int, str], dict[str, Any]]] = []
    for number, cells in enumerate(table.rows, start=1):
        if not any(cells.values()):
            continue  # a blank line
        org_code = cells.get("organisation") or default_org
        org_id = directory.get(org_code)
        if org_id is None:
            c.problem(number, "organisation", "unknown-organisation", "no directory entry has "
                      "this code", "a code listed by `tiphub directory list`")
        elif not may_manage(org_id):
            c.problem(number, "organisation", "not-allowed", "you may not manage this "
                      "organisation's programmes", "organisations where you are an "
                      "administrator or data steward")
        programme_code = cells.get("programme", "")
        programme_id = None
        if not programme_code:
            c.problem(number, "programme", "missing", "an indicator belongs to a programme")
        elif org_id is not None:
            programme_id = programmes.get((org_id, programme_code))
            if programme_id is None:
                c.problem(number, "programme", "unknown-programme",
                          "the implementer has no programme with this code",
                          "a programme code of the implementer (import the programme first with "
                          "`tiphub programmes import`)")
        code = cells.get("code", "")
        if not code:
            c.problem(number, "code", "missing", "an indicator needs a code")
        elif not CODE.match(code):
            c.problem(number, "code", "bad-code", "not a valid indicator code")
            code = ""
        parsed = _definition(c, number, cells, dates)
        measurement = _measurement(c, number, cells, dates, today)
        if programme_id is None or not code:
            continue
        key = (programme_id, code)
        first_row.setdefault(key, number)
        known = definitions.setdefault(key, {})
        for field, value in parsed.items():
            if field not in known:
                known[field] = (value, number)
            elif known[field][0] != value:
                c.problem(number, field, "definition-differs",
                          f"differs from row {known[field][1]} for the same indicator",
                          "the same definition on every row of an indicator (or leave the "
                          "cell empty after the first)")
        if measurement is not None:
            measurements.append((number, key, measurement))
    _mixed_dates(c, dates)
    indicators = _finish(c, definitions, first_row, measurements)
    stored = [{"programme_id": key[0], "code": key[1], **m} for _, key, m in measurements
              if key in indicators]
    return Checked(list(indicators.values()), stored, c.problems)


def _definition(c: _Checker, row: int, cells: dict[str, str],
                dates: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The definition cells of a row that are filled, parsed (bad ones reported, left out)."""
    out: dict[str, Any] = {}
    if name := cells.get("name"):
        if len(name) > 300:
            c.problem(row, "name", "too-long", "longer than 300 characters")
        else:
            out["name"] = name
    if level := cells.get("level"):
        if level.lower() in LEVELS:
            out["level"] = level.lower()
        else:
            c.problem(row, "level", "unknown-code", "not a logframe level")
    if unit := cells.get("unit"):
        if len(unit) > 64:
            c.problem(row, "unit", "too-long", "longer than 64 characters")
        else:
            out["unit"] = unit
    if direction := cells.get("direction"):
        if direction.lower() in DIRECTIONS:
            out["direction"] = direction.lower()
        else:
            c.problem(row, "direction", "unknown-code", "not a direction")
    if text := cells.get("disaggregation"):
        found = _ALIASES["disaggregation"].get(text.lower())
        if found:
            out["disaggregation"] = found
        else:
            c.problem(row, "disaggregation", "unknown-code", "not a disaggregation")
    for field in ("baseline", "target"):
        if text := cells.get(field):
            value = _number(text)
            if value is None:
                c.problem(row, field, "not-a-number", "not a number")
            else:
                out[field] = value
    for field in ("baseline_date", "target_date"):
        if text := cells.get(field):
            found_date = _date(text)
            if found_date is None:
                c.problem(row, field, "bad-date", "not a date")
            else:
                dates.append((row, field, found_date[1]))
                out[field] = found_date[0]
    return out


def _measurement(c: _Checker, row: int, cells: dict[str, str], dates: list[tuple[int, str, str]],
                 today: date) -> dict[str, Any] | None:
    when_text, value_text = cells.get("measured_on", ""), cells.get("value", "")
    if not when_text and not value_text:
        for field in ("sex", "age", "note"):
            if cells.get(field):
                c.problem(row, field, "without-measurement", "given on a row without a "
                          "measurement", "a measurement date and value on the same row")
        return None
    out: dict[str, Any] = {}
    ok = True
    if not when_text:
        c.problem(row, "measured_on", "missing", "a value needs the date it was measured")
        ok = False
    else:
        found = _date(when_text)
        if found is None:
            c.problem(row, "measured_on", "bad-date", "not a date")
            ok = False
        else:
            dates.append((row, "measured_on", found[1]))
            out["measured_on"] = found[0]
            if found[0] > today:
                c.problem(row, "measured_on", "future-date", "a measurement in the future")
                ok = False
    if not value_text:
        c.problem(row, "value", "missing", "a measurement date needs its value")
        ok = False
    else:
        value = _number(value_text)
        if value is None:
            c.problem(row, "value", "not-a-number", "not a number")
            ok = False
        out["value"] = value
    for field, choices in (("sex", SEXES), ("age", AGES)):
        found_code = _ALIASES[field].get(cells.get(field, "").lower())
        if found_code is None:
            c.problem(row, field, "unknown-code", "not one of the accepted values",
                      ", ".join(choices))
            ok = False
        out[field] = found_code
    note = cells.get("note") or None
    if note and len(note) > 500:
        c.problem(row, "note", "too-long", "longer than 500 characters")
        ok = False
    out["note"] = note
    return out if ok else None


REQUIRED = {"name": ("missing", "an indicator needs a name"),
            "level": ("missing", "an indicator needs its level (outcome or output)"),
            "baseline": ("no-baseline", "the indicator has no baseline value: every indicator "
                                        "needs a baseline (value and date)"),
            "baseline_date": ("no-baseline", "the indicator has no baseline date: every "
                                             "indicator needs a baseline (value and date)"),
            "target": ("missing", "the indicator has no target value"),
            "target_date": ("missing", "the indicator has no target date")}


def _finish(c: _Checker, definitions: dict[tuple[int, str], dict[str, tuple[Any, int]]],
            first_row: dict[tuple[int, str], int],
            measurements: list[tuple[int, tuple[int, str], dict[str, Any]]],
            ) -> dict[tuple[int, str], dict[str, Any]]:
    """Complete each indicator's definition and check it against its measurements."""
    by_indicator: dict[tuple[int, str], list[tuple[int, dict[str, Any]]]] = {}
    for row, key, m in measurements:
        by_indicator.setdefault(key, []).append((row, m))
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for key, known in definitions.items():
        row = first_row[key]
        values = {f: v for f, (v, _) in known.items()}
        ok = True
        for field, (rule, message) in REQUIRED.items():
            if field not in values:
                c.problem(row, field, rule, message)
                ok = False
        mine = by_indicator.get(key, [])
        if "direction" not in values and "baseline" in values and "target" in values:
            values["direction"] = ("decrease" if values["target"] < values["baseline"]
                                   else "increase")
        if "disaggregation" not in values:
            split = any(m["sex"] != "all" or m["age"] != "all" for _, m in mine)
            values["disaggregation"] = "sex_age" if split else "total"
        values.setdefault("unit", None)
        if ok:
            going_up = values["target"] - values["baseline"]
            if (values["direction"] == "increase" and going_up < 0) or (
                    values["direction"] == "decrease" and going_up > 0):
                c.problem(known.get("target", (0, row))[1], "target", "target-against-direction",
                          f"the target is on the wrong side of the baseline for a "
                          f"{values['direction']}")
                ok = False
            if values["target_date"] <= values["baseline_date"]:
                c.problem(known["target_date"][1], "target_date", "target-before-baseline",
                          "the target date is not after the baseline date")
                ok = False
        seen: dict[tuple[date, str, str], int] = {}
        for m_row, m in mine:
            cell = (m["measured_on"], m["sex"], m["age"])
            if cell in seen:
                c.problem(m_row, "measured_on", "duplicate-measurement",
                          f"the same indicator, date, sex and age as row {seen[cell]}",
                          "one value per indicator, date, sex and age")
            seen.setdefault(cell, m_row)
            if values["disaggregation"] == "total" and (m["sex"], m["age"]) != ("all", "all"):
                c.problem(m_row, "sex" if m["sex"] != "all" else "age", "not-disaggregated",
                          "a value by sex or age for an indicator measured in total only",
                          "all (or set the indicator's disaggregation to sex_age)")
            if "baseline_date" in values and m["measured_on"] < values["baseline_date"]:
                c.problem(m_row, "measured_on", "before-baseline",
                          "measured before the baseline date")
        if values["disaggregation"] == "sex_age":
            totals = {d for d, s, a in seen if (s, a) == ("all", "all")}
            for when in sorted({d for d, _, _ in seen} - totals):
                c.problem(min(r for r, m in mine if m["measured_on"] == when), "measured_on",
                          "no-total", "values by sex or age without the total (sex all, age "
                          "all) on this date: progress is judged from totals only",
                          "a row with sex all and age all for each date", severity="warning")
        if ok:
            out[key] = {"programme_id": key[0], "code": key[1],
                        **{f: values[f] for f in DEFINITION}}
    return out


def _mixed_dates(c: _Checker, found: list[tuple[int, str, str]]) -> None:
    """One date format per file: every date written otherwise than the file's usual one."""
    counts = Counter(fmt for _, _, fmt in found)
    if len(counts) < 2:
        return
    usual = counts.most_common(1)[0][0]
    for row, field, fmt in found:
        if fmt != usual:
            c.problem(row, field, "mixed-date-formats",
                      f"written {fmt} where the rest of the file writes {usual}",
                      f"one date format per file ({', '.join(DATE_FORMATS)}); "
                      "YYYY-MM-DD is safest")


# -- writing ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def rows(indicators: list[dict[str, Any]]) -> list[list[str]]:
    """Headers, hashtags, then one row per measurement (one row for an indicator without
    any). ``indicators`` are as :meth:`tiphub.Hub.indicators` returns them."""
    table = [[c.header for c in MAPPING], [c.tag for c in MAPPING]]
    for ind in indicators:
        base = {"organisation": ind["organisation"], "programme": ind["programme"],
                **{f: ind[f] for f in ("code", *DEFINITION)}}
        found = sorted(ind["measurements"], key=lambda m: (
            m["measured_on"], SEXES.index(m["sex"]), AGES.index(m["age"])))
        for m in found or [{}]:
            values = base | {f: m.get(f) for f in MEASUREMENT}
            table.append([_text(values[c.field]) for c in MAPPING])
    return table


def to_csv(indicators: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    table = rows(indicators)
    writer.writerows(table[:2])
    writer.writerows([[safe_cell(v) for v in row] for row in table[2:]])
    return buffer.getvalue().encode("utf-8")
