"""The instruments page: public status table and tile maps, filters, and the import form that
only hub administrators get."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from conftest import Page, form_token

DATA = Path(__file__).parents[1] / "coordination" / "data" / "treaties"
PALERMO = (DATA / "XVIII-12-a.en.xml").read_bytes()


def _text(html: str) -> str:
    """The page's text outside its charts, tags removed."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _import(world, name: str, content: bytes, who: str = "hub_admin", **form: str):
    client = world.client(who)
    token = form_token(client, "/instruments")
    return client.post("/instruments", data={"csrf_token": token, **form}, files={"file": (name, content)})


def test_empty_page_is_public_and_linked_from_the_index(world) -> None:
    answer = world.client().get("/instruments")
    assert answer.status_code == 200
    assert "No status list has been imported yet." in _text(answer.text)
    assert 'action="/instruments" enctype' not in answer.text  # no import form for the public
    assert 'href="/instruments"' in world.client().get("/").text


def test_navigation_offers_the_page_to_members(world) -> None:
    nav = Page(world.client("viewer").get("/dashboard").text).all("a")
    assert any(a.get("href") == "/instruments" for a in nav)


def test_only_hub_administrators_get_and_use_the_import_form(world) -> None:
    viewer = world.client("viewer").get("/instruments")
    assert 'name="file"' not in viewer.text
    assert 'name="file"' in world.client("hub_admin").get("/instruments").text
    denied = _import(world, "XVIII-12-a.en.xml", PALERMO, who="viewer")
    assert denied.status_code == 403
    assert "No status list has been imported yet." in _text(world.client().get("/instruments").text)


def test_a_bad_file_is_explained_and_nothing_is_stored(world) -> None:
    bad = b"country,instrument,consent_date,consent_type\nAtlantis,P029,2016-01-22,ratification\n"
    answer = _import(world, "p029.csv", bad)
    assert answer.status_code == 422
    text = _text(answer.text)
    assert "Atlantis" in text and "nothing was read" in text
    assert world.hub.instrument_status() == []
    assert _import(world, "", b"").status_code == 422


def test_import_then_table_with_dates_and_maps(world) -> None:
    answer = _import(world, "XVIII-12-a.en.xml", PALERMO)
    assert answer.status_code == 200, answer.text[:500]
    assert "XVIII-12-a.en.xml imported: 10 participants, 10 added, 0 updated, 0 unchanged." in _text(
        answer.text
    )

    page = world.client().get("/instruments")
    text = _text(page.text)
    assert "10 countries shown of 10." in text
    assert "Bolivia" in text and "Signed Dec 12, 2000" in text and "Ratification May 18, 2006" in text
    assert "Accession Aug 15, 2014" in text  # Afghanistan
    assert "Signed, not a party" in text  # Congo
    assert "Approval Sep 6, 2006" in text and "European Union" in text
    times = [t["datetime"] for t in Page(page.text).all("time")]
    assert "2006-05-18" in times
    # a map for the Palermo Protocol only; the others have no data yet
    assert page.text.count('<svg class="tilemap" role="img"') == 1
    assert "9 parties." in text
    assert text.count("No status list of this instrument has been imported.") == 3
    assert " style=" not in page.text and "<style" not in page.text and "<script>" not in page.text
    assert 'class="tm-tile tm-c0" data-iso3="BOL"' in page.text
    assert 'class="tm-tile tm-c1" data-iso3="COG"' in page.text
    assert 'class="tm-tile tm-c2" data-iso3="USA"' in page.text  # not listed


def test_filters_by_country_and_region(world) -> None:
    if not world.hub.instrument_status():
        world.hub.import_instruments(DATA / "XVIII-12-a.en.xml")
    one = _text(world.client().get("/instruments?country=BOL").text)
    assert (
        "1 country shown of 10." in one
        and "Albania" not in one.split("Status by country")[1].split("Maps")[0]
    )
    europe = world.client().get("/instruments?region=Europe").text
    rows = [r for r in Page(europe).all("th") if r.get("scope") == "row"]
    assert len(rows) == 4  # Albania, Montenegro, Netherlands, the European Union
    # a country with nothing recorded still gets its row: not listed, or no data
    france = _text(world.client().get("/instruments?country=FRA").text)
    assert "1 country shown" in france and "Not a party" in france and "No data" in france
    assert 'data-iso3="FRA"' in world.client().get("/instruments?country=FRA").text
    unknown = world.client().get("/instruments?country=Atlantis")
    assert unknown.status_code == 404 and "unknown country" in unknown.text
