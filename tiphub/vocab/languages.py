"""ISO 639 languages from pycountry: codes (639-1, 639-2 B and T, 639-3, 639-5 families)
and names in English, with French and Spanish names of the major languages.

>>> language("fre").alpha3, language("Tigrinya").alpha2, language("Farsi").name
('fra', 'ti', 'Persian')
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from tiphub.vocab._text import lookup_key, read_csv


@dataclass(frozen=True)
class Language:
    alpha3: str  # ISO 639-3 (which is the 639-2/T code where one exists) or a 639-5 family
    alpha2: str | None
    name: str


@dataclass(frozen=True)
class _Index:
    codes: dict[str, Language]
    names: dict[str, Language]


def _from_pycountry(record) -> Language:
    return Language(record.alpha_3, getattr(record, "alpha_2", None), record.name)


def _ordered_records() -> list:
    """Major languages first, so that a name shared with an obscure one resolves to it."""
    languages = list(pycountry.languages)
    major = [lang for lang in languages if hasattr(lang, "alpha_2")]
    living = [lang for lang in languages if not hasattr(lang, "alpha_2") and lang.type == "L"]
    rest = [lang for lang in languages if lang not in major and lang not in living]
    return major + living + rest + list(pycountry.language_families)


def _english_names(record) -> list[str]:
    names = [getattr(record, attr, None) for attr in ("name", "common_name", "inverted_name")]
    found = [name for name in names if name]
    return found + [re.sub(r"\s*\(.*?\)", "", name) for name in found if "(" in name]


def _translated_names(record) -> list[str]:
    if not hasattr(record, "alpha_2"):
        return []
    return [tr.gettext(record.name) for tr in _translations()]


@cache
def _translations() -> tuple[gettext.NullTranslations, ...]:
    return tuple(
        gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("fr", "es")
    )


@cache
def _index() -> _Index:
    codes: dict[str, Language] = {}
    names: dict[str, Language] = {}
    for record in _ordered_records():
        lang = _from_pycountry(record)
        for attr in ("alpha_3", "alpha_2", "bibliographic"):
            if code := getattr(record, attr, None):
                codes.setdefault(code.lower(), lang)
        for name in _english_names(record) + _translated_names(record):
            names.setdefault(lookup_key(name), lang)
    for row in read_csv("language_aliases.csv"):
        names[lookup_key(row["alias"])] = codes[row["alpha3"]]
    return _Index(codes, names)


_CODE = re.compile(r"[A-Za-z]{2,3}")


@lru_cache(maxsize=4096)
def language(code_or_name: str) -> Language | None:
    """A language from its ISO 639-1, 639-2 (B or T), 639-3 or 639-5 code or its name in
    English (French and Spanish names for the major languages); ``None`` when unknown.

    A two- or three-letter word in one case (``"ga"``, ``"GER"``) is read as a code first;
    in mixed case (``"Ga"``, ``"Ewe"``) as a name first."""
    text = code_or_name.strip()
    index = _index()
    by_code = index.codes.get(text.lower()) if _CODE.fullmatch(text) else None
    if by_code and (text.islower() or text.isupper()):
        return by_code
    return index.names.get(lookup_key(text)) or by_code
