"""Preparing HTCDS person fields for the default linkage schema (``data/htcds_schema.json``).

Organisations write the same person differently: in the person's own script or in one of
several Latin spellings, given and family name swapped or merged, a patronymic in the middle
name or in the surname, day and month swapped, the birth year off by one, citizenship as
alpha-2 or alpha-3. Everything here maps those to one comparable form *before* encoding,
because after encoding nothing can be repaired. Each function is pure and cheap, and none of
them logs or raises with a value (values are personal data).

The features (see the schema for their bit budgets):

- ``name``: every name part, transliterated to lower-case ASCII (anyascii), without
  diacritics, punctuation or honorifics, duplicates dropped, parts *sorted* and joined by a
  space: the same bigrams whatever field or order the parts were written in.
- ``name_skeleton``: each part's consonant skeleton (vowels and semivowels dropped, a few
  consonants merged), sorted. Arabic and Persian script write few vowels, so ``أسماء حسن``
  (anyascii ``'sm' hsn``) and ``Asmaa Hasan`` both give ``hsn sm``; Latin spellings of one
  Cyrillic name (Volodymyr / Wolodymyr / Volodimir) collapse as well.
- ``birth_year``: YYYY as positional digits, so a year off by one keeps 3 of 4 tokens.
- ``birth_daymonth``: day and month as the two numbers sorted, so a day/month swap changes
  nothing; 1 January is treated as unknown (the usual placeholder for estimated dates).
- ``sex``: ``f`` / ``m``; anything else is missing.
- ``citizenship``: ISO alpha-3.
- ``document``: the document number in upper case, letters and digits only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from anyascii import anyascii

from tiphub.ingest.readers import DATE_MARK

NAME_COLUMNS = ("prs_FirstName", "prs_MiddleName", "prs_SecondName")
HTCDS_SOURCE_COLUMNS = (*NAME_COLUMNS, "prs_Birthdate", "prs_DocumentNumber", "prs_Gender",
                        "prs_Citizenship")
FEATURES = ("name", "name_skeleton", "birth_year", "birth_daymonth", "sex", "citizenship",
            "document")

HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir madam mme mlle mister missus herr frau sr sra srta sig "
    "sheikh shaikh haji hajji sayyid pan pani gospodin gospozha".split()
)
ARTICLES = frozenset(("al", "el"))
_ARABIC_ARTICLE = re.compile(r"(?<!\S)ال(?=\S{2,})")
_NOT_NAME = re.compile(r"[^a-z\s-]+")
_SPLIT = re.compile(r"[\s-]+")
_SKELETON_MAP = str.maketrans({"c": "k", "q": "k", "z": "s", "v": "w", "x": "k"})
_SKELETON_DROP = re.compile(r"[aeiouywj]+")
_REPEATS = re.compile(r"(.)\1+")
_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_DOC = re.compile(r"[^A-Z0-9]+")
FEMININE = frozenset(("feminine", "female", "f", "woman", "girl"))
MASCULINE = frozenset(("masculine", "male", "m", "man", "boy"))


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=1 << 16)
def name_parts(text: str) -> tuple[str, ...]:
    """Lower-case ASCII name parts, without punctuation, honorifics or empty parts.

    Han characters are spelled one syllable each ("王小明" -> wang, xiao, ming) because
    anyascii runs them together in CamelCase.
    """
    if not text:
        return ()
    if "\u0600" <= max(text) and _ARABIC_ARTICLE.search(text):
        text = _ARABIC_ARTICLE.sub("", text)
    if _has_han(text):
        text = " ".join(anyascii(ch) if "\u3400" <= ch <= "\u9fff" else ch for ch in text)
    ascii_text = anyascii(unicodedata.normalize("NFC", text)).lower()
    ascii_text = _NOT_NAME.sub("", ascii_text.replace(".", " ").replace(",", " "))
    return tuple(p for p in _SPLIT.split(ascii_text) if p and p not in HONORIFICS)


@lru_cache(maxsize=1 << 16)
def skeleton(part: str) -> str:
    """A name part's consonant skeleton: 'hassan' -> 'hsn', 'fatimah' -> 'ftm'."""
    if part.startswith("ph"):
        part = "f" + part[2:]
    text = part.replace("ph", "f").replace("ck", "k").replace("sch", "sh").translate(_SKELETON_MAP)
    text = _REPEATS.sub(r"\1", _SKELETON_DROP.sub("", text))
    if len(text) > 1 and text.endswith("h"):
        text = text[:-1]
    return text


def prepare_name(*fields: str) -> tuple[str, str]:
    """(name, name_skeleton) values from all name fields, in any order."""
    parts: list[str] = []
    for value in fields:
        parts.extend(name_parts(value.strip()) if value else ())
    parts = [p for p in parts if p not in ARTICLES] or parts
    unique = sorted(set(parts))
    skeletons = sorted({s for s in (skeleton(p) for p in _glue_articles(parts)) if s})
    return " ".join(unique), " ".join(skeletons)


def _glue_articles(parts: list[str]) -> list[str]:
    """Arabic script writes the article joined ('lhsn'); so do some Latin spellings."""
    return [p[2:] if len(p) > 4 and p[:2] in ARTICLES else p for p in parts]


def prepare_birthdate(value: str) -> tuple[str, str]:
    """(birth_year, birth_daymonth) from an ISO date; empty strings where unknown."""
    if value.startswith(DATE_MARK):  # a spreadsheet date cell (tiphub.ingest.readers)
        value = value[len(DATE_MARK):]
    match = _DATE.match(value)
    if not match:
        return "", ""
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return year, ""
    if month == 1 and day == 1:
        return year, ""
    low, high = sorted((day, month))
    return year, f"{low:02d}{high:02d}"


def prepare_sex(value: str) -> str:
    text = (value or "").strip().lower()
    if text in FEMININE:
        return "f"
    if text in MASCULINE:
        return "m"
    return ""


@lru_cache(maxsize=1024)
def prepare_citizenship(value: str) -> str:
    """ISO alpha-3 for an alpha-2 or alpha-3 code (or a country name); empty when unknown."""
    text = (value or "").strip()
    if not text:
        return ""
    from tiphub.vocab.geo import country

    found = country(text.upper()) if len(text) <= 3 else country(text)
    return found.iso3 if found else ""


def prepare_document(value: str) -> str:
    return _DOC.sub("", anyascii(value or "").upper())


def prepare_htcds(row: Mapping[str, str]) -> dict[str, str]:
    """The default schema's feature values for one HTCDS person row (missing columns = empty)."""
    name, name_skel = prepare_name(*(row.get(c) or "" for c in NAME_COLUMNS))
    year, daymonth = prepare_birthdate(row.get("prs_Birthdate") or "")
    return {
        "name": name,
        "name_skeleton": name_skel,
        "birth_year": year,
        "birth_daymonth": daymonth,
        "sex": prepare_sex(row.get("prs_Gender") or ""),
        "citizenship": prepare_citizenship(row.get("prs_Citizenship") or row.get("prs_Nationality") or ""),
        "document": prepare_document(row.get("prs_DocumentNumber") or ""),
    }
