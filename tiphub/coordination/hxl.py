"""tiphub's HXL mapping of a 5W table, and reading and writing HXL-tagged files.

A file has a row of headers (free text, for people), then a row of HXL hashtags (for machines),
then one row per programme or activity. :data:`MAPPING` is the whole correspondence between
hashtags and the fields of :class:`tiphub.records.Programme`; docs/coordination.md shows it
as a table (a test keeps the two in step). Files are parsed with libhxl, which finds the
hashtag row and parses each hashtag; tiphub then checks every hashtag against the mapping.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tiphub.errors import FileRejected
from tiphub.records import Problem, Programme
from tiphub.stats.export import FORMULA_START, safe_cell

# libhxl logs malformed hashtags itself; tiphub reports them as problems instead
logging.getLogger("hxl").addHandler(logging.NullHandler())

#: Separator of several values in one cell (funders, partners, target groups, industries).
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class HxlColumn:
    tag: str  # the hashtag as tiphub writes it, e.g. "#targeted+f+children"
    field: str  # the Programme field it fills
    header: str  # the human header tiphub writes above it
    accepts: str  # what a cell may hold (shown in problems and in the documentation)
    required: bool = False

    @property
    def key(self) -> str:
        return canonical(self.tag)


def canonical(tag: str) -> str:
    """A hashtag with its attributes sorted and no spaces: ``#targeted +f +children`` and
    ``#targeted+children+f`` are the same column."""
    parts = tag.replace(" ", "").lower().split("+")
    return "+".join([parts[0], *sorted(p for p in parts[1:] if p)])


_PEOPLE = "a whole number, 0 or more"
_SEX_AGE = {"f+children": "girls", "f+adults": "women", "m+children": "boys",
                    "m+adults": "men"}

MAPPING: tuple[HxlColumn, ...] = (
    HxlColumn("#org+impl", "organisation", "Implementing organisation",
              "a directory code (`tiphub directory list`); empty: the organisation importing"),
    HxlColumn("#activity+code", "code", "Activity code",
              "the implementer's code, 1-64 letters, digits, '.', '_', '-' or '/'; empty: made "
              "from the row"),
    HxlColumn("#activity+name", "name", "Activity", "text, at most 300 characters", True),
    HxlColumn("#sector", "pillar", "Pillar",
              "prevention, protection, prosecution or partnership; empty: the intervention "
              "type's usual pillar"),
    HxlColumn("#activity+type", "intervention", "Intervention type",
              "a code or label of tiphub/vocab/data/coordination.json (intervention_types)", True),
    HxlColumn("#org+funder", "funders", "Funders", "directory codes or names, separated by ';'"),
    HxlColumn("#org+partner", "partners", "Partners", "directory codes or names, separated by ';'"),
    HxlColumn("#beneficiary+sex", "target_sexes", "Target sex", "f and/or m separated by ';'; "
              "empty: everyone"),
    HxlColumn("#beneficiary+age", "target_ages", "Target age group",
              "children and/or adults separated by ';'; empty: everyone"),
    HxlColumn("#beneficiary+industry", "target_industries", "At-risk industries",
              "ISIC Rev.4 section letters A-U (or ISIC codes) separated by ';'"),
    HxlColumn("#country+code", "country", "Country", "an ISO 3166 code or name", True),
    HxlColumn("#adm1+name", "adm1", "Admin 1", "the first administrative level's name"),
    HxlColumn("#date+start", "start_date", "Start date", "YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY "
              "(one format per file)"),
    HxlColumn("#date+end", "end_date", "End date", "as the start date, not before it"),
    HxlColumn("#targeted", "targeted", "People targeted", _PEOPLE),
    *(HxlColumn(f"#targeted+{cell}", f"targeted_{cell.replace('+', '_')}",
                f"Targeted {_SEX_AGE[cell]}", _PEOPLE) for cell in _SEX_AGE),
    HxlColumn("#reached", "reached", "People reached", _PEOPLE + ", at most those targeted"),
    *(HxlColumn(f"#reached+{cell}", f"reached_{cell.replace('+', '_')}",
                f"Reached {_SEX_AGE[cell]}", _PEOPLE + ", at most those targeted")
      for cell in _SEX_AGE),
    HxlColumn("#value+budget", "budget", "Budget", "a number, 0 or more (no thousands separator)"),
    HxlColumn("#currency", "currency", "Currency", "an ISO 4217 code, e.g. EUR; needed with a budget"),
    HxlColumn("#meta+funding_source", "funding_source", "Funding source",
              "public, bilateral, multilateral, trust_fund, private, own or mixed"),
)
BY_KEY = {c.key: c for c in MAPPING}
BY_FIELD = {c.field: c for c in MAPPING}
LIST_FIELDS = ("funders", "partners", "target_sexes", "target_ages", "target_industries")


@dataclass
class HxlTable:
    """What a file holds once its hashtags are mapped: one dict of raw cells per row."""

    file: str
    columns: dict[str, str]  # field -> how problems name its column
    rows: list[dict[str, str]]
    ignored: list[str]
    problems: list[Problem]


def column_label(number: int, header: str | None, tag: str | None) -> str:
    """How a problem names a column: its number (1-based), header and hashtag."""
    parts = [f"column {number}"]
    if header:
        parts.append(repr(header.strip()))
    if tag:
        parts.append(f"({tag})")
    return " ".join(parts)


def _unformula(text: str) -> str:
    """Undo :func:`safe_cell` (tiphub's exports quote cells a spreadsheet would run)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def read(path: Path) -> HxlTable:
    """Parse an HXL-tagged 5W CSV file and map its hashtags onto programme fields."""
    return read_tagged(path, MAPPING, what="programmes",
                       example="#org+impl, #activity+name, #country+code")


def read_tagged(path: Path, mapping: Sequence[HxlColumn], *, what: str, example: str,
                unknown_in: str = "", missing_why: Callable[[HxlColumn], str] | None = None,
                ) -> HxlTable:
    """Parse an HXL-tagged CSV file with libhxl and map its hashtags onto ``mapping``'s fields
    (the 5W file, a logframe): every unknown, duplicate or missing hashtag is a problem, untagged
    columns are ignored with a warning."""
    import hxl
    from hxl.input import HXLTagsNotFoundException

    name = path.name
    if path.suffix.lower() != ".csv":
        raise FileRejected(f"{what} are imported from HXL-tagged CSV files", file=name,
                           hint="save the sheet as CSV (UTF-8) with its hashtag row")
    try:
        with path.open("rb") as stream:
            source = hxl.data(stream)
            hxl_columns = list(source.columns)
            raw_rows = [list(row.values) for row in source]
    except HXLTagsNotFoundException:
        raise FileRejected(
            "no HXL hashtag row found (in the first 25 rows)", file=name,
            hint=f"put a row of hashtags under the headers, e.g. {example} "
                 "(docs/coordination.md lists them)") from None
    except Exception as exc:  # noqa: BLE001 — a CSV libhxl cannot read; the message may hold data
        raise FileRejected(f"the file cannot be read as HXL CSV ({type(exc).__name__})", file=name,
                           hint="save it as CSV (UTF-8)") from None
    by_key = {c.key: c for c in mapping}
    problems: list[Problem] = []
    columns: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    accepted_tags = ", ".join(c.tag for c in mapping)
    for number, column in enumerate(hxl_columns, start=1):
        header = (column.header or "").lstrip("\ufeff")
        label = column_label(number, header, column.display_tag or None)
        if not column.tag:
            ignored.append(label)
            continue
        spec = by_key.get(canonical(column.display_tag))
        if spec is None:
            problems.append(Problem(row=None, column=label, rule="unknown-hashtag",
                                    message=f"{label}: tiphub does not know this HXL hashtag"
                                            + unknown_in, accepted=accepted_tags))
        elif spec.field in columns:
            problems.append(Problem(row=None, column=label, rule="duplicate-hashtag",
                                    message=f"{label}: {spec.tag} is also "
                                            f"{columns[spec.field][1]}; keep one",
                                    accepted="each hashtag once"))
        else:
            columns[spec.field] = (number - 1, label)
    for spec in mapping:
        if spec.required and spec.field not in columns:
            why = f": {missing_why(spec)}" if missing_why else ""
            problems.append(Problem(row=None, column=spec.tag, rule="missing-column",
                                    message=f"no column is tagged {spec.tag} ({spec.header}){why}",
                                    accepted=spec.accepts))
    for label in ignored:
        problems.append(Problem(row=None, column=label, rule="no-hashtag", severity="warning",
                                message=f"{label} has no HXL hashtag (or a malformed one): ignored",
                                accepted=accepted_tags))
    rows = [{f: _unformula((raw[i] if i < len(raw) else "") or "").strip()
             for f, (i, _) in columns.items()} for raw in raw_rows]
    return HxlTable(name, {f: label for f, (_, label) in columns.items()}, rows, ignored, problems)


# -- writing ----------------------------------------------------------------------------------


def _cell(programme: Programme, field: str) -> Any:
    value = getattr(programme, field)
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return LIST_SEPARATOR.join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def rows(programmes: list[Programme]) -> list[list[Any]]:
    """The table as written: headers, hashtags, then one row per programme."""
    table: list[list[Any]] = [[c.header for c in MAPPING], [c.tag for c in MAPPING]]
    for programme in programmes:
        table.append([_cell(programme, c.field) for c in MAPPING])
    return table


def to_csv(programmes: list[Programme]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    table = rows(programmes)
    writer.writerows(table[:2])
    writer.writerows([[safe_cell(str(v)) for v in row] for row in table[2:]])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(programmes: list[Programme]) -> bytes:
    """The same table as an Excel workbook (numbers as numbers, every cell as a value)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("programmes")
    table = rows(programmes)
    for row in table[:2]:
        sheet.append(row)
    numeric = {i for i, c in enumerate(MAPPING) if c.field.startswith(("targeted", "reached"))
               or c.field == "budget"}
    for row in table[2:]:
        sheet.append([(float(v) if i in numeric and "." in str(v) else int(v))
                      if i in numeric and v != "" else safe_cell(str(v))
                      for i, v in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
