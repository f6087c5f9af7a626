"""Realistic names for the national demo, and the ways organisations write them down.

A person's :class:`Identity` is drawn once from the naming culture of their citizenship
(``data/names.json``); each organisation then *renders* it: in the person's own script
(as copied from an origin-country document) or in Latin letters, with one of several
transliterations or spellings, with or without diacritics.

>>> import random
>>> who = draw_identity(random.Random(3), "UKR", "female")
>>> who.given.native is not None
True
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from tiphub.vocab import geo

from .translit import SYSTEMS, transliterate


@dataclass(frozen=True)
class NamePart:
    """One name: its own script (if not Latin) and its Latin spellings, usual one first."""

    native: str | None
    latin: tuple[str, ...]
    translit: str | None = None  # Cyrillic names: the language to transliterate from

    def spell(self, system: str, variant: int) -> str:
        if self.translit and self.native:
            return transliterate(self.native, self.translit, system)
        return self.latin[min(variant, len(self.latin) - 1)]

    @property
    def spellings(self) -> int:
        return len(SYSTEMS) if self.translit else len(self.latin)


@dataclass(frozen=True)
class Identity:
    """The true name of a person: given, optional middle, zero to two family names."""

    culture: str
    given: NamePart
    middle: NamePart | None
    family: tuple[NamePart, ...]
    family_first: bool
    native_ok: bool  # may appear in its own script on an origin-country document


@dataclass(frozen=True)
class Style:
    """How an organisation writes names down (probabilities per record)."""

    native: float = 0.03       # copy the name in its own script
    variant: float = 0.3       # use a less usual Latin spelling
    strip: float = 0.6         # drop diacritics
    systems: tuple[float, ...] = (0.35, 0.35, 0.1, 0.1, 0.1)  # transliteration systems


@cache
def _data() -> dict[str, Any]:
    text = resources.files("tiphub.demo").joinpath("data").joinpath("names.json").read_text("utf-8")
    return json.loads(text)


def culture_of(country: str) -> tuple[str, str]:
    """``(culture, ISO 639 language)`` for an ISO alpha-3 citizenship."""
    data = _data()
    if country in data["countries"]:
        culture, language = data["countries"][country]
        return culture, language
    culture = data["region_fallback"].get(geo.region_of(country) or "Europe",
                                          data["region_fallback"]["Europe"])
    return culture, "eng"


def secondary_language(country: str) -> str:
    """The usual second language of a citizenship (English when none is listed)."""
    return _data()["secondary_languages"].get(country, "eng")


def _part(token: str, gender: str, rnd: random.Random, translit: str | None) -> NamePart:
    forms = token.split("|")
    if len(forms) > 1:
        pick = {"male": 0, "female": 1}.get(gender, rnd.randrange(2))
        token = forms[pick]
    if "=" in token:
        native, latin = token.split("=", 1)
        return NamePart(native, tuple(latin.split("/")))
    if translit:
        return NamePart(token, (), translit)
    return NamePart(None, tuple(token.split("/")))


def _given_list(spec: dict[str, Any], gender: str, rnd: random.Random) -> list[str]:
    if gender == "other":
        gender = rnd.choice(("male", "female"))
    return spec["given_m" if gender == "male" else "given_f"]


def draw_identity(rnd: random.Random, country: str, gender: str) -> Identity:
    """A person's true name (``gender`` is ``female``, ``male`` or ``other``)."""
    culture, _ = culture_of(country)
    spec = _data()["cultures"][culture]
    tl = spec.get("translit")
    given_token = rnd.choice(_given_list(spec, gender, rnd))
    given = _part(given_token, gender, rnd, tl)
    middle = None
    if rnd.random() < spec["middle_rate"]:
        middle = _middle(spec, gender, rnd, given_token)
    family = [_part(rnd.choice(spec["family"]), gender, rnd, tl)]
    if rnd.random() < spec.get("double_family", 0.0):
        family.append(_part(rnd.choice(spec["family"]), gender, rnd, tl))
    natives = spec.get("native_countries")
    native_ok = spec["script"] != "Latn" and (natives is None or country in natives)
    return Identity(culture, given, middle, tuple(family), spec["order"] == "family-given",
                    native_ok)


def _middle(spec: dict[str, Any], gender: str, rnd: random.Random, given: str) -> NamePart | None:
    kind = spec["middle"]
    tl = spec.get("translit")
    if kind == "given":
        options = [n for n in _given_list(spec, gender, rnd) if n != given]
    elif kind == "father":
        options = spec["given_m"]
    elif kind == "patronymic":
        options = spec["patronymic"]
    elif kind == "family":
        options = spec["family"]
    elif kind == "list":
        options = spec["middle_m" if gender == "male" else "middle_f"]
    else:
        return None
    return _part(rnd.choice(options), gender, rnd, tl)


def strip_diacritics(text: str) -> str:
    """``Nguyễn`` -> ``Nguyen``, ``Łukasz`` -> ``Lukasz`` (letters without a base kept)."""
    text = text.translate(_NO_DECOMPOSITION)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_NO_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "ß": "ss"})


def render(who: Identity, rnd: random.Random, style: Style) -> tuple[str, str, str]:
    """``(first, middle, second)`` as one organisation writes this person's name."""
    parts = [who.given, who.middle, *who.family]
    if who.native_ok and rnd.random() < style.native:
        first, middle, *family = (p.native if p else "" for p in parts)
        return first or "", middle or "", " ".join(f for f in family if f)
    system = rnd.choices(SYSTEMS, weights=style.systems)[0]
    strip = rnd.random() < style.strip
    out = []
    for part in parts:
        if part is None:
            out.append("")
            continue
        variant = 0
        if part.spellings > 1 and rnd.random() < style.variant:
            variant = rnd.randrange(1, part.spellings)
        text = part.spell(system, variant)
        out.append(strip_diacritics(text) if strip else text)
    first, middle, *family = out
    return first, middle, " ".join(family)
