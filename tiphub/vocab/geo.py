"""Countries and regions: ISO 3166 (pycountry) with UN M49 regions, found by code, by name or
by demonym in English, French and Spanish; free-text citizenship labels mapped onto them.
Languages (ISO 639) and ISIC sections are re-exported from their own modules.

>>> country("nigérianes").iso3, country("NA").name, region_of("VNM")
('NGA', 'Namibia', 'Asia')
>>> result = map_country_labels(["Viet Nam", "Other West African countries", "Atlantis"])
>>> result.mapped, result.special, result.unmapped
({'Viet Nam': 'VNM'}, {'Other West African countries': 'region:Western Africa'}, {'Atlantis': 1})
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from tiphub.errors import NotFound
from tiphub.vocab._text import lookup_key, read_csv, tokens
from tiphub.vocab.isic import IsicSection, isic_section, isic_sections
from tiphub.vocab.languages import Language, language

__all__ = [
    "Country", "IsicSection", "LabelMapping", "Language", "area", "countries", "countries_in",
    "country", "country_by_iso3", "intermediate_regions", "isic_section", "isic_sections",
    "language", "map_country_labels", "region_of", "regions", "subregion_of", "subregions",
]


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    m49: str  # the ISO 3166 numeric / M49 code, 3 digits; "" for Kosovo, which has none
    name: str  # ISO 3166 English short name ("Kosovo" for XKX)
    region: str  # UN M49 region; "" for Antarctica, which M49 places in none
    subregion: str
    intermediate_region: str | None


@dataclass(frozen=True)
class LabelMapping:
    mapped: dict[str, str]  # label -> iso3
    unmapped: dict[str, int]  # label -> how many times it occurred
    special: dict[str, str]  # label -> unknown | stateless | other | domestic | foreign |
    #                          region:<M49 area> | group:EU


# -- the country table ---------------------------------------------------------------------


@cache
def _table() -> dict[str, Country]:
    rows = sorted(read_csv("m49.csv"), key=lambda row: row["iso3"])
    return {row["iso3"]: _country_from_row(row) for row in rows}


def _country_from_row(row: dict[str, str]) -> Country:
    record = pycountry.countries.get(alpha_3=row["iso3"])
    return Country(
        iso2=row["iso2"], iso3=row["iso3"], m49=row["m49"],
        name=record.name if record else "Kosovo",
        region=row["region"], subregion=row["subregion"],
        intermediate_region=row["intermediate_region"] or None,
    )


def countries() -> list[Country]:
    """Every ISO 3166 country plus Kosovo (XKX), sorted by alpha-3 code."""
    return list(_table().values())


def country_by_iso3(iso3: str) -> Country:
    """The country with this alpha-3 code; ``KeyError`` if there is none."""
    return _table()[iso3.upper()]


# -- regions -------------------------------------------------------------------------------


def regions() -> list[str]:
    """The five UN M49 regions: Africa, Americas, Asia, Europe, Oceania."""
    return sorted({c.region for c in countries() if c.region})


def subregions() -> list[str]:
    """The 17 UN M49 sub-regions ("Sub-Saharan Africa", "Western Asia", ...)."""
    return sorted({c.subregion for c in countries() if c.subregion})


def intermediate_regions() -> list[str]:
    """The UN M49 intermediate regions ("Western Africa", "Caribbean", ...)."""
    return sorted({c.intermediate_region for c in countries() if c.intermediate_region})


def region_of(iso3: str) -> str | None:
    """The M49 region of a country, ``None`` for an unknown code or Antarctica."""
    found = _table().get(iso3.upper())
    return (found.region or None) if found else None


def subregion_of(iso3: str) -> str | None:
    """The M49 sub-region of a country, ``None`` for an unknown code or Antarctica."""
    found = _table().get(iso3.upper())
    return (found.subregion or None) if found else None


@cache
def _areas() -> dict[str, str]:
    names = set(regions()) | set(subregions()) | set(intermediate_regions())
    found = {lookup_key(name): name for name in names}
    for row in read_csv("area_aliases.csv"):
        found.setdefault(lookup_key(row["alias"]), row["area"])
    return found


def area(text: str) -> str | None:
    """The M49 name of a region, sub-region or intermediate region written in English,
    French or Spanish ("West Africa", "Afrique de l'Ouest" -> "Western Africa")."""
    return _areas().get(lookup_key(text))


def countries_in(area_name: str) -> list[Country]:
    """The countries of an M49 region, sub-region or intermediate region."""
    name = area(area_name)
    return [c for c in countries() if name in (c.region, c.subregion, c.intermediate_region)]


# -- the name index ------------------------------------------------------------------------

# Levels, best first: a name met at a better level is never taken by a worse one, and a name
# two countries share at the same level is ambiguous and resolves to nothing.
_ALIAS, _ISO_NAME, _SHORT_FORM, _DEMONYM = range(4)
_AMBIGUOUS = ""
_BRACKETS = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*")


@cache
def _translations() -> tuple[gettext.NullTranslations, ...]:
    return tuple(
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("fr", "es")
    )


def _iso_names(record) -> list[str]:
    english = [getattr(record, a, None) for a in ("name", "official_name", "common_name")]
    english = [name for name in english if name]
    return english + [tr.gettext(name) for tr in _translations() for name in english]


def _variants(name: str) -> tuple[list[str], list[str]]:
    """Full forms ("Korea, Republic of" -> "Republic of Korea") and short forms ("Korea")."""
    full, short = [name], []
    if ", " in name:
        head, tail = name.split(", ", 1)
        full.append(f"{tail} {head}")
        short.append(head)
    if _BRACKETS.search(name):
        short.append(_BRACKETS.sub(" ", name))
    full += [f[4:] for f in full if f.lower().startswith("the ")]
    return full, short


def _is_abbreviation(alias: str) -> bool:
    return not any(ch.islower() for ch in alias)


@cache
def _abbreviations() -> dict[str, str]:
    """Upper-case aliases ("UK", "DRC", "EE. UU."): they match upper-case text only, so that
    "us" or "Uk" is not read as a country."""
    rows = read_csv("country_aliases.csv")
    return {lookup_key(r["alias"]): r["iso3"] for r in rows if _is_abbreviation(r["alias"])}


def _name_entries() -> list[tuple[int, str, str]]:
    aliases = [row for row in read_csv("country_aliases.csv") if not _is_abbreviation(row["alias"])]
    entries = [(_ALIAS, row["alias"], row["iso3"]) for row in aliases]
    entries.append((_ISO_NAME, "Kosovo", "XKX"))
    for record in pycountry.countries:
        for name in _iso_names(record):
            full, short = _variants(name)
            entries += [(_ISO_NAME, n, record.alpha_3) for n in full]
            entries += [(_SHORT_FORM, n, record.alpha_3) for n in short]
    for row in read_csv("demonyms.csv"):
        forms = (row["masculine"], row["feminine"], row["masculine_plural"], row["feminine_plural"])
        entries += [(_DEMONYM, form, row["iso3"]) for form in forms if form]
    return sorted(entries, key=lambda entry: entry[0])


@cache
def _names() -> dict[str, str]:
    """Folded name -> iso3, or ``_AMBIGUOUS``."""
    index: dict[str, tuple[int, str]] = {}
    for level, text, iso3 in _name_entries():
        key = lookup_key(text)
        seen = index.get(key)
        if key and seen is None:
            index[key] = (level, iso3)
        elif seen and seen[0] == level and seen[1] != iso3:
            index[key] = (level, _AMBIGUOUS)
    return {key: iso3 for key, (_, iso3) in index.items()}


@cache
def _codes() -> dict[str, str]:
    found: dict[str, str] = {}
    for c in countries():
        found.update({c.iso2: c.iso3, c.iso3: c.iso3})
        if c.m49:
            found[c.m49] = c.iso3
    return found


# -- resolving one text --------------------------------------------------------------------

_UPPER_CODE = re.compile(r"[A-Z]{2,3}")
_NUMERIC = re.compile(r"\d{1,3}")
# Words around a country name or demonym that do not change which country it is.
_FILLER_LEADING = frozenset(
    "the la le les l el los las of from de del des du d country citizens citizen nationals "
    "national nationality nationalite nacionalidad citizenship people persons victims "
    "ressortissants ressortissant ressortissante ressortissantes citoyens citoyen ciudadanos "
    "ciudadano ciudadanas ciudadana nacionales".split()
)
_FILLER_TRAILING = frozenset(
    "nationals national citizens citizen citizenship nationality people persons victims "
    "origin".split()
)
# Names whose bracketed qualifier may name another country ("Sudan (South)"): when the
# qualifier is not understood, the name alone is not trusted.
_VAGUE_ROOTS = frozenset(
    "congo guinea guinee sudan soudan ireland irlande irlanda irish samoa samoan guinean "
    "sudanese korea".split()
)
# Territories and the country they lie within, to read "Chinese (Hong Kong)" as Hong Kong.
_WITHIN = {
    **dict.fromkeys(("HKG", "MAC", "TWN"), "CHN"),
    **dict.fromkeys(("PRI", "GUM", "VIR", "ASM", "MNP", "UMI"), "USA"),
    **dict.fromkeys(("GRL", "FRO"), "DNK"),
    **dict.fromkeys(("ABW", "CUW", "SXM", "BES"), "NLD"),
    **dict.fromkeys(("BMU", "CYM", "VGB", "GIB", "AIA", "MSR", "TCA", "FLK", "SHN", "PCN",
                     "IOT", "SGS", "GGY", "JEY", "IMN"), "GBR"),
    **dict.fromkeys(("GLP", "MTQ", "GUF", "REU", "MYT", "NCL", "PYF", "SPM", "WLF", "BLM",
                     "MAF", "ATF"), "FRA"),
    **dict.fromkeys(("CXR", "CCK", "NFK", "HMD"), "AUS"),
    **dict.fromkeys(("COK", "NIU", "TKL"), "NZL"),
    **dict.fromkeys(("SJM", "BVT"), "NOR"),
    "ALA": "FIN",
}


def _by_code(text: str) -> str | None:
    if _NUMERIC.fullmatch(text):
        return _codes().get(text.zfill(3))
    if _UPPER_CODE.fullmatch(text):
        return _codes().get(text) or _abbreviations().get(text.lower())
    if _is_abbreviation(text):
        return _abbreviations().get(lookup_key(text))
    return None


def _trim(words: list[str], leading: frozenset[str], trailing: frozenset[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in leading:
        start += 1
    while end > start and (words[end - 1] in trailing or words[end - 1].isdigit()):
        end -= 1
    return words[start:end]


def _resolve(text: str) -> str | None:
    text = text.strip()
    if found := _by_code(text):
        return found
    words = tokens(text)
    found = _names().get("".join(words))
    if found is not None:
        return found or None
    if _BRACKETS.search(text):
        return _resolve_bracketed(text)
    trimmed = _trim(words, _FILLER_LEADING, _FILLER_TRAILING)
    if trimmed and trimmed != words:
        return _names().get("".join(trimmed)) or None
    return None


def _resolve_bracketed(text: str) -> str | None:
    outer_text = _BRACKETS.sub(" ", text)
    inner = _resolve(" ".join(_BRACKETS.findall(text)))
    outer = _resolve(outer_text)
    if inner and outer and inner != outer:
        return _within_the_other(inner, outer)
    if inner:
        return inner
    return outer if outer and lookup_key(outer_text) not in _VAGUE_ROOTS else None


def _within_the_other(first: str, second: str) -> str | None:
    """The one of two countries that lies within the other, if either does."""
    if _WITHIN.get(first) == second:
        return first
    return second if _WITHIN.get(second) == first else None


@lru_cache(maxsize=8192)
def country(text: str) -> Country | None:
    """The country that ``text`` names: an ISO alpha-2 or alpha-3 code (upper case: "NA" is
    Namibia), an M49 numeric code, a name or a demonym in English, French or Spanish, in any
    case, with or without accents and punctuation. ``None`` when nothing matches, or when the
    text fits two countries equally well ("Congolese", "Korea").

    >>> [country(text).iso3 for text in ("Côte d’Ivoire", "vietnamita", "Chinese (Hong Kong)")]
    ['CIV', 'VNM', 'HKG']
    """
    iso3 = _resolve(text)
    return _table()[iso3] if iso3 else None


# -- citizenship labels ----------------------------------------------------------------------

_REST_LEADING = frozenset(
    "other others all rest remaining of the from in en otros otras otro otra resto autres "
    "autre reste de del des du d la el los las l countries country pays paises nationals "
    "citizens nationalities".split()
)
_REST_TRAILING = frozenset(
    "countries country nationals nationalities nationality citizens pays paises nacionalidades "
    "nationalites region regions area other others otros otras autres member states state "
    "n e s nes nec".split()
)


@cache
def _specials() -> dict[str, str]:
    return {lookup_key(row["label"]): row["code"] for row in read_csv("special_labels.csv")}


def _group_label(text: str) -> str | None:
    """A region or group behind "Other West African countries", "Autres pays d'Asie", ..."""
    words = _trim(tokens(text), _REST_LEADING, _REST_TRAILING)
    key = "".join(words)
    if name := _areas().get(key):
        return f"region:{name}"
    code = _specials().get(key) if key else None
    return code if code and code.startswith("group:") else None


@lru_cache(maxsize=8192)
def _classify(label: str) -> tuple[str, str] | None:
    """("country", iso3), ("special", code), or None when the label is not understood."""
    text = label.strip()
    if found := _by_code(text):
        return "country", found
    key = lookup_key(text)
    if not key and not any(ch.isalpha() for ch in text):
        return "special", "unknown"
    if code := _specials().get(key):
        return "special", code
    if found_country := country(text):
        return "country", found_country.iso3
    if code := _group_label(text):
        return "special", code
    return None


def map_country_labels(labels: Iterable[str]) -> LabelMapping:
    """Map free-text citizenship labels (the Category column of UNODC's Global Report "by
    citizenship" rows) to ISO alpha-3 codes, recognise non-country categories ("Unknown",
    "Stateless", "Other", "Nationals", "Other West African countries", "EU") and report the
    labels left unmapped, with how often each occurred."""
    mapped: dict[str, str] = {}
    special: dict[str, str] = {}
    unmapped: Counter[str] = Counter()
    for label in labels:
        result = _classify(label)
        if result is None:
            unmapped[label] += 1
        elif result[0] == "country":
            mapped[label] = result[1]
        else:
            special[label] = result[1]
    return LabelMapping(mapped=mapped, unmapped=dict(unmapped), special=special)


def iso3_of(text: str) -> str:
    """The ISO3 code of a country a user named (code or name); :class:`NotFound` otherwise."""
    found = country(text.upper() if len(text.strip()) <= 3 else text)
    if found is None:
        raise NotFound(f"unknown country {text[:60]!r}", hint="use an ISO 3166 code, e.g. GBR")
    return found.iso3
