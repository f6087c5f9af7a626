"""The coverage page: the place × pillar × intervention matrix, overlaps, gaps against the
published counts of detected victims, and the tile map of countries by gap status."""

from __future__ import annotations

import re

import pytest
from conftest import Page

HXL = ("Implementer,Code,Activity,Type,Country,Region,Start,End,Targeted,Reached\n"
       "#org+impl,#activity+code,#activity+name,#activity+type,#country+code,#adm1+name,"
       "#date+start,#date+end,#targeted,#reached\n")


@pytest.fixture(scope="module")
def covered(world):
    """The world's victims: 30 in Poland in 2020, 24 in the United Kingdom in 2021 (4 of them
    boys), 12 in Poland in 2022. Programmes: a shelter in London in 2021, two organisations
    raising awareness in Poland in 2020."""
    path = world.home / "coverage-5w.csv"
    path.write_text(HXL + "\n".join([
        "shelter,S1,Safe house,shelter,GBR,London,2021-01-01,2021-12-31,40,30",
        "shelter,S2,Campaign,awareness_raising,POL,,2020-01-01,2020-12-31,500,450",
        "police,P1,Campaign,awareness_raising,POL,Masovia,2020-06-01,2020-08-31,100,100",
    ]) + "\n")
    world.hub.import_programmes(path, org="shelter")
    return world


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_matrix_overlaps_and_gaps_are_shown(covered) -> None:
    answer = covered.client("viewer").get("/coverage?year=2020")
    assert answer.status_code == 200
    html, text = answer.text, text_of(answer.text)
    page = Page(html)
    # the matrix: places down, pillar groups and intervention types across
    assert 'class="coverage-matrix"' in html
    assert [th for th in page.all("th") if th.get("scope") == "colgroup"]
    assert "Awareness raising" in text and "Prevention" in text
    assert "Poland: Masovia" in text and "1 org." in text
    assert "450 / 500 (90%)" in text
    assert 'class="cov-h1"' in html
    # overlaps: the national campaign and the Masovian one, June to August
    overlaps = html.split('id="overlaps-heading"')[1].split('id="gaps-heading"')[0]
    assert "police, shelter" in text_of(overlaps)
    assert "2020-06-01 to 2020-08-31" in text_of(overlaps)
    # gaps: 30 victims detected in Poland in 2020 and no protection activity there
    gaps = text_of(html.split('id="gaps-heading"')[1].split('id="map-heading"')[0])
    assert "Poland : victims detected: 30" in gaps or "Poland: victims detected: 30" in gaps
    assert "United Kingdom" not in gaps.split("Pillars without activities")[0]
    # the map: an accessible SVG with classes, no inline styles anywhere
    assert 'class="tilemap" role="img"' in html and 'data-iso3="POL"' in html
    assert re.search(r'<g class="tm-tile tm-c3" data-iso3="POL">', html)  # the gap colour
    assert " style=" not in html and "<style" not in html
    # the download link keeps the filters
    assert 'href="/api/v1/coverage.csv?year=2020"' in html


def test_withheld_counts_stay_withheld(covered) -> None:
    # the United Kingdom in 2021: 24 victims; with a protection activity in London, no gap
    text = text_of(covered.client("analyst").get("/coverage?year=2021").text)
    gaps = text.split("Victims detected, no protection activity")[1].split("Pillars")[0]
    assert "United Kingdom" not in gaps
    assert "None found: no country where the published statistics" in gaps
    # a year with only 4 victims (boys, withheld) would show <10, never 4; Poland in 2022: 12
    text = text_of(covered.client("viewer").get("/coverage?year=2022&country=POL").text)
    assert "victims detected: 12" in text


def test_the_page_is_accessible(covered) -> None:
    html = covered.client("viewer").get("/coverage").text
    page = Page(html)
    assert page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1
    labels = {attrs.get("for") for attrs in page.all("label")}
    for tag, attrs in page.elements:
        if tag in {"input", "select"} and attrs.get("type") not in {"hidden", "submit"}:
            assert attrs.get("id") in labels
    assert len(page.all("caption")) == len(page.all("table")) == 2
    assert all(th.get("scope") in ("col", "row", "colgroup") for th in page.all("th"))
    nav = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert '<a href="/coverage" aria-current="page">Coverage and gaps</a>' in nav


@pytest.mark.parametrize("query", ["?year=20x1", "?pillar=rescue", "?country=ZZZ"])
def test_bad_filters_are_named_not_echoed(covered, query: str) -> None:
    answer = covered.client("viewer").get("/coverage" + query)
    assert answer.status_code == 422
    main = answer.text.split('<main id="main"')[1].split("</main>")[0]
    assert 'role="alert"' in main
    assert "20x1" not in main and "rescue" not in main and "ZZZ" not in main
    assert 'class="coverage-matrix"' not in main


def test_signing_in_is_needed(covered) -> None:
    answer = covered.client("anonymous").get("/coverage")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
