"""A map-like view without a map: an inline SVG tile grid of the world, one square per country.

Used wherever a value per country is worth seeing at a glance — which countries are party to a
treaty, where victims are detected but no protection activity runs. Every country has one tile
of the same size at about its geographic position (``data/tile_grid.csv``, computed by
:mod:`tiphub.reports.tile_layout`; see ``data/SOURCES.md``), labelled with its ISO3 code; the
tile's colour says its category.

No JavaScript, no fonts, no network, no ``style`` attributes (the site's Content-Security-Policy
allows stylesheets from the site only): tiles are coloured by CSS classes — ``tm-c0``,
``tm-c1``, ... in the order of the legend, and ``tm-none`` for countries without a value — whose
rules are :data:`TILEMAP_CSS`, included in ``web/static/site.css`` and the report stylesheet
(a test keeps them the same). The same colours are also written as presentation attributes, so
the SVG still reads correctly in a viewer without the stylesheet.

Accessibility: the ``<svg>`` has ``role="img"`` and an ``aria-label`` saying in words what it
shows (the title and how many countries fall in each category); every tile has a ``<title>``
with the country's name and its category (a tooltip for sighted users). Colour is never the only
carrier: the legend names each colour, and pages show the same data as a table.

>>> svg = tile_map_svg({"BOL": "party"}, [("party", "Party")], title="UNTOC")
>>> 'role="img"' in svg and "Bolivia" in svg
True
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

from markupsafe import Markup

from tiphub.reports.svg import CHAR_WIDTH, FONT, esc, n
from tiphub.vocab.geo import country_by_iso3

__all__ = ["NO_DATA", "PALETTE", "TILEMAP_CSS", "tile_map_svg", "tile_positions"]

CELL = 22.0  # grid pitch
TILE = 20.0  # tile side (the rest is the gap)
LABEL_SIZE = 7.0
LEGEND_SIZE = 11.0
LEGEND_ROW = 18.0
SWATCH = 12.0
NO_DATA = "No data"

# (fill, text colour) of the categories in legend order. Fills alternate dark and light so that
# neighbouring categories differ in lightness as well as hue (readable in greyscale and for most
# colour-blind readers); the ISO3 label on each keeps a contrast of at least 4.5:1.
PALETTE: tuple[tuple[str, str], ...] = (
    ("#1f5f99", "#ffffff"),  # dark blue
    ("#f0b64a", "#1a1a1a"),  # amber
    ("#dcdcdc", "#1a1a1a"),  # light grey
    ("#a12f45", "#ffffff"),  # dark red
    ("#9ec5e0", "#1a1a1a"),  # light blue
    ("#2d6e46", "#ffffff"),  # dark green
    ("#f2c4b0", "#1a1a1a"),  # light rose
    ("#4d5660", "#ffffff"),  # slate
)
NONE_COLOURS = ("#ffffff", "#4a4a4a")
EDGE = "#8a8a8a"
HIGHLIGHT = "#1a1a1a"


def _css() -> str:
    rules = [
        "svg.tilemap { display: block; inline-size: 100%; min-inline-size: 40rem; block-size: auto; }",
        f".tm-tile rect {{ stroke: {EDGE}; stroke-width: .5; }}",
        ".tm-tile text { pointer-events: none; }",
    ]
    for i, (fill, ink) in enumerate(PALETTE):
        rules.append(f".tm-c{i} rect {{ fill: {fill}; }} .tm-tile.tm-c{i} text {{ fill: {ink}; }}")
    rules.append(
        f".tm-none rect {{ fill: {NONE_COLOURS[0]}; }} .tm-tile.tm-none text {{ fill: {NONE_COLOURS[1]}; }}"
    )
    rules.append(f".tm-highlight rect {{ stroke: {HIGHLIGHT}; stroke-width: 2.5; }}")
    return "/* tile maps (tiphub/reports/tilemap.py TILEMAP_CSS) */\n" + "\n".join(rules) + "\n"


TILEMAP_CSS = _css()


@cache
def tile_positions() -> dict[str, tuple[int, int]]:
    """ISO3 -> (column, row) of its tile, from ``data/tile_grid.csv``."""
    text = resources.files("tiphub.reports").joinpath("data", "tile_grid.csv").read_text("utf-8")
    return {row["iso3"]: (int(row["x"]), int(row["y"])) for row in csv.DictReader(io.StringIO(text))}


def _name(code: str) -> str:
    try:
        return country_by_iso3(code).name
    except KeyError:
        return code


def tile_map_svg(
    values: Mapping[str, str], legend: Sequence[tuple[str, str]], *, title: str, highlight: str | None = None
) -> str:
    """An accessible SVG tile map of the world.

    ``values`` maps ISO3 codes to category keys; ``legend`` lists ``(category key, label)`` in
    the order of the colours (the first gets the palette's first colour, and so on: put the
    category that matters most first). Countries absent from ``values`` are drawn as
    "No data"; codes that have no tile (``group:EU``, unknown codes) are ignored.
    ``highlight`` (an ISO3 code) gets a heavy outline, for "this country" in a national view.
    Returns :class:`markupsafe.Markup`, safe to put in a template as it is.

    Raises ValueError for a category missing from the legend, a legend with a key twice, or
    more categories than colours: a map whose colours cannot be explained must not be drawn.
    """
    keys = [key for key, _ in legend]
    if len(set(keys)) != len(keys):
        raise ValueError("a category appears twice in the legend")
    if len(keys) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} categories can be told apart by colour")
    index = {key: i for i, key in enumerate(keys)}
    labels = dict(legend)
    positions = tile_positions()
    unknown = sorted({value for code, value in values.items() if code in positions} - set(index))
    if unknown:
        raise ValueError(f"categories not in the legend: {', '.join(map(str, unknown))}")

    counts: Counter[str] = Counter()
    tiles, top = [], ""
    for code, (x, y) in sorted(positions.items(), key=lambda item: (item[1][1], item[1][0])):
        category = values.get(code)
        counts[category if category is not None else ""] += 1
        tile = _tile(code, x, y, category, index, labels, code == highlight)
        if code == highlight:
            top = tile  # drawn last, so its outline is not covered by its neighbours
        else:
            tiles.append(tile)
    columns = max(x for x, _ in positions.values()) + 1
    rows = max(y for _, y in positions.values()) + 1
    width, map_height = columns * CELL, rows * CELL
    legend_svg, legend_height = _legend(legend, counts, width, map_height + 8)
    spoken = _spoken(title, legend, counts, highlight)
    return Markup(
        f'<svg class="tilemap" role="img" aria-label="{esc(spoken)}" '
        f'viewBox="0 0 {n(width)} {n(map_height + 8 + legend_height)}" font-family="{FONT}">'
        f"<title>{esc(title)}</title>{''.join(tiles)}{top}{legend_svg}</svg>"
    )


def _tile(
    code: str,
    x: int,
    y: int,
    category: str | None,
    index: dict[str, int],
    labels: dict[str, str],
    highlighted: bool,
) -> str:
    if category is None:
        css, (fill, ink), said = "tm-none", NONE_COLOURS, NO_DATA
    else:
        css, (fill, ink), said = f"tm-c{index[category]}", PALETTE[index[category]], labels[category]
    if highlighted:
        css += " tm-highlight"
    stroke = (
        f' stroke="{HIGHLIGHT}" stroke-width="2.5"' if highlighted else f' stroke="{EDGE}" stroke-width=".5"'
    )
    px, py = x * CELL, y * CELL
    return (
        f'<g class="tm-tile {css}" data-iso3="{esc(code)}"><title>{esc(_name(code))} ({esc(code)}): '
        f"{esc(said)}</title>"
        f'<rect x="{n(px)}" y="{n(py)}" width="{n(TILE)}" height="{n(TILE)}" rx="2" fill="{fill}"{stroke}/>'
        f'<text x="{n(px + TILE / 2)}" y="{n(py + TILE / 2 + LABEL_SIZE * 0.35)}" font-size="{n(LABEL_SIZE)}"'
        f' text-anchor="middle" fill="{ink}">{esc(code)}</text></g>'
    )


def _legend(
    legend: Sequence[tuple[str, str]], counts: Counter[str], width: float, top: float
) -> tuple[str, float]:
    """Swatches with their label and count, left to right, wrapping to the map's width."""
    entries = [(f"tm-c{i}", PALETTE[i][0], label, counts[key]) for i, (key, label) in enumerate(legend)]
    if counts[""]:
        entries.append(("tm-none", NONE_COLOURS[0], NO_DATA, counts[""]))
    parts, x, y = [], 0.0, top
    for css, fill, label, count in entries:
        text = f"{label} ({count})"
        room = SWATCH + 6 + len(text) * LEGEND_SIZE * CHAR_WIDTH + 18
        if x and x + room > width:
            x, y = 0.0, y + LEGEND_ROW
        parts.append(
            f'<g class="tm-key {css}"><rect x="{n(x)}" y="{n(y)}" width="{n(SWATCH)}" height="{n(SWATCH)}"'
            f' fill="{fill}" stroke="{EDGE}" stroke-width=".5"/>'
            f'<text x="{n(x + SWATCH + 6)}" y="{n(y + SWATCH - 2)}" font-size="{n(LEGEND_SIZE)}"'
            f' fill="#1a1a1a">{esc(text)}</text></g>'
        )
        x += room
    return "".join(parts), (y - top) + LEGEND_ROW


def _spoken(
    title: str, legend: Sequence[tuple[str, str]], counts: Counter[str], highlight: str | None
) -> str:
    """The map in words, for screen readers: what it shows and how many countries in each."""
    said = [f"{label}: {counts[key]}" for key, label in legend]
    if counts[""]:
        said.append(f"{NO_DATA}: {counts['']}")
    text = f"{title}. Tile map of countries. " + "; ".join(said) + "."
    if highlight:
        text += f" Highlighted: {_name(highlight)}."
    return text
