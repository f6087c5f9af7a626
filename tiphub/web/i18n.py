"""Languages of the web pages: gettext catalogues compiled in memory, and the request's language.

Every user-facing string goes through :func:`_` (Python) or ``_()`` / ``{% trans %}``
(templates). Catalogues are ``locale/<lang>/LC_MESSAGES/messages.po``, read and compiled to
``.mo`` in memory the first time a language is used, so there is no build step. A language is
offered as soon as its ``.po`` file exists (see ``locale/README.md``).

The language of a request: ``?lang=fr`` (then kept in a cookie), else the cookie, else the
best match in ``Accept-Language``, else English.

>>> with language("fr"):
...     _("Sign in")
'Se connecter'
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
LANG_COOKIE = "tiphub_lang"
LANG_PARAM = "lang"

_current: ContextVar[str] = ContextVar("tiphub_web_language", default=DEFAULT)


@cache
def available() -> tuple[str, ...]:
    """Languages with a catalogue, English first."""
    found = sorted(p.parents[1].name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
    return tuple(sorted(set(found) | {DEFAULT}, key=lambda code: (code != DEFAULT, code)))


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (an empty one for an unknown language)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain="messages")


def current() -> str:
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Translate into ``lang`` within the block."""
    token = _current.set(lang if lang in available() else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def activate(lang: str) -> None:
    """Translate into ``lang`` for the rest of the current context (one request)."""
    _current.set(lang if lang in available() else DEFAULT)


# -- gettext ------------------------------------------------------------------------------


def _(message: str, **values: Any) -> str:
    """``message`` in the current language, ``%(name)s`` placeholders filled from ``values``."""
    text = translations(current()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    text = translations(current()).ngettext(singular, plural, num)
    return text % {"num": num, **values}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def has(message: str) -> bool:
    """Whether ``message`` reads in the current language: English pages always; others when the
    catalogue translates it, or it already is one of the catalogue's translations."""
    if current() == DEFAULT:
        return True
    catalog = getattr(translations(current()), "_catalog", {})
    return bool(catalog.get(message)) or message in _translated(current())


@cache
def _translated(lang: str) -> frozenset[str]:
    catalog = getattr(translations(lang), "_catalog", {})
    return frozenset(text for text in catalog.values() if text)


def core(text: str | None) -> str:
    """A string that came from the core (a label, a title, a message): translated when the
    catalogue knows it, else as it came (English)."""
    if not text:
        return text or ""
    return translations(current()).gettext(text)


# -- languages, names and numbers ------------------------------------------------------------


def negotiate(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The language of a request (see the module docstring)."""
    offered = available()
    for choice in (query, cookie):
        if choice and choice in offered:
            return choice
    for tag in _accepted(accept or ""):
        primary = tag.split("-")[0]
        if primary in offered:
            return primary
    return DEFAULT


def _accepted(header: str) -> list[str]:
    """Language tags of an ``Accept-Language`` header, most wanted first."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, i, tag.strip().lower()))
    return [tag for _q, _i, tag in sorted(ranked)]


@cache
def locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)


def direction(lang: str) -> str:
    """``rtl`` for languages written right to left (Arabic), else ``ltr``."""
    return "rtl" if locale(lang).character_order == "right-to-left" else "ltr"


def display_name(lang: str) -> str:
    """A language's name in that language ("Français")."""
    name = locale(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def number(value: int | float) -> str:
    return format_decimal(value, locale=locale(current()))


def percent(value: float, digits: int = 1) -> str:
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(value, format=pattern, locale=locale(current()))


@cache
def _country_catalogue(lang: str) -> _gettext.NullTranslations:
    return _gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                fallback=True)


def country_name(english: str) -> str:
    """An ISO 3166 English short name in the current language (pycountry's translations)."""
    if current() == DEFAULT:
        return english
    return _country_catalogue(current()).gettext(english)
