"""Encoding a people file on the organisation's own machine: identifying columns out, CLKs in.

The output has one record per input row: the local record id, every column that does not
identify anyone, and two new columns — ``clk`` (base64 of the filter bytes, clkhash's
serialisation) and ``clk_schema`` (the schema fingerprint, so encodings made with different
schemas are never compared). For an HTCDS file that is the same HTCDS file with its
identifying columns replaced by ``clk`` and ``clk_schema``, ready to upload.

Two ways to get feature values from a row:

- the default schema (feature identifiers = :data:`.normalise.FEATURES`): the HTCDS columns
  are prepared by :func:`.normalise.prepare_htcds`;
- any other schema (e.g. FEBRL's): each feature reads the column of the same name, as clkhash
  does (cells are stripped; ignored features need no column).

Nothing personal is logged or put in an error: only file names, column names, row numbers
and counts. The output is written to a temporary file and renamed at the end, so a failure
leaves no half-written file behind.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from tiphub.errors import FileRejected, InvalidInput
from tiphub.ingest.profiles.htcds import IDENTIFYING
from tiphub.ingest.readers import DATE_MARK, FORMULA_MARK, open_table
from tiphub.linkage.encoding import Encoder, EncodeStats
from tiphub.linkage.normalise import FEATURES, HTCDS_SOURCE_COLUMNS, NAME_COLUMNS, prepare_htcds
from tiphub.linkage.schema import LinkageSchema, check_schema, default_schema, load_schema

Progress = Callable[[int, int], None]
BATCH = 4096
HTCDS_ID = "prs_Id"
# used by the default schema, but analytic fields the hub's HTCDS import needs: kept
HTCDS_KEPT = ("prs_Gender", "prs_Citizenship", "prs_Nationality")
OUTPUT_SUFFIXES = (".csv", ".jsonl")
# a record needs one of these to be linked: sex and citizenship alone are shared by strangers
IDENTIFYING_FEATURES = ("name", "birth_year", "birth_daymonth", "document")


@dataclass
class EncodeReport:
    """What happened; row numbers count data rows from 1 (the header is not a row)."""

    file: str
    out: Path
    rows: int = 0
    encoded: int = 0
    unusable_rows: list[int] = field(default_factory=list)  # no usable identifier at all
    missing: dict[str, int] = field(default_factory=dict)  # per feature: empty values
    invalid: dict[str, int] = field(default_factory=dict)  # per feature: failed the format
    mean_density: float = 0.0  # share of filter bits set (before balancing)
    schema_fingerprint: str = ""
    mode: str = ""  # "htcds" or "columns"
    dropped_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{self.file}: {self.encoded} of {self.rows} rows encoded -> {self.out.name} "
                 f"(schema {self.schema_fingerprint}, mean bit density {self.mean_density:.2f})"]
        if self.unusable_rows:
            shown = ", ".join(str(r) for r in self.unusable_rows[:10])
            more = " ..." if len(self.unusable_rows) > 10 else ""
            lines.append(f"  {len(self.unusable_rows)} rows have no usable identifier (rows {shown}{more}); "
                         "they cannot be linked")
        missing = ", ".join(f"{name} {count}" for name, count in self.missing.items() if count)
        if missing:
            lines.append(f"  empty values per field: {missing}")
        for name, count in self.invalid.items():
            if count:
                lines.append(f"  {name}: {count} values did not fit the schema's format (treated as missing)")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def encode_file(people: Path, out: Path, *, schema: LinkageSchema | Path | str | Mapping | None = None,
                secret: bytes, id_column: str | None = None, progress: Progress | None = None,
                keep_columns: Iterable[str] | None = None) -> EncodeReport:
    """Encode ``people`` (CSV, XLSX, JSON or JSON Lines) into ``out`` (``.csv`` or ``.jsonl``).

    ``schema``: a parsed schema or anything :func:`.load_schema` takes; None = the default
    HTCDS schema. ``id_column``: the local record id (default ``prs_Id`` if present, else the
    first column). ``keep_columns``: columns a feature uses that are nevertheless copied to the
    output (default: prs_Gender and prs_Citizenship for the HTCDS schema, none otherwise).
    """
    people, out = Path(people), Path(out)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InvalidInput(f"cannot write encodings to {out.name}", hint="name the output .csv or .jsonl")
    if out.resolve() == people.resolve():
        raise InvalidInput("the output file must not be the input file")
    schema = _schema(schema)
    encoder = Encoder(schema, secret)
    source = open_table(people)
    try:
        header = next(source.rows, None)
        if header is None:
            raise FileRejected("the file has no header row", file=people.name)
        header = [h.strip().lstrip("\ufeff") for h in header]
        plan = _plan(schema, header, people.name, id_column, keep_columns)
        report = EncodeReport(file=people.name, out=out, schema_fingerprint=schema.fingerprint,
                              mode=plan.mode, dropped_columns=plan.dropped,
                              warnings=check_schema(schema))
        stats = EncodeStats()
        _write_atomically(out, lambda fh: _encode_rows(source, plan, encoder, stats, fh, out, progress))
    finally:
        close_rows = getattr(source.rows, "close", None)
        if close_rows:  # finish the reader's generator while its file is still open
            close_rows()
        source.close()
    report.rows = stats.rows
    report.unusable_rows = [i + 1 for i in stats.unusable]
    report.encoded = report.rows - len(report.unusable_rows)
    report.missing, report.invalid = stats.missing, stats.invalid
    report.mean_density = stats.mean_density
    if report.rows == 0:
        report.warnings.append("the file has a header but no data rows")
    if schema.hardening.balance:
        report.warnings.append("balanced filters: every encoding has exactly half its bits set")
    return report


def _schema(schema: Any) -> LinkageSchema:
    if schema is None:
        return default_schema()
    if isinstance(schema, LinkageSchema):
        return schema
    return load_schema(schema)


@dataclass
class _Plan:
    mode: str
    header: list[str]
    id_index: int
    kept: list[int]  # indices of the columns copied to the output
    dropped: list[str]
    feature_index: list[int | None]  # "columns" mode: column of each schema feature
    birth_index: int | None = None  # "htcds" mode: the birth date column, to count bad dates


def _plan(schema: LinkageSchema, header: list[str], name: str, id_column: str | None,
          keep_columns: Iterable[str] | None) -> _Plan:
    if len(set(header)) != len(header):
        raise FileRejected("the header names a column twice", file=name)
    position = {h: i for i, h in enumerate(header)}
    htcds = set(schema.identifiers) == set(FEATURES)
    if htcds:
        if not any(c in position for c in NAME_COLUMNS):
            raise FileRejected("no HTCDS name column (prs_FirstName, prs_MiddleName, prs_SecondName)",
                               file=name, hint="the default linkage schema reads HTCDS person files")
        used = set(HTCDS_SOURCE_COLUMNS) | {"prs_Nationality"}
        keep = set(HTCDS_KEPT if keep_columns is None else keep_columns)
        feature_index: list[int | None] = []
    else:
        absent = [f.identifier for f in schema.encoded if f.identifier not in position]
        if absent:
            raise FileRejected(f"no column for schema feature {absent[0]!r}"
                               + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""),
                               file=name, hint="the schema's feature identifiers must be column names")
        used = {f.identifier for f in schema.encoded}
        keep = set(keep_columns or ())
        feature_index = [position.get(f.identifier) for f in schema.features]
    if id_column is None:
        id_column = HTCDS_ID if HTCDS_ID in position else header[0]
    if id_column not in position:
        raise InvalidInput(f"{name}: no id column {id_column!r}", hint="choose one of the file's columns")
    drop = (used - keep) | set(IDENTIFYING)
    kept = [i for i, h in enumerate(header) if h != id_column and h not in drop]
    dropped = [h for h in header if h in drop and h != id_column]
    if id_column in set(IDENTIFYING) | (used - keep):
        raise InvalidInput(f"{name}: the id column {id_column!r} holds identifying data",
                           hint="use a local record number as the id")
    return _Plan("htcds" if htcds else "columns", header, position[id_column], kept, dropped,
                 feature_index, position.get("prs_Birthdate") if htcds else None)


def _encode_rows(source: Any, plan: _Plan, encoder: Encoder, stats: EncodeStats, fh: TextIO,
                 out: Path, progress: Progress | None) -> None:
    fingerprint = encoder.schema.fingerprint
    kept_names = [plan.header[i] for i in plan.kept]
    # the age at identification is analytic, but HTCDS files often give only the birth date,
    # which does not leave the organisation: derive the age here, before the date is dropped
    age = _age_deriver(plan) if plan.mode == "htcds" else None
    if age is not None and AGE not in kept_names:
        kept_names.append(AGE)
    names = [plan.header[plan.id_index]] + kept_names + ["clk", "clk_schema"]
    as_csv = out.suffix.lower() == ".csv"
    writer = csv.writer(fh, lineterminator="\n") if as_csv else None
    if writer:
        writer.writerow(names)
    width = len(plan.header)
    for batch in _batches(source.rows, width, source.path.name):
        first = stats.rows
        weak: list[int] = []
        if plan.mode == "htcds":
            values: list[Any] = []
            for n, row in enumerate(batch):
                prepared = prepare_htcds(dict(zip(plan.header, row, strict=True)))
                if not any(prepared[f] for f in IDENTIFYING_FEATURES):
                    weak.append(n)  # sex and citizenship alone would merge strangers
                if plan.birth_index is not None and row[plan.birth_index] and not prepared["birth_year"]:
                    stats.invalid["birth_year"] = stats.invalid.get("birth_year", 0) + 1  # not YYYY-MM-DD
                values.append(prepared)
        else:
            values = [[row[i] if i is not None else "" for i in plan.feature_index] for row in batch]
        bits = encoder.encode(values, stats)
        for n in weak:  # reported with the rows that have no usable identifier
            if first + n not in stats.unusable:
                stats.unusable.append(first + n)
        stats.unusable.sort()
        clks = _base64_rows(bits)
        for unusable in stats.unusable:  # no identifier: no encoding (never linked)
            if unusable >= first:
                clks[unusable - first] = ""
        for row, clk in zip(batch, clks, strict=True):
            cells = [row[i] for i in plan.kept]
            if age is not None:
                cells = age(row, cells, kept_names)
            record = [row[plan.id_index]] + cells + [clk, fingerprint]
            if writer:
                writer.writerow(record)
            else:
                fh.write(json.dumps(dict(zip(names, record, strict=True)), ensure_ascii=False) + "\n")
        if progress:
            progress(source.bytes_read, source.size)


AGE, BIRTH, IDENTIFIED = "vic_AgeAtIdentification", "prs_Birthdate", "vic_IdentificationDate"


def _age_deriver(plan: _Plan) -> Callable[[list[str], list[str], list[str]], list[str]] | None:
    """A function filling a blank age at identification from the birth and identification dates."""
    position = {h: i for i, h in enumerate(plan.header)}
    if BIRTH not in position or IDENTIFIED not in position:
        return None
    born_at, seen_at, age_at = position[BIRTH], position[IDENTIFIED], position.get(AGE)

    def fill(row: list[str], cells: list[str], names: list[str]) -> list[str]:
        given = row[age_at] if age_at is not None else ""
        if given or not row[born_at] or not row[seen_at]:
            return cells if age_at is not None else [*cells, given]
        try:
            born, seen = date.fromisoformat(row[born_at][:10]), date.fromisoformat(row[seen_at][:10])
        except ValueError:  # the hub's import reports bad dates of its own; nothing to derive
            return cells if age_at is not None else [*cells, ""]
        years = seen.year - born.year - ((seen.month, seen.day) < (born.month, born.day))
        text = str(years) if years >= 0 else ""
        if age_at is None:
            return [*cells, text]
        out = list(cells)
        out[names.index(AGE)] = text
        return out

    return fill


def _batches(rows: Iterator[list[str]], width: int, name: str) -> Iterator[list[list[str]]]:
    """Rows of ``width`` stripped cells (short rows padded, spreadsheet formulas emptied)."""
    batch: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise FileRejected(f"data row {number} has more cells than the header", file=name)
        cells = [_cell(c) for c in row[:width]]
        cells.extend([""] * (width - len(cells)))
        batch.append(cells)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _cell(text: str) -> str:
    """A cell as the person typed it: spreadsheet formulas are empty, date cells ISO dates."""
    if text.startswith(FORMULA_MARK):
        return ""
    if text.startswith(DATE_MARK):
        text = text[len(DATE_MARK):]
        return text[:10] if text[10:] in ("", "T00:00:00") else text
    return text.strip()


def _base64_rows(bits: np.ndarray) -> list[str]:
    return [base64.b64encode(row.tobytes()).decode("ascii") for row in bits]


def _write_atomically(out: Path, write: Callable[[TextIO], None]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_encodings(path: Path) -> tuple[list[dict[str, str]], np.ndarray]:
    """Read an encoded file back: its records (without ``clk``) and the filters as uint8 rows
    (all zero for a record that carried no encoding)."""
    path = Path(path)
    if path.suffix.lower() == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
    else:
        with path.open(encoding="utf-8", newline="") as fh:
            records = list(csv.DictReader(fh))
    clks = [base64.b64decode(r.pop("clk")) for r in records]
    width = max((len(c) for c in clks), default=0)
    if any(len(c) not in (0, width) for c in clks):
        raise FileRejected("encodings of different lengths in one file", file=path.name)
    clks = [c or bytes(width) for c in clks]  # a record without identifier: an empty filter
    bits = np.frombuffer(b"".join(clks), dtype=np.uint8).reshape(len(clks), width).copy()
    return records, bits
