"""Case records (an organisation's own members), statistics and reports (everyone signed in)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import FileResponse

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.api.models import Records
from tiphub.stats import StatTable, to_csv

router = APIRouter(tags=["data"])


@router.get("/records", response_model=Records)
def records(hub: HubDep, principal: PrincipalDep,
            org: Annotated[str, Query(max_length=64)],
            page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
            per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> Records:
    """One page of an organisation's case records (analytic fields; never identifiers)."""
    result = hub.records(org, page=page, per_page=per_page, principal=principal)
    return Records(organisation=org, **result)


@router.get("/stats/{table}", response_model=StatTable,
            responses={200: {"content": {"text/csv": {}}}})
def stats(table: str, hub: HubDep, principal: PrincipalDep,
          country: Annotated[str | None, Query(max_length=60)] = None,
          region: Annotated[str | None, Query(max_length=60)] = None,
          year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
          by: Annotated[str | None, Query(max_length=32)] = None,
          org: Annotated[str | None, Query(max_length=64)] = None,
          format: Literal["json", "csv"] = "json") -> StatTable | Response:
    """A protected statistics table; ``format=csv`` downloads it (and is audited as an export)."""
    result = hub.stats(table, country=country, region=region, year=year, by=by, org=org,
                       principal=principal)
    if format == "csv":
        hub.accounts.audit(principal, "stats:export", target_type="table", target_id=table,
                           detail={"country": country, "year": year, "by": by})
        name = f"tiphub-{table}{'-' + result.filters['country'] if result.filters.get('country') else ''}.csv"
        return Response(to_csv(result), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    # already a validated model: serialise once instead of validating it again
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/reports/{place}", response_class=FileResponse,
            responses={200: {"content": {"text/html": {}}}})
def report(place: str, hub: HubDep, principal: PrincipalDep) -> FileResponse:
    """The self-contained HTML report: ``global`` or an ISO3 country code."""
    country = None if place.lower() == "global" else place
    path = hub.report(country=country, principal=principal)
    hub.accounts.audit(principal, "report:export", target_type="report", target_id=place[:60])
    return FileResponse(path, media_type="text/html; charset=utf-8", filename=path.name)
