"""Readers turn a file (CSV, XLSX, JSON, JSON Lines) into rows of text cells.

Every reader yields ``list[str]`` rows (the header is the first row it yields) and counts the
bytes it has consumed, so the import can show progress and hash the file in the same pass.
Cells are text: ``""`` is an empty cell. Problems that concern the whole file raise
:class:`~tiphub.errors.FileRejected`; problems of one cell are left to the profiles.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from tiphub.errors import FileRejected, InvalidInput

DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 1 << 16
# Marks that a cell holds a spreadsheet artefact, not a value a person typed.
FORMULA_MARK = "\x00formula"
DATE_MARK = "\x00date:"

csv.field_size_limit(1 << 24)
# what a damaged workbook raises inside openpyxl: zip, XML and inflate errors
XLSX_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, ElementTree.ParseError,
               zlib.error, TypeError, IndexError, AttributeError)


class CountingReader(io.RawIOBase):
    """A binary file wrapper that counts the bytes read through it (for progress bars)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
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
    _counter: CountingReader | None = None
    size: int = 0

    @property
    def bytes_read(self) -> int:
        return self._counter.bytes_read if self._counter else 0

    def close(self) -> None:
        """Release the file (safe to call twice)."""
        if self._counter is not None:
            self._counter.raw.close()


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
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInput(f"unknown text encoding {encoding!r}",
                               hint="e.g. utf-8, latin-1, cp1252, utf-16") from None
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


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number of fields most often.

    Consistency, not frequency: ``;`` inside multi-valued cells varies from row to row, while
    the real delimiter gives every row the header's width; title lines above the header (the
    Global Report's) have one field whatever the delimiter.
    """
    best, best_score = ",", (-1, -1)
    for delim in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delim) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        mode = max(set(wide), key=lambda w: (wide.count(w), w))
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _open_csv(path: Path, encoding: str | None) -> TableSource:
    raw = path.open("rb")
    head = raw.read(SNIFF_BYTES)
    raw.seek(0)
    enc = encoding or sniff_encoding(head)
    sample = head.decode(enc, errors="replace").splitlines()[:20]
    if len(head) == SNIFF_BYTES and len(sample) > 1:
        sample = sample[:-1]  # the last line may be cut
    delim = sniff_delimiter(sample)
    hasher = CountingReader(raw)
    text = io.TextIOWrapper(
        io.BufferedReader(hasher, buffer_size=1 << 20), encoding=enc, newline=""
    )
    source = TableSource(path, "csv", iter(()), encoding=enc, delimiter=delim, _counter=hasher)
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


def _damaged_workbook(name: str, exc: BaseException) -> FileRejected:
    return FileRejected(
        f"not a readable .xlsx workbook ({exc.__class__.__name__}); it may be truncated",
        file=name, hint="open it in Excel and save it again, or export CSV")


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

    try:  # read-only mode streams the sheet from the zip: memory stays bounded
        book = load_workbook(path, read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except XLSX_ERRORS as exc:
        raise _damaged_workbook(path.name, exc) from None
    source = TableSource(path, "xlsx", iter(()))
    if len(book.worksheets) > 1:
        source.notes.append(f"read the first sheet ({sheet.title!r}) of {len(book.worksheets)}")
    source.rows = _xlsx_rows(sheet, book, path.name)
    return source


def _xlsx_rows(sheet: Any, book: Any, name: str) -> Iterator[list[str]]:
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    except XLSX_ERRORS as exc:
        raise _damaged_workbook(name, exc) from None
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


def _load_json_bytes(hasher: CountingReader, name: str) -> Any:
    data = hasher.read()
    try:
        return json.loads(data.decode(sniff_encoding(data[:SNIFF_BYTES])))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise FileRejected(f"not valid JSON{where}", file=name, hint="check the export") from None


def _open_json(path: Path, encoding: str | None) -> TableSource:
    raw = path.open("rb")
    hasher = CountingReader(raw)
    doc = _load_json_bytes(hasher, path.name)
    raw.close()
    if isinstance(doc, dict) and isinstance(doc.get("records"), list):
        doc = doc["records"]
    if not isinstance(doc, list):
        raise FileRejected(
            "JSON must be an array of records or an object with a 'records' array",
            file=path.name,
        )
    return TableSource(path, "json", _objects_to_rows(doc, path.name), _counter=hasher)


def _open_jsonl(path: Path, encoding: str | None) -> TableSource:
    """JSON Lines, streamed twice: once for the union of keys (the header), once for rows."""
    with path.open("rb") as fh:
        enc = encoding or sniff_encoding(fh.read(SNIFF_BYTES))
    header: dict[str, None] = {}
    for obj in _jsonl_objects(path, enc):
        header.update(dict.fromkeys(obj))
    keys = list(header)
    raw = path.open("rb")
    counter = CountingReader(raw)

    def rows() -> Iterator[list[str]]:
        yield keys
        text = io.TextIOWrapper(io.BufferedReader(counter), encoding=enc)
        for line in text:
            if line.strip():
                obj = json.loads(line)
                yield [_json_text(obj.get(key)) for key in keys]

    return TableSource(path, "jsonl", rows(), _counter=counter)


def _jsonl_objects(path: Path, enc: str) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding=enc) as text:
            for lineno, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    raise FileRejected(f"line {lineno} is not valid JSON", file=path.name,
                                       hint="one object per line") from None
                if not isinstance(obj, dict):
                    raise FileRejected(f"line {lineno} is not an object", file=path.name,
                                       hint="each line must be {...}")
                yield obj
    except UnicodeDecodeError:
        raise FileRejected(f"the file is not valid {enc}", file=path.name,
                           hint="save it as UTF-8") from None
