"""Languages: every string the pages use is in every catalogue, translated; French pages have no
English left in their chrome; the language follows ?lang=, its cookie and Accept-Language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import Page

import tiphub.web
from tiphub.accounts.service import MIN_PASSWORD
from tiphub.ingest.rules import FIXES, RULES
from tiphub.reports.views import FIELD_LABELS
from tiphub.stats.dimensions import COMMON_LABELS, DIMENSIONS
from tiphub.stats.tables import TABLES
from tiphub.vocab import geo
from tiphub.vocab.codes import ANALYTIC
from tiphub.web import i18n

WEB = Path(tiphub.web.__file__).parent
LOCALE = WEB / "locale"
TRANSLATED = [lang for lang in i18n.available() if lang != i18n.DEFAULT]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> set[str]:
    """Every msgid in the Python code and the templates, as ``pybabel extract`` finds them."""
    with (WEB / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map, options_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


def test_french_and_english_are_offered() -> None:
    assert {"en", "fr"} <= set(i18n.available())


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_has_a_translation(lang: str) -> None:
    ids = extracted()
    assert len(ids) > 300
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(lang) if m.id}
    missing = sorted(ids - set(messages))
    assert missing == [], f"run pybabel update (see tiphub/web/locale/README.md): {missing[:10]}"
    untranslated = sorted(i for i in ids if not all(
        messages[i].string if isinstance(messages[i].string, tuple) else (messages[i].string,)))
    assert untranslated == [], f"{lang}: not translated yet: {untranslated[:10]}"
    fuzzy = sorted(i for i in ids if messages[i].fuzzy)
    assert fuzzy == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang: str) -> None:
    for m in catalogue(lang):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"num"}
        for text in strings:
            assert wanted <= set(PLACEHOLDER.findall(text)), (m.id, text)


def test_catalogues_follow_the_code() -> None:
    ids = extracted()
    for lang in ("en", *TRANSLATED):
        stale = sorted({m.id if isinstance(m.id, str) else m.id[0]
                        for m in catalogue(lang) if m.id} - ids)
        assert stale == [], f"{lang}: entries no longer in the code: {stale[:10]}"


def core_strings() -> set[str]:
    """The English strings the core can show on the dashboard and in forms today."""
    out = {t.title for t in TABLES.values()} | set(COMMON_LABELS.values())
    for dim in DIMENSIONS.values():
        out |= {dim.label, *dim.labels.values()}
    for labels in ANALYTIC.labels.values():
        out |= set(labels.values())
    for group in ANALYTIC.groups.values():
        out |= {group.label, *group.labels.values()}
    out |= set(geo.regions()) | set(FIELD_LABELS.values()) | set(RULES.values()) | set(FIXES.values())
    out.add(f"a password needs at least {MIN_PASSWORD} characters")
    return out


def test_core_strings_shown_on_the_pages_are_in_the_catalogue() -> None:
    missing = sorted(core_strings() - extracted())
    assert missing == [], f"add them to tiphub/web/core_strings.py: {missing}"


# -- pages in French ----------------------------------------------------------------------

FRENCH_PAGES = {"anonymous": ["/", "/login", "/setup?token=x", "/reset?token=x", "/no-such-page"],
                "steward": ["/dashboard", "/dashboard?country=GBR", "/upload", "/submissions",
                            "/submissions/{sub}", "/records?org=police", "/account"],
                "viewer": ["/upload"],
                "hub_admin": ["/admin", "/admin/audit", "/organisations/police/members"],
                "org_admin": ["/account", "/organisations/police/members"]}


def english_left(text: str) -> list[str]:
    """English msgids (of two words or more, whose French differs) found in ``text``."""
    french = {m.id: m.string for m in catalogue("fr") if isinstance(m.id, str) and m.id}
    phrases = [i for i, s in french.items()
               if " " in i and s != i and "%(" not in i and len(i) > 8]
    return sorted(p for p in phrases if p in text)


def test_french_pages_have_no_english_left(world) -> None:
    english = Page(world.client("steward").get("/dashboard?lang=en").text).visible_text
    assert len(english_left(english)) > 30  # the check finds English where there is some
    for who, paths in FRENCH_PAGES.items():
        client = world.signed_in(who)
        for path in paths:
            path = path.format(sub=world.submission)
            answer = client.get(path + ("&" if "?" in path else "?") + "lang=fr")
            assert answer.status_code in (200, 403, 404), path
            page = Page(answer.text)
            assert page.lang == "fr" and answer.headers["content-language"] == "fr"
            assert english_left(page.visible_text) == [], path


def test_french_dashboard_translates_core_labels_numbers_and_charts(world) -> None:
    html = world.signed_in("analyst").get("/dashboard?country=GBR&lang=fr").text
    assert "Victimes détectées par sexe et âge — Royaume-Uni" in html
    assert "Exploitation sexuelle" in html and "Hommes" in html
    assert "(masqué)" in html and "(withheld)" not in html
    assert "Remarques" in html and 'lang="en"' not in html.split('id="sex-age-heading"')[1].split(
        "</section>")[0]


def test_language_from_the_parameter_the_cookie_or_the_browser(world) -> None:
    client = world.fresh()
    assert 'lang="en"' in client.get("/").text
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "de;q=1, fr-CH;q=0.8"}).text
    chosen = client.get("/?lang=fr")
    assert f"{i18n.LANG_COOKIE}=fr" in chosen.headers["set-cookie"]
    assert 'lang="fr"' in client.get("/").text  # the cookie keeps it
    assert 'lang="fr"' in client.get("/?lang=xx").text  # unknown language: ignored
    assert 'lang="en"' in client.get("/?lang=en").text


def test_links_to_the_other_languages_keep_the_page_and_its_filters(world) -> None:
    html = world.client("analyst").get("/dashboard?country=GBR&lang=en").text
    assert 'href="/dashboard?country=GBR&amp;lang=fr" lang="fr" hreflang="fr">Français</a>' in html


def test_right_to_left_languages_get_the_direction_and_logical_css() -> None:
    assert i18n.direction("ar") == "rtl" and i18n.direction("fr") == "ltr"
    css = (WEB / "static" / "site.css").read_text(encoding="utf-8")
    physical = re.findall(r"(?:margin|padding|border)-(?:left|right)|text-align:\s*(?:left|right)"
                          r"|[^-](?:left|right):", css)
    assert physical == []


def test_a_language_is_picked_up_from_its_catalogue_alone(tmp_path, monkeypatch) -> None:
    (tmp_path / "ar" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "ar" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Sign in"\nmsgstr "تسجيل الدخول"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.available.cache_clear()
    i18n.translations.cache_clear()
    try:
        assert i18n.available() == ("en", "ar")
        with i18n.language("ar"):
            assert i18n._("Sign in") == "تسجيل الدخول"
            assert i18n._("Sign out") == "Sign out"  # missing: English, never blank
    finally:
        i18n.available.cache_clear()
        i18n.translations.cache_clear()
