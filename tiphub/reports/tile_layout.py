"""How ``data/tile_grid.csv`` (the tile map's layout) is made from ``data/country_centroids.csv``.

Run ``python -m tiphub.reports.tile_layout`` to write the grid again after changing the
centroids; a test checks that the committed grid is what this module computes, so the two never
drift apart. See ``data/SOURCES.md`` for where the centroids come from.

The method, deterministic and collision-free by construction:

1. Each country's approximate centroid (latitude, longitude) is projected to an ideal point by
   a piecewise-linear (equirectangular-like) projection that gives more room per degree where
   countries are small and many (Europe, the Mediterranean, the Caribbean). The South Pacific east of
   the antimeridian (Samoa, Tonga, French Polynesia...) is wrapped round to sit east of
   Australia and New Zealand, where readers look for it, rather than west of the Americas.
2. Countries are placed one by one — first the large ones (rank 1), then the others (rank 2),
   then microstates and small territories (rank 3); within a rank from the most crowded
   neighbourhood to the least, ties broken by ISO3 code — each in the free cell nearest to its
   ideal point (ties broken towards the point's own direction, then by row and column). Large
   countries keep their true position; small ones nearby are pushed one or two cells aside.
3. Empty columns and rows are removed, so oceans shrink while the order of countries from
   west to east and north to south is kept.
"""

from __future__ import annotations

import csv
import io
import math
from importlib import resources
from pathlib import Path

# (degrees, grid units) breakpoints of the piecewise-linear projection: finer where countries
# are small and many (the Caribbean, Europe and the Mediterranean), coarser elsewhere.
LON_BREAKS = ((-170.0, 0.0), (-92.0, 10.0), (-58.0, 18.5), (-30.0, 22.0), (50.0, 38.0), (240.0, 61.0))
LAT_BREAKS = ((84.0, 0.0), (72.0, 2.0), (34.0, 11.5), (-90.0, 32.0))
WRAP_WEST_OF = -125.0  # South Pacific points west of this longitude ...
WRAP_SOUTH_OF = 25.0  # ... and south of this latitude are moved 360 degrees east
CROWD_RADIUS = 2.5  # cells: how far a neighbour counts towards crowding
MAX_RING = 40


def read_centroids(text: str | None = None) -> dict[str, tuple[float, float, int]]:
    """iso3 -> (latitude, longitude, rank) from the centroid file (or ``text``)."""
    if text is None:
        text = resources.files("tiphub.reports").joinpath("data", "country_centroids.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {row["iso3"]: (float(row["lat"]), float(row["lon"]), int(row["rank"])) for row in rows}


def _warp(value: float, breaks: tuple[tuple[float, float], ...]) -> float:
    """Piecewise-linear interpolation through ``breaks`` (degrees increasing or decreasing)."""
    for (d0, g0), (d1, g1) in zip(breaks, breaks[1:], strict=False):
        if min(d0, d1) <= value <= max(d0, d1):
            return g0 + (value - d0) * (g1 - g0) / (d1 - d0)
    raise ValueError(f"{value} is outside the projection")


def _ideal(lat: float, lon: float) -> tuple[float, float]:
    if lon < WRAP_WEST_OF and lat < WRAP_SOUTH_OF:
        lon += 360.0
    return _warp(lon, LON_BREAKS), _warp(lat, LAT_BREAKS)


def compute_layout(centroids: dict[str, tuple[float, float, int]]) -> dict[str, tuple[int, int]]:
    """iso3 -> (column, row), every country in its own cell, columns and rows from 0."""
    ideal = {code: _ideal(lat, lon) for code, (lat, lon, _) in centroids.items()}
    crowd = {
        code: sum(1 for other, q in ideal.items() if other != code and math.dist(p, q) <= CROWD_RADIUS)
        for code, p in ideal.items()
    }
    order = sorted(ideal, key=lambda code: (centroids[code][2], -crowd[code], code))
    taken: dict[tuple[int, int], str] = {}
    placed: dict[str, tuple[int, int]] = {}
    for code in order:
        cell = _nearest_free(ideal[code], taken)
        taken[cell] = code
        placed[code] = cell
    return _compact(placed)


def _nearest_free(point: tuple[float, float], taken: dict[tuple[int, int], str]) -> tuple[int, int]:
    px, py = point
    home = (math.floor(px), math.floor(py))
    best: tuple[tuple[float, int, int], tuple[int, int]] | None = None
    for ring in range(MAX_RING):
        for dx in range(-ring, ring + 1):
            for dy in range(-ring, ring + 1):
                if max(abs(dx), abs(dy)) != ring:
                    continue
                cell = (home[0] + dx, home[1] + dy)
                if cell in taken:
                    continue
                key = (round(math.dist((cell[0] + 0.5, cell[1] + 0.5), point), 9), cell[1], cell[0])
                if best is None or key < best[0]:
                    best = (key, cell)
        # a cell found on this ring may still lose to one on the next ring (corners are far)
        if best is not None and best[0][0] <= ring + 0.5:
            return best[1]
    if best is None:
        raise RuntimeError("no free cell found: the grid is too small")
    return best[1]


def _compact(placed: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    columns = {x: i for i, x in enumerate(sorted({x for x, _ in placed.values()}))}
    rows = {y: i for i, y in enumerate(sorted({y for _, y in placed.values()}))}
    return {code: (columns[x], rows[y]) for code, (x, y) in placed.items()}


def grid_csv(layout: dict[str, tuple[int, int]]) -> str:
    """The layout as the committed CSV: iso3,x,y sorted by row, then column."""
    out = io.StringIO()
    out.write("iso3,x,y\n")
    for code, (x, y) in sorted(layout.items(), key=lambda item: (item[1][1], item[1][0])):
        out.write(f"{code},{x},{y}\n")
    return out.getvalue()


def ascii_map(layout: dict[str, tuple[int, int]]) -> str:
    """The grid drawn with ISO3 codes, to eyeball a change."""
    width = max(x for x, _ in layout.values()) + 1
    height = max(y for _, y in layout.values()) + 1
    cells = {xy: code for code, xy in layout.items()}
    return "\n".join(
        "".join(cells.get((x, y), " . ").ljust(4) for x in range(width)).rstrip() for y in range(height)
    )


def main() -> None:  # pragma: no cover - a maintenance script
    layout = compute_layout(read_centroids())
    target = Path(__file__).with_name("data") / "tile_grid.csv"
    target.write_text(grid_csv(layout), encoding="utf-8")
    print(ascii_map(layout))


if __name__ == "__main__":  # pragma: no cover
    main()
