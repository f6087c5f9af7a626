"""ISIC Rev.4 sections A–U (``data/isic_sections.csv``), the industry picklist of HTCDS.

>>> isic_section("t").title.startswith("Activities of households as employers")
True
>>> isic_section("01.13").code  # a division, group or class resolves to its section
'A'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tiphub.vocab._text import lookup_key, read_csv


@dataclass(frozen=True)
class IsicSection:
    code: str
    title: str


@dataclass(frozen=True)
class _Tables:
    sections: dict[str, IsicSection]
    by_division: dict[str, str]
    by_title: dict[str, str]


@cache
def _tables() -> _Tables:
    sections: dict[str, IsicSection] = {}
    by_division: dict[str, str] = {}
    for row in read_csv("isic_sections.csv"):
        code = row["section"]
        sections[code] = IsicSection(code, row["title"])
        first, last = (int(part) for part in row["divisions"].split("-"))
        by_division.update({f"{d:02d}": code for d in range(first, last + 1)})
    by_title = {lookup_key(s.title): s.code for s in sections.values()}
    return _Tables(sections, by_division, by_title)


_SECTION = re.compile(r"(?:section\s*)?([a-u])", re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{2})(?:\.?\d{1,2})?")


def isic_section(code: str) -> IsicSection | None:
    """The section of a section letter, a numeric ISIC code (``"01"``, ``"0113"``,
    ``"01.13"``) or a section title; ``None`` when nothing matches."""
    tables = _tables()
    text = code.strip()
    if match := _SECTION.fullmatch(text):
        return tables.sections[match.group(1).upper()]
    if match := _NUMERIC.fullmatch(text):
        letter = tables.by_division.get(match.group(1))
        return tables.sections[letter] if letter else None
    letter = tables.by_title.get(lookup_key(text))
    return tables.sections[letter] if letter else None


def isic_sections() -> list[IsicSection]:
    """All 21 sections, A to U."""
    return list(_tables().sections.values())
