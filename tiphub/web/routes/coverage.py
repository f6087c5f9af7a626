"""Coverage and gaps: the place × pillar × intervention matrix of the programmes (5W), overlaps,
gaps, and a tile map of the countries coloured by gap status (:mod:`tiphub.reports.tilemap`).
Filters by country, year and pillar; a plain GET form, no JavaScript."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tiphub.api.deps import HubDep
from tiphub.coordination import vocab
from tiphub.coordination.coverage import STATUSES
from tiphub.reports.tilemap import tile_map_svg
from tiphub.vocab import geo
from tiphub.web.dashboard import country as country_name
from tiphub.web.deps import User
from tiphub.web.i18n import _, core, percent
from tiphub.web.pages import render

router = APIRouter()
Param = Annotated[str | None, Query(max_length=60)]
ISO3 = re.compile(r"^[A-Z]{3}$")
#: Heat classes of a matrix cell, by the number of organisations (4: four or more).
HEAT = 4


@dataclass(frozen=True)
class Filters:
    country: str | None = None
    year: int | None = None
    pillar: str | None = None

    def query(self) -> str:
        pairs = {"country": self.country, "year": self.year, "pillar": self.pillar}
        return urlencode({k: v for k, v in pairs.items() if v is not None})


def parse(country_code: str | None, year: str | None,
          pillar: str | None) -> tuple[Filters, list[str]]:
    """The filters of a request and what is wrong with them (in words)."""
    errors = []
    code = (country_code or "").strip().upper() or None
    if code and not (ISO3.match(code) and _known(code)):
        errors.append(_("Choose a country from the list."))
        code = None
    number = None
    if text := (year or "").strip():
        if text.isdigit() and 1900 <= int(text) <= 2100:
            number = int(text)
        else:
            errors.append(_("The year is a number such as 2021."))
    chosen = (pillar or "").strip() or None
    if chosen and chosen not in vocab.codes("pillars"):
        errors.append(_("Choose a pillar from the list."))
        chosen = None
    return Filters(code, number, chosen), errors


def _known(code: str) -> bool:
    try:
        geo.country_by_iso3(code)
    except KeyError:
        return False
    return True


def label(name: str, code: str) -> str:
    """A pillar's or intervention type's label in the page's language (English if untranslated)."""
    return core(vocab.label(name, code))


def place(iso3: str, adm1: str) -> str:
    return _("%(country)s: %(region)s", country=country_name(iso3), region=adm1) if adm1 \
        else country_name(iso3)


def ratio(value: float | None) -> str:
    return "–" if value is None else percent(value, 0)


# -- the matrix as a table ----------------------------------------------------------------


@dataclass
class Grid:
    """Places down; pillars (column groups) and intervention types across."""

    groups: list[tuple[str, str, int]]  # pillar code, label, number of columns
    columns: list[tuple[str, str, str]]  # pillar, intervention, label
    rows: list[tuple[str, list[dict[str, Any] | None]]]  # place label, cells (None: nothing)


def grid(cells: list[dict[str, Any]]) -> Grid:
    order = {code: i for i, code in enumerate(vocab.codes("intervention_types"))}
    pillars = vocab.codes("pillars")
    keys = sorted({(c["pillar"], c["intervention"]) for c in cells},
                  key=lambda k: (pillars.index(k[0]), order.get(k[1], len(order))))
    groups: list[tuple[str, str, int]] = []
    for pillar, _intervention in keys:
        if groups and groups[-1][0] == pillar:
            groups[-1] = (pillar, groups[-1][1], groups[-1][2] + 1)
        else:
            groups.append((pillar, label("pillars", pillar), 1))
    at = {(c["country"], c["adm1"], c["pillar"], c["intervention"]): c for c in cells}
    places = sorted({(c["country"], c["adm1"]) for c in cells},
                    key=lambda p: (country_name(p[0]), p[1]))
    rows = [(place(*p), [at.get((*p, *key)) for key in keys]) for p in places]
    columns = [(p, i, label("intervention_types", i)) for p, i in keys]
    return Grid(groups, columns, rows)


def heat(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "cov-empty"
    return f"cov-h{min(cell['organisations'], HEAT)}"


# -- the map ------------------------------------------------------------------------------


def legend() -> list[tuple[str, str]]:
    """Map categories in the tile map's colour order: the gap last, so that it is the red."""
    names = {
        "covered": _("Victims detected, protection activity runs"),
        "activities": _("Activities, no victims detected or no figures"),
        "none_detected": _("No victims detected, no activity"),
        "gap": _("Victims detected, no protection activity"),
    }
    return [(key, names[key]) for key in ("covered", "activities", "none_detected", "gap")]


def status_name(status: str) -> str:
    return dict(legend())[status]


# -- the page -----------------------------------------------------------------------------


@router.get("/coverage")
def coverage_page(request: Request, hub: HubDep, who: User, country: Param = None,
                  year: Param = None, pillar: Param = None) -> Response:
    filters, errors = parse(country, year, pillar)
    result = None if errors else hub.coverage(who, country=filters.country, year=filters.year,
                                              pillar=filters.pillar)
    context: dict[str, Any] = {
        "filters": filters, "errors": errors, "result": result,
        "countries": sorted(((c.iso3, country_name(c.iso3)) for c in geo.countries()),
                            key=lambda pair: pair[1]),
        "pillars": [(code, label("pillars", code)) for code in vocab.codes("pillars")],
        "k": hub.settings.min_cell_size,
    }
    if result is not None:
        statuses = {c["country"]: c["status"] for c in result["countries"]}
        result["countries"].sort(key=lambda c: country_name(c["country"]))
        result["gaps"].sort(key=lambda g: (country_name(g["country"]), g["adm1"] or ""))  # by name, as read
        context.update(
            grid=grid(result["matrix"]), heat=heat, ratio=ratio, label=label, place=place,
            status_name=status_name, STATUSES=STATUSES,
            tilemap=tile_map_svg(statuses, legend(), title=_("Coverage and gaps by country"),
                                 highlight=filters.country),
            legend=legend(),
        )
    return render(request, "coverage.html", status=422 if errors else 200, **context)
