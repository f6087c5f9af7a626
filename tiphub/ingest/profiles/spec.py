"""The vocabulary of profiles: column specs, record slots, normal forms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tiphub.ingest.readers import DATE_MARK, FORMULA_MARK
from tiphub.records import FLAG_GROUPS, RECORD_FIELDS

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


# What Excel leaves in a CSV when it took a count or a code for a date: 5-Jan, Jan-05, 1/5/2020
DATE_LIKE = re.compile(
    r"^(\d{1,4}[-/.]){2}\d{1,4}$|^\d{1,2}[- ][A-Za-z]{3,9}\.?$|^[A-Za-z]{3,9}\.?[- ]\d{1,4}$"
)


def artefact(value: str) -> str | None:
    """The rule a spreadsheet artefact breaks (a formula, a date Excel made), if any.

    Called only on values that failed validation, so a real date column is never affected.
    """
    if value.startswith(FORMULA_MARK):
        return "formula"
    if value.startswith(DATE_MARK) or DATE_LIKE.match(value.strip()):
        return "excel-date"
    if value.startswith("="):
        return "formula"
    return None


def code_table(mapping: dict[str, Any]) -> dict[str, Any]:
    """A lookup that accepts each key as written and in normal form."""
    table: dict[str, Any] = {}
    for key, value in mapping.items():
        table[key] = value
        table[norm(key)] = value
    return table


@dataclass(frozen=True)
class Col:
    """One column a profile knows.

    kind: ``code`` (lookup in ``codes`` → ``target``), ``year``, ``flag`` (group ``target``, code
    ``code``), ``multi`` (``;``-joined codes → group ``target``), ``country`` (ISO code →
    ``target`` and its region), ``int`` (whole number → ``target`` via ``convert``),
    ``language`` (ISO 639 → ``target``), ``id``, ``identifying`` (read, never stored), ``raw``
    (read by a finisher), ``extra`` (kept as is in ``extra``).
    """

    name: str
    kind: str
    target: str | None = None
    codes: dict[str, Any] | None = None
    code: str | None = None
    aliases: tuple[str, ...] = ()
    required: bool = False
    accepted: str | None = None
