"""The machinery every case-record profile shares: column specs compiled into fast converters.

A profile describes its columns declaratively (:class:`Col`); :meth:`Profile.bind` matches them
against a file's header once and returns a :class:`Mapper` whose ``convert`` turns one row of
text cells into a record tuple (or a list of problems). The per-row path is a loop over
pre-compiled closures and dict lookups, because imports run at hundreds of thousands of rows
per second.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tiphub.errors import FileRejected
from tiphub.ingest.readers import DATE_MARK, FORMULA_MARK
from tiphub.records import FLAG_GROUPS, RECORD_FIELDS
from tiphub.vocab import geo
from tiphub.vocab.codes import ANALYTIC

BAD = object()
Problem = tuple[str, str]  # (column, rule)
Setter = Callable[[str, list[Any], list[Problem]], None]
Finisher = Callable[[list[Any], list[Problem], dict[str, str]], None]

FIELD_INDEX = {name: i for i, name in enumerate(RECORD_FIELDS)}
GROUP_SLOTS = {g: (FIELD_INDEX[f"{g}_yes"], FIELD_INDEX[f"{g}_known"]) for g in FLAG_GROUPS}
FIRST_YEAR = 1990


def norm(text: str) -> str:
    """Header/code normal form: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^0-9a-z+]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


@dataclass(frozen=True)
class Col:
    """One column a profile knows.

    kind: ``code`` (lookup in ``codes`` → ``target``), ``year``, ``flag`` (group ``target``, code
    ``code``), ``multi`` (``;``-joined codes → group ``target``), ``country`` (ISO code →
    ``target`` and its region), ``int`` (whole number → ``target`` via ``convert``),
    ``date``, ``id``, ``identifying`` (read, never stored), ``extra`` (kept as is in ``extra``).
    """

    name: str
    kind: str
    target: str | None = None
    codes: dict[str, Any] | None = None
    code: str | None = None
    aliases: tuple[str, ...] = ()
    required: bool = False
    accepted: str | None = None


@dataclass
class Mapper:
    """A profile bound to one file's header."""

    profile: str
    schema_version: str
    header: list[str]
    setters: list[tuple[int, Setter]]
    finishers: list[Finisher]
    accepted: dict[str, str]
    withheld: list[str]
    unmapped: list[str]
    extra_idx: list[tuple[int, str]]
    width: int
    raw_needed: list[int] = field(default_factory=list)
    target: str = "case_records"
    columns: tuple[str, ...] = RECORD_FIELDS

    def convert(self, row: list[str], row_number: int) -> tuple[list[Any] | None, list[Problem]]:
        """A record (list in :data:`RECORD_FIELDS` order) or ``None`` and the row's problems."""
        problems: list[Problem] = []
        if len(row) != self.width:
            if len(row) > self.width and not any(row[self.width :]):
                row = row[: self.width]
            else:
                return None, [("", "ragged-row")]
        rec: list[Any] = [None] * len(RECORD_FIELDS)
        rec[1] = row_number
        for i, setter in self.setters:
            setter(row[i], rec, problems)
        if self.finishers:
            scratch = {self.header[i]: row[i] for i in self.raw_needed}
            for finish in self.finishers:
                finish(rec, problems, scratch)
        if self.extra_idx:
            extra = {name: row[i] for i, name in self.extra_idx if row[i]}
            rec[-1] = json.dumps(extra, ensure_ascii=False) if extra else None
        return (None if problems else rec), problems

    def keepable(self, row: list[str]) -> dict[str, str]:
        """The row's cells minus identifying columns: what quarantine may hold."""
        withheld = set(self.withheld)
        return {
            name: (row[i] if i < len(row) else "")
            for i, name in enumerate(self.header)
            if name not in withheld
        }


class Profile:
    """A source format of case records."""

    name: str = ""
    schema_version: str = ""
    description: str = ""
    signature: tuple[str, ...] = ()  # normalised header names that identify the profile

    def columns(self) -> list[Col]:
        raise NotImplementedError

    def finishers(self, present_bits: dict[str, int]) -> list[Finisher]:
        """Row-level rules run after every column is set; ``present_bits`` tells which flag
        columns of each group the file has."""
        return []

    def raw_columns(self) -> tuple[str, ...]:
        """Columns the finishers read as raw text."""
        return ()

    def score(self, header: Sequence[str]) -> float:
        names = {norm(h) for h in header}
        return sum(1 for s in self.signature if s in names) / max(len(self.signature), 1)

    def bind(self, header: list[str], *, file: str, current_year: int) -> Mapper:
        by_norm: dict[str, int] = {}
        for i, h in enumerate(header):
            by_norm.setdefault(norm(h), i)
        setters: list[tuple[int, Setter]] = []
        accepted: dict[str, str] = {}
        withheld: list[str] = []
        used: set[int] = set()
        missing: list[str] = []
        present_bits: dict[str, int] = dict.fromkeys(FLAG_GROUPS, 0)
        for col in self.columns():
            idx = next(
                (by_norm[n] for n in map(norm, (col.name, *col.aliases)) if n in by_norm), None
            )
            if idx is None:
                if col.required:
                    missing.append(col.name)
                continue
            used.add(idx)
            name = header[idx]
            if col.accepted or col.codes:
                accepted[name] = col.accepted or ", ".join(sorted(k for k in col.codes if k))
            if col.kind == "identifying":
                withheld.append(name)
                continue
            if col.kind == "raw":  # read by a finisher through raw_columns()
                continue
            if col.kind == "extra":
                used.discard(idx)
                continue
            if col.kind == "flag":
                present_bits[col.target] |= ANALYTIC.flag_group(col.target).bit(col.code)
            elif col.kind == "multi":
                present_bits[col.target] |= ANALYTIC.flag_group(col.target).all_bits
            setters.append((idx, make_setter(col, name, current_year)))
        if missing:
            raise FileRejected(
                f"missing required column(s) for profile {self.name}: {', '.join(missing)}",
                file=file,
                hint="check the header row, or pass another --profile",
            )
        raw_needed = [by_norm[norm(c)] for c in self.raw_columns() if norm(c) in by_norm]
        extra_idx = [(i, h) for i, h in enumerate(header) if i not in used and h.strip()]
        return Mapper(
            profile=self.name,
            schema_version=self.schema_version,
            header=header,
            setters=setters,
            finishers=self.finishers(present_bits),
            accepted=accepted,
            withheld=withheld,
            unmapped=[h for _, h in extra_idx],
            extra_idx=extra_idx,
            width=len(header),
            raw_needed=raw_needed,
        )


# -- setters ------------------------------------------------------------------------------


def _artefact(value: str) -> str | None:
    if value.startswith(FORMULA_MARK):
        return "formula"
    if value.startswith(DATE_MARK):
        return "excel-date"
    return None


def code_table(mapping: dict[str, Any]) -> dict[str, Any]:
    """A lookup that accepts each key as written, stripped, and in normal form."""
    table: dict[str, Any] = {}
    for key, value in mapping.items():
        table[key] = value
        table[norm(key)] = value
    return table


def make_setter(col: Col, name: str, current_year: int) -> Setter:
    kind = col.kind
    if kind == "code":
        return _code_setter(name, FIELD_INDEX[col.target], code_table(col.codes or {}))
    if kind == "year":
        return _year_setter(name, FIELD_INDEX[col.target or "year"], current_year)
    if kind == "flag":
        yes_i, known_i = GROUP_SLOTS[col.target]
        return _flag_setter(name, yes_i, known_i, ANALYTIC.flag_group(col.target).bit(col.code))
    if kind == "multi":
        yes_i, known_i = GROUP_SLOTS[col.target]
        return _multi_setter(name, yes_i, known_i, col.target, code_table(col.codes or {}))
    if kind == "country":
        return _country_setter(name, col.target)
    if kind == "id":
        return _id_setter(name)
    if kind == "int":
        return _int_setter(name, FIELD_INDEX[col.target], col.codes)
    raise ValueError(f"unknown column kind {kind}")


def _code_setter(name: str, slot: int, table: dict[str, Any]) -> Setter:
    get = table.get

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        code = get(value, BAD)
        if code is BAD:
            code = get(norm(value), BAD)
            if code is BAD:
                problems.append((name, _artefact(value) or "unknown-code"))
                return
        rec[slot] = code

    return setter


def _year_setter(name: str, slot: int, current_year: int) -> Setter:
    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        if not value:
            return
        try:
            year = int(value)
        except ValueError:
            problems.append((name, _artefact(value) or "not-a-year"))
            return
        if year < FIRST_YEAR:
            problems.append((name, "year-out-of-range"))
        elif year > current_year:
            problems.append((name, "future-year"))
        else:
            rec[slot] = year

    return setter


FLAG_VALUES = {"1": 1, "0": 0, "": None, "-99": None, "1.0": 1, "0.0": 0, "true": 1,
               "false": 0, "True": 1, "False": 0, "yes": 1, "no": 0}


def _flag_setter(name: str, yes_i: int, known_i: int, bit: int) -> Setter:
    get = FLAG_VALUES.get

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        flag = get(value, BAD)
        if flag is None:
            return
        if flag is BAD:
            problems.append((name, _artefact(value) or "flag-value"))
            return
        rec[known_i] = (rec[known_i] or 0) | bit
        if flag:
            rec[yes_i] = (rec[yes_i] or 0) | bit

    return setter


def _multi_setter(name: str, yes_i: int, known_i: int, group: str, table: dict[str, Any]) -> Setter:
    fg = ANALYTIC.flag_group(group)
    bits = {k: fg.bit(v) for k, v in table.items()}
    everything = fg.all_bits

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        if not value:
            return
        yes = 0
        for part in value.split(";"):
            part = part.strip()
            if not part:
                continue
            bit = bits.get(part) or bits.get(norm(part))
            if bit is None:
                problems.append((name, _artefact(value) or "unknown-code"))
                return
            yes |= bit
        rec[yes_i] = (rec[yes_i] or 0) | yes
        rec[known_i] = everything

    return setter


def country_lookup(iso2: bool = False, unknown: Iterable[str] = ()) -> dict[str, tuple[str, str | None]]:
    """ISO code → (iso3, region) for every country, plus codes meaning 'unknown'."""
    table: dict[str, tuple[str, str | None]] = {}
    for c in geo.countries():
        for key in (c.iso3, c.iso3.lower(), c.iso2, c.iso2.lower()):
            table[key] = (c.iso3, c.region)
    for u in unknown:
        table[u] = ("unknown", "unknown")
    return table


_COUNTRIES: dict[str, tuple[str, str | None]] = {}


def _countries() -> dict[str, tuple[str, str | None]]:
    if not _COUNTRIES:
        _COUNTRIES.update(country_lookup(unknown=("00", "unknown", "Unknown", "UNK", "XXX")))
    return _COUNTRIES


def _country_setter(name: str, target: str | None) -> Setter:
    table = _countries()
    slot = FIELD_INDEX[target]
    region_slot = FIELD_INDEX[
        "citizenship_region" if target == "citizenship" else "exploitation_region"
    ]

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        if not value:
            return
        first = value.split(";", 1)[0].strip()
        hit = table.get(first)
        if hit is None:
            problems.append((name, _artefact(value) or "unknown-code"))
            return
        rec[slot], rec[region_slot] = hit

    return setter


def _id_setter(name: str) -> Setter:
    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        value = value.strip()
        if value:
            rec[0] = value[:128]

    return setter


def _int_setter(name: str, slot: int, bands: dict[str, Any] | None) -> Setter:
    """Whole number; with ``bands`` ({'0-12': (0, 12), ...}) stores the band it falls in."""

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        if not value:
            return
        try:
            number = int(value)
        except ValueError:
            problems.append((name, _artefact(value) or "not-a-number"))
            return
        if number < 0:
            problems.append((name, "negative-number"))
            return
        if bands is None:
            rec[slot] = number
            return
        rec[slot] = next(b for b, (lo, hi) in bands.items() if lo <= number <= hi)

    return setter


def majority_from_band(rec: list[Any], problems: list[Problem], column: str) -> None:
    """Derive majority status from the age band, or flag a contradiction with the one given."""
    band = rec[FIELD_INDEX["age_band"]]
    status_i = FIELD_INDEX["majority_status"]
    derived = (
        "minor" if band in ANALYTIC.minor_bands else "adult" if band in ANALYTIC.adult_bands else None
    )
    given = rec[status_i]
    if derived and given in ("adult", "minor") and given != derived:
        problems.append((column, "age-majority-contradiction"))
    elif derived and given in (None, "unknown"):
        rec[status_i] = derived


def ctdc_group_rule(groups: dict[str, int]) -> Finisher:
    """CTDC's rule: in a flag group with any 1, a blank flag means no; with no 1 the group is
    not recorded (and stays out of the denominator)."""
    slots = [(GROUP_SLOTS[g][0], GROUP_SLOTS[g][1], bits) for g, bits in groups.items() if bits]

    def finish(rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
        for yes_i, known_i, bits in slots:
            if rec[yes_i]:
                rec[known_i] = (rec[known_i] or 0) | bits
            else:
                rec[yes_i] = None if not rec[known_i] else 0

    return finish
