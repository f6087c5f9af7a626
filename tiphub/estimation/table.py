"""Overlap tables: how many persons were seen by exactly which combination of lists.

The format is the one record linkage writes (``tiphub link-overlap -o overlap.csv``) and the
published tables use: one 0/1 column per list and a ``count`` column; histories with no persons may
be left out; the all-zero history (never seen) is what we estimate, so a row for it is an error.

Errors name the file, the row and the column and the accepted values, never the offending value:
an overlap table is aggregate, but the same code reads stratified tables whose stratum labels are
typed by people, and the house rule is to echo nothing a person typed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tiphub.errors import InvalidInput

__all__ = ["OverlapTable", "as_table", "merge_lists", "read_overlap", "read_strata"]

COUNT = "count"
MAX_LISTS = 12  # 4,095 histories; beyond that the log-linear models are not meaningful anyway
Source = str | Path | Sequence[Mapping[str, Any]] | Mapping[Any, Any]


@dataclass(frozen=True)
class OverlapTable:
    """Counts for every capture history 1 .. 2^k − 1 (bit j set ⇔ seen by list j).

    ``counts[h - 1]`` is the number of persons with history ``h``; histories absent from the input
    are zero. ``warnings`` are plain-English remarks found while reading (e.g. a list that never
    overlaps any other).
    """

    lists: tuple[str, ...]
    counts: np.ndarray
    name: str = "table"
    warnings: tuple[str, ...] = field(default=())

    @property
    def k(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    def histories(self) -> np.ndarray:
        """The 0/1 matrix of histories 1 .. 2^k − 1, one row each, one column per list."""
        return history_bits(self.k)

    def list_totals(self) -> dict[str, int]:
        bits = self.histories()
        return {name: int(self.counts @ bits[:, j]) for j, name in enumerate(self.lists)}

    def pair_overlap(self, i: int, j: int) -> int:
        """Persons seen by both list i and list j (whatever other lists saw them)."""
        bits = self.histories()
        return int(self.counts @ (bits[:, i] * bits[:, j]))

    def isolated_lists(self) -> list[str]:
        """Lists that share no person with any other list."""
        return [self.lists[i] for i in range(self.k)
                if all(self.pair_overlap(i, j) == 0 for j in range(self.k) if j != i)]

    def rows(self) -> list[dict[str, int]]:
        """Non-zero histories as rows of the CSV format, for JSON output and round trips."""
        bits = self.histories()
        return [{**{n: int(b) for n, b in zip(self.lists, bits[h], strict=True)}, COUNT: int(c)}
                for h, c in enumerate(self.counts) if c]


def history_bits(k: int) -> np.ndarray:
    """Rows for histories 1 .. 2^k − 1; column j is bit j of the history number."""
    h = np.arange(1, 2 ** k)
    return ((h[:, None] >> np.arange(k)[None, :]) & 1).astype(np.int8)


def read_overlap(source: Source, *, lists: Sequence[str] | None = None, name: str | None = None,
                 merge: Mapping[str, Sequence[str]] | None = None, merge_below: int | None = None,
                 ) -> OverlapTable:
    """Read and validate an overlap table.

    ``source`` is a CSV path, a list of row mappings (``{"A": 1, "B": 0, "count": 40}``) or a mapping
    from a pattern (``"10"``, ``(1, 0)``) to a count, in which case ``lists`` names the columns
    (default A, B, C, ...). ``merge`` / ``merge_below`` are applied after validation
    (see :func:`merge_lists`).
    """
    label, header, rows = _load(source, lists, name)
    table = _validate(label, header, rows, stratum=None)[None]
    if merge or merge_below:
        table = merge_lists(table, merge=merge, below=merge_below)
    return table


def read_strata(source: Source, stratum: str, *, name: str | None = None) -> dict[str, OverlapTable]:
    """Read a table with an extra stratum column (e.g. ``sex``) into one table per stratum."""
    label, header, rows = _load(source, None, name)
    if stratum not in header:
        raise InvalidInput(f"{label}: no stratum column {stratum!r}",
                           hint="name one of the file's columns, or estimate without strata")
    return {str(k): v for k, v in _validate(label, header, rows, stratum=stratum).items()}


def merge_lists(table: OverlapTable, *, merge: Mapping[str, Sequence[str]] | None = None,
                below: int | None = None) -> OverlapTable:
    """Merge lists into one (a person is on the merged list if on any of its members).

    Sparse small lists are the usual reason an MLE fails to exist; merging them is the standard
    remedy. ``merge={"new": ["A", "B"]}`` merges named lists; ``below=N`` merges every list with
    fewer than N persons into one list called ``other`` (needs at least two such lists).
    """
    groups: dict[str, list[str]] = {}
    for new, members in (merge or {}).items():
        unknown = [m for m in members if m not in table.lists]
        if unknown or len(members) < 2:
            raise InvalidInput(f"{table.name}: cannot merge into {new!r}",
                               hint=f"name at least two of the lists {', '.join(table.lists)}")
        groups[new] = list(members)
    notes = list(table.warnings)
    if below:
        taken = {m for members in groups.values() for m in members}
        small = [n for n, t in table.list_totals().items() if t < below and n not in taken]
        if len(small) >= 2:
            groups["other"] = small
            notes.append(f"lists with fewer than {below} persons were merged into 'other': "
                         f"{', '.join(small)}")
        elif small:
            notes.append(f"list {small[0]} has fewer than {below} persons but is the only one; not merged")
    used = [m for members in groups.values() for m in members]
    if len(used) != len(set(used)):
        raise InvalidInput(f"{table.name}: a list appears in two merges", hint="merge each list once")
    keep = [n for n in table.lists if n not in used]
    new_lists = keep + list(groups)
    if len(new_lists) < 2:
        raise InvalidInput(f"{table.name}: merging would leave fewer than two lists",
                           hint="merge fewer lists; estimation needs at least two")
    bits = table.histories()
    index = {n: j for j, n in enumerate(table.lists)}
    cols = [bits[:, index[n]] for n in keep]
    cols += [bits[:, [index[m] for m in members]].max(axis=1) for members in groups.values()]
    new_h = sum(col.astype(np.int64) << j for j, col in enumerate(cols))
    counts = np.bincount(new_h, weights=table.counts, minlength=2 ** len(new_lists))[1:]
    merged = OverlapTable(tuple(new_lists), counts.astype(np.int64), table.name, tuple(notes))
    return _with_overlap_warnings(merged)


def _load(source: Source, lists: Sequence[str] | None, name: str | None
          ) -> tuple[str, list[str], list[tuple[int, dict[str, Any]]]]:
    """Header and numbered rows (row numbers as a person sees them: CSV line numbers)."""
    if isinstance(source, str | Path):
        path = Path(source)
        label = name or path.name
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                header = [h.strip() for h in (reader.fieldnames or [])]
                rows = [(n + 2, {h.strip(): v for h, v in r.items() if h is not None})
                        for n, r in enumerate(reader)]
        except FileNotFoundError:
            raise InvalidInput(f"{label}: no such file", hint="give the path of an overlap CSV") from None
        except (UnicodeDecodeError, csv.Error):
            raise InvalidInput(f"{label}: not a readable CSV file",
                               hint="save the table as UTF-8 CSV with a header row") from None
        return label, header, rows
    label = name or "table"
    if isinstance(source, Mapping):
        return label, *_pattern_rows(source, lists, label)
    rows_in = list(source)
    header = list(rows_in[0].keys()) if rows_in else []
    return label, header, [(n + 1, dict(r)) for n, r in enumerate(rows_in)]


def _pattern_rows(source: Mapping[Any, Any], lists: Sequence[str] | None, label: str
                  ) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    patterns = [tuple(int(c) for c in p) if isinstance(p, str) else tuple(p) for p in source]
    k = len(patterns[0]) if patterns else 0
    names = list(lists) if lists is not None else [chr(ord("A") + j) for j in range(k)]
    rows = []
    for n, (pattern, value) in enumerate(zip(patterns, source.values(), strict=True), start=1):
        if len(pattern) != len(names):
            raise InvalidInput(f"{label}, pattern {n}: it has a different number of lists",
                               hint=f"every pattern has one 0/1 per list ({len(names)} lists)")
        rows.append((n, {**dict(zip(names, pattern, strict=True)), COUNT: value}))
    return [*names, COUNT], rows


def _validate(label: str, header: list[str], rows: list[tuple[int, dict[str, Any]]],
              stratum: str | None) -> dict[Any, OverlapTable]:
    if not header and not rows:
        raise InvalidInput(f"{label}: the table is empty",
                           hint="one 0/1 column per list and a 'count' column, one row per history")
    if COUNT not in header:
        raise InvalidInput(f"{label}: no '{COUNT}' column",
                           hint="add a 'count' column: persons with that history (a whole number >= 0)")
    if len(set(header)) != len(header):
        raise InvalidInput(f"{label}: a column name is repeated", hint="give every list a distinct name")
    lists = [h for h in header if h not in (COUNT, stratum)]
    if len(lists) < 2:
        raise InvalidInput(f"{label}: fewer than two lists",
                           hint="estimation needs at least two lists (one 0/1 column each)")
    if len(lists) > MAX_LISTS:
        raise InvalidInput(f"{label}: more than {MAX_LISTS} lists",
                           hint="merge lists (merge= or merge_below=) before estimating")
    k = len(lists)
    tables: dict[Any, np.ndarray] = {}
    seen: dict[tuple[Any, int], int] = {}
    for line, row in rows:
        h = 0
        for j, col in enumerate(lists):
            bit = _bit(row.get(col))
            if bit is None:
                raise InvalidInput(f"{label}, row {line}, column {col!r}: not a list membership",
                                   hint="list columns hold 0 (not on the list) or 1 (on the list)")
            h |= bit << j
        count = _count(row.get(COUNT), label, line)
        key = row.get(stratum) if stratum else None
        if stratum and (key is None or str(key).strip() == ""):
            raise InvalidInput(f"{label}, row {line}, column {stratum!r}: the stratum is empty",
                               hint="give every row a stratum, or leave the column out")
        key = str(key).strip() if stratum else None
        if h == 0:
            raise InvalidInput(f"{label}, row {line}: a row for the all-zero history",
                               hint="persons seen by no list are what is estimated; delete the row")
        if (key, h) in seen:
            raise InvalidInput(f"{label}, row {line}: repeats the history of row {seen[(key, h)]}",
                               hint="give each capture history once (add the counts together)")
        seen[(key, h)] = line
        tables.setdefault(key, np.zeros(2 ** k - 1, dtype=np.int64))[h - 1] = count
    if not tables:
        raise InvalidInput(f"{label}: the table has no rows", hint="one row per capture history with persons")
    out = {}
    for n, (key, counts) in enumerate(tables.items(), start=1):
        # strata are numbered, not named, in messages: their labels are values someone typed
        tag = label if key is None else f"{label}, stratum {n} of column {stratum!r}"
        if counts.sum() == 0 and key is None:
            raise InvalidInput(f"{label}: all counts are zero",
                               hint="the table must count at least one person")
        out[key] = _with_overlap_warnings(OverlapTable(tuple(lists), counts, tag))
    return out


def _with_overlap_warnings(table: OverlapTable) -> OverlapTable:
    notes = list(table.warnings)
    if table.observed:
        for name in table.isolated_lists():
            notes.append(f"list {name} shares no person with any other list: its overlaps carry no "
                         f"information about the unseen, and models with its interactions cannot be fitted; "
                         f"consider merging it with another list")
        if all(table.pair_overlap(i, j) == 0 for i in range(table.k) for j in range(i + 1, table.k)):
            notes.append("no two lists overlap at all: the lists look like separate populations and no "
                         "estimate of the unseen can be trusted")
    return OverlapTable(table.lists, table.counts, table.name, tuple(dict.fromkeys(notes)))


def _bit(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return int(value)
    if isinstance(value, float) and value in (0.0, 1.0):
        return int(value)
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    return None


def _count(value: Any, label: str, line: int) -> int:
    where = f"{label}, row {line}, column '{COUNT}'"
    hint = "counts are whole numbers of persons, 0 or more"
    number: float
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{where}: not a count", hint=hint)
    if isinstance(value, int | np.integer):
        number = int(value)
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise InvalidInput(f"{where}: not a number", hint=hint) from None
    if not math.isfinite(number):
        raise InvalidInput(f"{where}: not a number", hint=hint)
    if number < 0:
        raise InvalidInput(f"{where}: a negative count", hint=hint)
    if number != int(number):
        raise InvalidInput(f"{where}: a fractional count", hint=hint)
    return int(number)


def as_table(source: OverlapTable | Source | Iterable[Any], *, lists: Sequence[str] | None = None,
             merge: Mapping[str, Sequence[str]] | None = None, merge_below: int | None = None
             ) -> OverlapTable:
    """An :class:`OverlapTable` as is (merged if asked), anything else through :func:`read_overlap`."""
    if isinstance(source, OverlapTable):
        return merge_lists(source, merge=merge, below=merge_below) if merge or merge_below else source
    return read_overlap(source, lists=lists, merge=merge, merge_below=merge_below)  # type: ignore[arg-type]
