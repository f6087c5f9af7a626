"""Per-cell converters: the slow path of the compiled profiles, and the whole path for
columns that need parsing (multi-valued picklists, ids, whole numbers)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from tiphub.ingest.profiles.spec import (
    BAD,
    FIELD_INDEX,
    FIRST_YEAR,
    GROUP_SLOTS,
    Col,
    Problem,
    Setter,
    artefact,
    code_table,
    norm,
)
from tiphub.vocab import geo
from tiphub.vocab.codes import ANALYTIC

UNKNOWN_COUNTRY = ("00", "unknown", "Unknown", "UNK", "XXX")


def make_setter(col: Col, name: str, current_year: int) -> Setter:
    kind = col.kind
    if kind == "code":
        return _code_setter(name, FIELD_INDEX[col.target], code_table(col.codes or {}))
    if kind == "year":
        return _year_setter(name, FIELD_INDEX[col.target or "year"], current_year)
    if kind == "multi":
        yes_i, known_i = GROUP_SLOTS[col.target]
        return _multi_setter(name, yes_i, known_i, col.target, code_table(col.codes or {}))
    if kind == "country":
        return _country_setter(name, col.target)
    if kind == "id":
        return _id_setter(name)
    if kind == "language":
        return _language_setter(name, FIELD_INDEX[col.target or ""])
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
                problems.append((name, artefact(value) or "unknown-code"))
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
            problems.append((name, artefact(value) or "not-a-year"))
            return
        if year < FIRST_YEAR:
            problems.append((name, "year-out-of-range"))
        elif year > current_year:
            problems.append((name, "future-year"))
        else:
            rec[slot] = year

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
                problems.append((name, artefact(value) or "unknown-code"))
                return
            yes |= bit
        rec[yes_i] = (rec[yes_i] or 0) | yes
        rec[known_i] = everything

    return setter


def country_lookup(unknown: Iterable[str] = ()) -> dict[str, tuple[str, str | None]]:
    """ISO code (alpha-2 or alpha-3, any case) → (iso3, region), plus codes meaning unknown."""
    table: dict[str, tuple[str, str | None]] = {}
    for c in geo.countries():
        for key in (c.iso3, c.iso3.lower(), c.iso2, c.iso2.lower()):
            table[key] = (c.iso3, c.region)
    for u in unknown:
        table[u] = ("unknown", "unknown")
    return table


@cache
def country_table() -> dict[str, tuple[str, str | None]]:
    return country_lookup(UNKNOWN_COUNTRY)


def _country_setter(name: str, target: str | None) -> Setter:
    table = country_table()
    slot = FIELD_INDEX[target]
    region_slot = FIELD_INDEX[
        "citizenship_region" if target == "citizenship" else "exploitation_region"
    ]

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        if not value:
            return
        first = value.split(";", 1)[0].strip()
        hit = table.get(first) or table.get(first.upper())
        if hit is None:
            problems.append((name, artefact(value) or "unknown-code"))
            return
        rec[slot], rec[region_slot] = hit

    return setter


def _id_setter(name: str) -> Setter:
    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        value = value.replace("\x00", "").strip()  # databases refuse NUL in text
        if value:
            rec[0] = value[:128]

    return setter


def _int_setter(name: str, slot: int, bands: dict[str, Any] | None) -> Setter:
    """Whole number; with ``bands`` ({'0-12': (0, 12), ...}) stores the band it falls in."""

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        value = value.strip()
        if not value:
            return
        if value.startswith("-") and value[1:].isdigit():
            problems.append((name, "negative-number"))
            return
        if not value.isdigit():
            problems.append((name, artefact(value) or "not-a-number"))
            return
        number = int(value)
        if bands is None:
            rec[slot] = number
            return
        band = next((b for b, (lo, hi) in bands.items() if lo <= number <= hi), None)
        if band is None:
            problems.append((name, "number-out-of-range"))
        else:
            rec[slot] = band

    return setter


@lru_cache(maxsize=4096)
def _language_code(text: str) -> str | None:
    found = geo.language(text)
    return found.alpha3 if found else None


def _language_setter(name: str, slot: int) -> Setter:
    """An ISO 639 code or English name, stored as the ISO 639-3 code."""

    def setter(value: str, rec: list[Any], problems: list[Problem]) -> None:
        value = value.strip()
        if not value:
            return
        code = _language_code(value)
        if code is None:
            problems.append((name, artefact(value) or "unknown-code"))
        else:
            rec[slot] = code

    return setter
