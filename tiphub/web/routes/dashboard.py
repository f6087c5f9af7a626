"""The dashboard: the six statistics tables and the breakdowns, filtered by country, region and
year. htmx swaps only the body when the filters change; without JavaScript the form reloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tiphub.api.deps import HubDep
from tiphub.web import dashboard as d
from tiphub.web.deps import User
from tiphub.web.pages import is_htmx, render

router = APIRouter()
Param = Annotated[str | None, Query(max_length=60)]


@router.get("/dashboard")
def dashboard(request: Request, hub: HubDep, who: User, country: Param = None,
              region: Param = None, year: Param = None) -> Response:
    filters, errors = d.parse_filters(country, region, year)
    sections, breakdowns = ([], []) if errors else d.build(hub, who, filters)
    context = {"filters": filters, "errors": errors, "sections": sections,
               "breakdowns": breakdowns}
    status = 422 if errors else 200
    if is_htmx(request):  # htmx swaps 2xx answers only; the errors are in the body
        return render(request, "_dashboard_body.html", **context)
    runs = hub.link_runs(limit=1, principal=who)
    return render(request, "dashboard.html", status=status, k=hub.settings.min_cell_size,
                  linked=runs[0] if runs else None,
                  countries=d.country_options([code for code, _n in hub.countries(principal=who)]),
                  regions=d.region_options(), **context)
