"""The national report page: choose a country and a data year, then download the national
report (HTML or PDF) and the country's figures in the Global Report's long-table shape (CSV).
The downloads are the API's routes, which accept the session cookie for GET."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tiphub.accounts import authorize
from tiphub.api.deps import HubDep
from tiphub.errors import NotFound
from tiphub.reports.national import FIRST_YEAR, pdf_available
from tiphub.web import dashboard as d
from tiphub.web.deps import User
from tiphub.web.i18n import _
from tiphub.web.pages import render
from tiphub.web.views import country as country_name

router = APIRouter()
Param = Annotated[str | None, Query(max_length=60)]


@router.get("/reports/national")
def national_page(request: Request, hub: HubDep, who: User, country: Param = None,
                  year: Param = None) -> Response:
    authorize(who, "reports:read")
    last = hub.settings.current_year or datetime.now(UTC).year
    errors: dict[str, str] = {}
    iso3, chosen_year = None, None
    if country:
        try:
            iso3 = hub._country(country)
        except NotFound:
            errors["country"] = _("Choose a country from the list.")
    if year:
        if year.strip().isdigit() and FIRST_YEAR <= int(year) <= last:
            chosen_year = int(year)
        else:
            errors["year"] = _("Give a year from %(first)s to %(last)s.", first=FIRST_YEAR,
                               last=last)
    elif country:
        errors["year"] = _("Give a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=last)
    ready = iso3 is not None and chosen_year is not None and not errors
    links = None
    if ready and not _has_figures(hub, iso3, chosen_year):
        links = {"no_figures": True}
    if ready:
        base = f"/api/v1/reports/national/{iso3}?year={chosen_year}"
        links = (links or {}) | {"html": base + "&format=html", "pdf": base + "&format=pdf",
                 "csv": f"/api/v1/reports/glotip/{iso3}.csv?year={chosen_year}",
                 "csv_all": f"/api/v1/reports/glotip/{iso3}.csv",
                 "name": country_name(iso3)}
    return render(request, "national_report.html", status=422 if errors else 200,
                  countries=d.country_options([c for c, _n in hub.countries(principal=who)]),
                  chosen={"country": iso3 or (country or ""), "year": chosen_year or (year or "")},
                  errors=errors, links=links, pdf=pdf_available(), first=FIRST_YEAR, last=last)


def _has_figures(hub: HubDep, iso3: str, year: int) -> bool:
    """Whether the Global Report-shaped export has rows for the year (else no CSV link)."""
    from tiphub.reports.glotip import glotip_rows

    try:
        glotip_rows(hub, iso3, year=year)
    except NotFound:
        return False
    return True
