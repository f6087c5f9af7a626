"""The world tile map: one tile per country, accessible, coloured by classes, CSP-safe."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tiphub.reports import tile_layout
from tiphub.reports.tilemap import NONE_COLOURS, PALETTE, TILEMAP_CSS, tile_map_svg, tile_positions
from tiphub.vocab.geo import countries

ROOT = Path(__file__).resolve().parents[2]
LEGEND = [("party", "Party"), ("signatory", "Signed only"), ("none", "Not a party")]


def _svg(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_every_country_has_exactly_one_unique_tile():
    positions = tile_positions()
    codes = {c.iso3 for c in countries()}
    assert set(positions) == codes
    cells = list(positions.values())
    assert len(cells) == len(set(cells)), "two countries share a tile"
    text = resources.files("tiphub.reports").joinpath("data", "tile_grid.csv").read_text("utf-8")
    listed = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert len(listed) == len(set(listed)) == len(codes)
    assert min(x for x, _ in cells) == 0 and min(y for _, y in cells) == 0


def test_every_country_has_a_centroid_and_the_grid_is_what_the_layout_computes():
    centroids = tile_layout.read_centroids()
    assert set(centroids) == {c.iso3 for c in countries()}
    assert all(
        -90 <= lat <= 90 and -180 <= lon <= 180 and rank in (1, 2, 3) for lat, lon, rank in centroids.values()
    )
    committed = resources.files("tiphub.reports").joinpath("data", "tile_grid.csv").read_text("utf-8")
    assert tile_layout.grid_csv(tile_layout.compute_layout(centroids)) == committed, (
        "run `python -m tiphub.reports.tile_layout` after changing the centroids"
    )


def test_layout_keeps_rough_geography():
    p = tile_positions()
    west_of = [
        ("USA", "CHN"),
        ("BRA", "ZAF"),
        ("PRT", "ESP"),
        ("ESP", "ITA"),
        ("DEU", "POL"),
        ("IND", "JPN"),
        ("GBR", "DEU"),
        ("CHL", "ARG"),
    ]
    north_of = [
        ("CAN", "USA"),
        ("USA", "MEX"),
        ("NOR", "DEU"),
        ("DEU", "ITA"),
        ("EGY", "ZAF"),
        ("RUS", "KAZ"),
        ("JPN", "AUS"),
        ("COL", "ARG"),
    ]
    for a, b in west_of:
        assert p[a][0] < p[b][0], f"{a} should be west of {b}"
    for a, b in north_of:
        assert p[a][1] < p[b][1], f"{a} should be north of {b}"
    # the South Pacific wraps round to sit east of Australia, not west of the Americas
    assert p["WSM"][0] > p["AUS"][0] and p["TON"][0] > p["AUS"][0]


def test_layout_places_collisions_apart_deterministically():
    centroids = {
        "AAA": (10.0, 10.0, 2),
        "BBB": (10.0, 10.0, 2),
        "CCC": (10.0, 10.0, 1),
        "DDD": (-40.0, 100.0, 2),
    }
    first = tile_layout.compute_layout(centroids)
    assert first == tile_layout.compute_layout(dict(reversed(centroids.items())))
    assert len(set(first.values())) == 4
    assert first["CCC"][0] < first["DDD"][0]


def test_tiles_are_labelled_titled_and_coloured_by_class():
    svg = tile_map_svg(
        {"BOL": "party", "CIV": "signatory", "FRA": "none", "group:EU": "party"},
        LEGEND,
        title="Palermo Protocol",
    )
    root = _svg(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label").startswith("Palermo Protocol. ")
    assert "Party: 1; Signed only: 1; Not a party: 1; No data: 247." in root.get("aria-label")
    tiles = {g.get("data-iso3"): g for g in root.iter("g") if "tm-tile" in (g.get("class") or "")}
    assert len(tiles) == len(countries())
    assert tiles["BOL"].get("class") == "tm-tile tm-c0"
    assert tiles["CIV"].get("class") == "tm-tile tm-c1"
    assert tiles["FRA"].get("class") == "tm-tile tm-c2"
    assert tiles["USA"].get("class") == "tm-tile tm-none"
    assert tiles["BOL"].find("title").text == "Bolivia, Plurinational State of (BOL): Party"
    assert tiles["CIV"].find("title").text == "Côte d'Ivoire (CIV): Signed only"
    assert tiles["USA"].find("title").text.endswith(": No data")
    assert tiles["BOL"].find("text").text == "BOL"
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    legend = [g for g in root.iter("g") if "tm-key" in (g.get("class") or "")]
    assert [g.find("text").text for g in legend] == [
        "Party (1)",
        "Signed only (1)",
        "Not a party (1)",
        "No data (247)",
    ]


def test_highlight_is_drawn_last_and_said():
    root = _svg(tile_map_svg({"GBR": "party"}, LEGEND, title="UNTOC", highlight="GBR"))
    tiles = [g for g in root.iter("g") if "tm-tile" in (g.get("class") or "")]
    assert tiles[-1].get("data-iso3") == "GBR" and "tm-highlight" in tiles[-1].get("class")
    assert root.get("aria-label").endswith("Highlighted: United Kingdom.")


def test_text_is_escaped():
    svg = tile_map_svg({"BOL": "x"}, [("x", '<b>"Party" & co</b>')], title="A <script> & B")
    assert "<script>" not in svg and "<b>" not in svg
    assert _svg(svg).find("title").text == "A <script> & B"


@pytest.mark.parametrize(
    "values,legend,message",
    [
        ({"BOL": "party"}, [("signatory", "Signed")], "not in the legend"),
        ({}, [("a", "A"), ("a", "B")], "twice"),
        ({}, [(str(i), str(i)) for i in range(len(PALETTE) + 1)], "at most"),
    ],
)
def test_maps_that_cannot_be_explained_are_refused(values, legend, message):
    with pytest.raises(ValueError, match=message):
        tile_map_svg(values, legend, title="t")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("fill,ink", [*PALETTE, NONE_COLOURS])
def test_tile_labels_have_enough_contrast(fill, ink):
    a, b = sorted((_luminance(fill), _luminance(ink)), reverse=True)
    assert (a + 0.05) / (b + 0.05) >= 4.5


def test_stylesheets_carry_the_tile_map_rules():
    for sheet in ("tiphub/web/static/site.css", "tiphub/reports/templates/report.css"):
        assert TILEMAP_CSS in (ROOT / sheet).read_text("utf-8"), f"{sheet}: copy TILEMAP_CSS into it"
    assert re.search(r"\.tm-c0 rect \{ fill: #1f5f99; \}", TILEMAP_CSS)
