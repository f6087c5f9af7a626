"""Checking the rows of a 5W table before anything is stored.

Every row is checked and every problem reported (row, column, what the column accepts) before
a single row is written; one error anywhere and the file stores nothing. Values are never
repeated in messages.

Choices: people *reached* above people *targeted* is an error, not a warning — in a 5W table
it nearly always means swapped columns or a typing slip, and it would put coverage above 100 %
in every later gap analysis; a programme that really did more than planned corrects its target.
Dates may be written YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY, but one file uses one format: a file
mixing them is refused, since 03/04/2024 beside 2024-04-03 says the sheet was assembled from
sources that may not agree on day and month.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from tiphub.coordination import vocab
from tiphub.coordination.hxl import BY_FIELD, LIST_SEPARATOR, HxlTable
from tiphub.records import Problem
from tiphub.vocab import geo
from tiphub.vocab.isic import isic_section

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
COUNT = re.compile(r"^\d{1,9}$")
NUMBER = re.compile(r"^\d{1,15}(\.\d{1,6})?$")
DATE_FORMATS: dict[str, re.Pattern[str]] = {
    "YYYY-MM-DD": re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$"),
    "DD/MM/YYYY": re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
    "DD.MM.YYYY": re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),
}
CELLS = ("", "_f_children", "_f_adults", "_m_children", "_m_adults")


def _currencies() -> set[str]:
    import pycountry

    return {c.alpha_3 for c in pycountry.currencies}


class _Checker:
    def __init__(self, table: HxlTable) -> None:
        self.table = table
        self.problems: list[Problem] = []
        self.row = 0

    def problem(self, field: str, rule: str, message: str, accepted: str | None = None) -> None:
        column = self.table.columns.get(field, BY_FIELD[field].tag)
        self.problems.append(Problem(row=self.row, column=column, rule=rule,
                                     message=f"row {self.row}, {column}: {message}",
                                     accepted=accepted or BY_FIELD[field].accepts))


def check(table: HxlTable, *, default_org: str, directory: dict[str, int],
          may_manage: Callable[[int], bool]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The rows to store (columns of the ``programmes`` table) and every problem found."""
    c = _Checker(table)
    currencies = _currencies()
    out: list[dict[str, Any]] = []
    date_formats: list[tuple[int, str, str]] = []  # row, field, format
    seen: dict[tuple[int, str], int] = {}
    for number, cells in enumerate(table.rows, start=1):
        c.row = number
        if not any(cells.values()):
            continue  # a blank line
        row: dict[str, Any] = {}
        # who
        org_code = cells.get("organisation") or default_org
        org_id = directory.get(org_code)
        if org_id is None:
            c.problem("organisation", "unknown-organisation",
                      "no directory entry has this code",
                      "a code listed by `tiphub directory list` (add it with `tiphub directory set`)")
        elif not may_manage(org_id):
            c.problem("organisation", "not-allowed",
                      "you may not manage this organisation's programmes",
                      "organisations where you are an administrator or data steward")
        row["organisation_id"] = org_id
        for field in ("funders", "partners"):
            names = _split(cells.get(field, ""))
            if any(len(n) > 200 for n in names):
                c.problem(field, "too-long", "a name is longer than 200 characters")
            row[field] = names
        # what
        name = cells.get("name", "")
        if not name:
            c.problem("name", "missing", "an activity needs a name")
        elif len(name) > 300:
            c.problem("name", "too-long", "longer than 300 characters")
        row["name"] = name
        intervention = vocab.intervention(cells["intervention"]) if cells.get("intervention") else None
        if intervention is None:
            c.problem("intervention", "unknown-code" if cells.get("intervention") else "missing",
                      "not an intervention type", ", ".join(vocab.codes("intervention_types")))
        row["intervention"] = intervention
        pillar = (vocab.lookup("pillars", cells["pillar"]) if cells.get("pillar")
                  else vocab.pillar_of(intervention) if intervention else None)
        if pillar is None and (cells.get("pillar") or intervention):
            c.problem("pillar", "unknown-code" if cells.get("pillar") else "missing",
                      "not a Global Plan of Action pillar" if cells.get("pillar")
                      else "intervention type 'other' needs a pillar",
                      ", ".join(vocab.codes("pillars")))
        row["pillar"] = pillar
        code = cells.get("code", "")
        if code and not CODE.match(code):
            c.problem("code", "bad-code", "not a valid activity code")
        row["code"] = code or _made_code(cells)
        key = (org_id or 0, row["code"])
        if org_id is not None and key in seen:
            c.problem("code", "duplicate-code",
                      f"the same implementer and activity code as row {seen[key]}",
                      "one row per implementer and activity code (a place or period of its own "
                      "needs a code of its own)")
        seen.setdefault(key, number)
        # for whom
        for field, vocabulary in (("target_sexes", "sexes"), ("target_ages", "age_groups")):
            values = [vocab.lookup(vocabulary, v) for v in _split(cells.get(field, ""))]
            if None in values:
                c.problem(field, "unknown-code", "not one of the accepted values",
                          ", ".join(vocab.codes(vocabulary)))
            row[field] = sorted({v for v in values if v}, key=vocab.codes(vocabulary).index)
        sections = [isic_section(v) for v in _split(cells.get("target_industries", ""))]
        if None in sections:
            c.problem("target_industries", "unknown-code", "not an ISIC Rev.4 section or code")
        row["target_industries"] = sorted({s.code for s in sections if s})
        # where
        found = geo.country(cells["country"]) if cells.get("country") else None
        if found is None:
            c.problem("country", "unknown-country" if cells.get("country") else "missing",
                      "not a country")
        row["country"] = found.iso3 if found else None
        adm1 = cells.get("adm1") or None
        if adm1 and len(adm1) > 200:
            c.problem("adm1", "too-long", "longer than 200 characters")
        row["adm1"] = adm1
        # when
        for field in ("start_date", "end_date"):
            row[field] = None
            if text := cells.get(field):
                parsed = _date(text)
                if parsed is None:
                    c.problem(field, "bad-date", "not a date")
                else:
                    date_formats.append((number, field, parsed[1]))
                    row[field] = parsed[0]
        if row["start_date"] and row["end_date"] and row["end_date"] < row["start_date"]:
            c.problem("end_date", "end-before-start", "the end date is before the start date")
        # how many
        for measure in ("targeted", "reached"):
            for cell in CELLS:
                field = measure + cell
                text = cells.get(field, "")
                row[field] = None
                if text:
                    if COUNT.match(text.replace(" ", "")):
                        row[field] = int(text.replace(" ", ""))
                    else:
                        c.problem(field, "not-a-count", "not a whole number of people")
            parts = [row[measure + cell] for cell in CELLS[1:] if row[measure + cell] is not None]
            if row[measure] is not None and sum(parts) > row[measure]:
                c.problem(measure, "cells-above-total",
                          "fewer people in total than by sex and age together",
                          "a total at least the sum of the sex and age columns")
        for cell in CELLS:
            targeted, reached = row["targeted" + cell], row["reached" + cell]
            if targeted is not None and reached is not None and reached > targeted:
                c.problem("reached" + cell, "reached-above-targeted",
                          "more people reached than targeted",
                          "at most the people targeted (correct the target if the programme "
                          "did more than planned)")
        # money
        row["budget"] = None
        if text := cells.get("budget"):
            if NUMBER.match(text):
                row["budget"] = float(text)
            else:
                c.problem("budget", "not-a-number", "not an amount")
        currency = (cells.get("currency") or "").upper() or None
        if currency and currency not in currencies:
            c.problem("currency", "unknown-code", "not an ISO 4217 currency code")
        elif row["budget"] is not None and not currency:
            c.problem("currency", "missing", "a budget needs its currency")
        row["currency"] = currency
        source = cells.get("funding_source")
        row["funding_source"] = vocab.lookup("funding_sources", source) if source else None
        if source and row["funding_source"] is None:
            c.problem("funding_source", "unknown-code", "not a funding source",
                      ", ".join(vocab.codes("funding_sources")))
        out.append(row)
    _mixed_dates(c, date_formats)
    return out, c.problems


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _made_code(cells: dict[str, str]) -> str:
    """A stable code for a row without one: the same row imported again updates itself."""
    basis = "\x1f".join(cells.get(f, "") for f in ("name", "intervention", "country", "adm1",
                                                   "start_date", "end_date"))
    return "auto-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def _date(text: str) -> tuple[date, str] | None:
    for name, pattern in DATE_FORMATS.items():
        if match := pattern.match(text):
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"])), name
            except ValueError:
                return None
    return None


def _mixed_dates(c: _Checker, found: list[tuple[int, str, str]]) -> None:
    """One format per file: every date written otherwise than the file's usual one is an error."""
    counts = Counter(fmt for _, _, fmt in found)
    if len(counts) < 2:
        return
    usual = counts.most_common(1)[0][0]
    for row, field, fmt in found:
        if fmt != usual:
            c.row = row
            c.problem(field, "mixed-date-formats",
                      f"written {fmt} where the rest of the file writes {usual}",
                      f"one date format per file ({', '.join(DATE_FORMATS)}); "
                      "YYYY-MM-DD is safest")
