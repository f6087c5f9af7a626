"""Readers turn a file (CSV, XLSX, JSON, JSON Lines) into rows of text cells.

Every reader yields ``list[str]`` rows (the header is the first row it yields) and counts the
bytes it has consumed, so the import can show progress and hash the file in the same pass.
Cells are text: ``""`` is an empty cell. Problems that concern the whole file raise
:class:`~tiphub.errors.FileRejected`; problems of one cell are left to the profiles.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from tiphub.errors import FileRejected

FORMATS = ("csv", "xlsx", "json", "jsonl")
DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 1 << 16
# Marks that a cell holds a spreadsheet artefact, not a value a person typed.
FORMULA_MARK = "\x00formula"
DATE_MARK = "\x00date:"

csv.field_size_limit(1 << 24)


class HashingReader(io.RawIOBase):
    """A binary file wrapper that hashes and counts every byte read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha256.update(data)
        self.bytes_read += n
        return n


@dataclass
class TableSource:
    """An opened file: its format, its rows, and what the reader learnt about it."""

    path: Path
    format: str
    rows: Iterator[list[str]]
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    _hasher: HashingReader | None = None
    size: int = 0

    @property
    def bytes_read(self) -> int:
        return self._hasher.bytes_read if self._hasher else 0

    def sha256(self) -> str:
        """The file's sha256 (valid once all rows have been read)."""
        assert self._hasher is not None
        # drain anything the parser did not need (e.g. a trailing newline)
        while self._hasher.read(1 << 20):
            pass
        return self._hasher.sha256.hexdigest()


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt", ""):
        return "csv"
    if suffix == ".xls":
        raise FileRejected(
            "old Excel .xls files are not read", file=path.name, hint="save it as .xlsx or CSV"
        )
    raise FileRejected(
        f"unsupported file type {suffix!r}",
        file=path.name,
        hint="accepted: .csv, .tsv, .txt, .xlsx, .json, .jsonl",
    )


def open_table(path: Path, *, encoding: str | None = None) -> TableSource:
    """Open ``path`` for reading rows; the format comes from the file name."""
    path = Path(path)
    if not path.is_file():
        raise FileRejected("file not found", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise FileRejected("the file is empty", file=path.name, hint="export the data again")
    fmt = detect_format(path)
    opener = {"csv": _open_csv, "xlsx": _open_xlsx, "json": _open_json, "jsonl": _open_jsonl}
    source = opener[fmt](path, encoding)
    source.size = size
    return source


# -- CSV ---------------------------------------------------------------------------------


def sniff_encoding(head: bytes) -> str:
    """Pick the text encoding from the first bytes: BOMs first, then UTF-8, then Latin-1."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(head) == SNIFF_BYTES and exc.reason == "unexpected end of data":
            # a character cut at the end of the sample
            return "utf-8"
        return "latin-1"


def sniff_delimiter(first_lines: list[str]) -> str:
    """The delimiter that splits the header line most consistently."""
    best, best_score = ",", -1
    for delim in DELIMITERS:
        counts = [line.count(delim) for line in first_lines if line.strip()]
        if not counts or counts[0] == 0:
            continue
        score = counts[0] * 10 + sum(1 for c in counts if c == counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _open_csv(path: Path, encoding: str | None) -> TableSource:
    raw = path.open("rb")
    head = raw.read(SNIFF_BYTES)
    raw.seek(0)
    enc = encoding or sniff_encoding(head)
    sample = head.decode(enc, errors="replace").splitlines()[:20]
    # the real header may come after title lines: sniff on the widest of the first lines
    widest = sorted(sample, key=lambda s: max(s.count(d) for d in DELIMITERS), reverse=True)
    delim = sniff_delimiter(widest[:1] + sample)
    hasher = HashingReader(raw)
    text = io.TextIOWrapper(
        io.BufferedReader(hasher, buffer_size=1 << 20), encoding=enc, newline=""
    )
    source = TableSource(path, "csv", iter(()), encoding=enc, delimiter=delim, _hasher=hasher)
    source.rows = _csv_rows(text, delim, path.name, enc)
    if enc == "latin-1":
        source.notes.append("read as Latin-1 (the file is not UTF-8)")
    return source


def _csv_rows(text: IO[str], delim: str, name: str, enc: str) -> Iterator[list[str]]:
    reader = csv.reader(text, delimiter=delim, strict=True)
    try:
        yield from reader
    except UnicodeDecodeError:
        raise FileRejected(
            f"the file is not valid {enc} after data row {max(reader.line_num - 1, 0)}",
            file=name,
            hint="save it as UTF-8 (Excel: 'CSV UTF-8'), or pass --encoding latin-1",
        ) from None
    except csv.Error as exc:
        raise FileRejected(
            f"CSV syntax error at line {reader.line_num}: {exc}",
            file=name,
            hint="check for an unclosed quote",
        ) from None
    finally:
        text.detach()


# -- XLSX --------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return FORMULA_MARK if value.startswith("=") else value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return DATE_MARK + value.isoformat()
    return str(value)


def _open_xlsx(path: Path, encoding: str | None) -> TableSource:
    from openpyxl import load_workbook  # noqa: PLC0415  (heavy import, only for spreadsheets)

    raw = path.open("rb")
    hasher = HashingReader(raw)
    data = hasher.read()  # openpyxl needs random access; the whole file is hashed here
    raw.close()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileRejected(
            f"not a readable .xlsx workbook ({exc.__class__.__name__}); it may be truncated",
            file=path.name,
            hint="open it in Excel and save it again, or export CSV",
        ) from None
    sheet = book.worksheets[0]
    source = TableSource(path, "xlsx", iter(()), _hasher=hasher)
    if len(book.worksheets) > 1:
        source.notes.append(f"read the first sheet ({sheet.title!r}) of {len(book.worksheets)}")
    source.rows = _xlsx_rows(sheet, book, path.name)
    return source


def _xlsx_rows(sheet: Any, book: Any, name: str) -> Iterator[list[str]]:
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileRejected(
            f"the workbook is damaged ({exc.__class__.__name__}); it may be truncated",
            file=name,
            hint="open it in Excel and save it again, or export CSV",
        ) from None
    finally:
        book.close()


# -- JSON --------------------------------------------------------------------------------


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ";".join(_json_text(v) for v in value)
    if isinstance(value, (dict,)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _objects_to_rows(objects: list[dict[str, Any]], name: str) -> Iterator[list[str]]:
    header: list[str] = []
    seen: set[str] = set()
    for i, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            raise FileRejected(
                f"item {i} is not an object", file=name, hint="each record must be {...}"
            )
        for key in obj:
            if key not in seen:
                seen.add(key)
                header.append(key)
    yield header
    for obj in objects:
        yield [_json_text(obj.get(key)) for key in header]


def _load_json_bytes(hasher: HashingReader, name: str) -> Any:
    data = hasher.read()
    try:
        return json.loads(data.decode(sniff_encoding(data[:SNIFF_BYTES])))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise FileRejected(f"not valid JSON{where}", file=name, hint="check the export") from None


def _open_json(path: Path, encoding: str | None) -> TableSource:
    raw = path.open("rb")
    hasher = HashingReader(raw)
    doc = _load_json_bytes(hasher, path.name)
    raw.close()
    if isinstance(doc, dict) and isinstance(doc.get("records"), list):
        doc = doc["records"]
    if not isinstance(doc, list):
        raise FileRejected(
            "JSON must be an array of records or an object with a 'records' array",
            file=path.name,
        )
    return TableSource(path, "json", _objects_to_rows(doc, path.name), _hasher=hasher)


def _open_jsonl(path: Path, encoding: str | None) -> TableSource:
    raw = path.open("rb")
    hasher = HashingReader(raw)
    data = hasher.read()
    raw.close()
    try:
        text = data.decode(sniff_encoding(data[:SNIFF_BYTES]))
    except UnicodeDecodeError:
        raise FileRejected("the file is not valid UTF-8", file=path.name,
                           hint="save it as UTF-8") from None
    objects = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            objects.append(json.loads(line))
        except json.JSONDecodeError:
            raise FileRejected(
                f"line {lineno} is not valid JSON", file=path.name, hint="one object per line"
            ) from None
    return TableSource(path, "jsonl", _objects_to_rows(objects, path.name), _hasher=hasher)
