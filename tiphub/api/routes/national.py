"""The national report (HTML or PDF) and a country's figures in the Global Report's long-table
shape (CSV), for every signed-in member: both are built from protected outputs only."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from tiphub.api.deps import HubDep, PrincipalDep

router = APIRouter(tags=["reports"])
Iso3 = Annotated[str, Path(min_length=2, max_length=60, description="ISO 3166 code (or name).")]
ReportYear = Annotated[int, Query(ge=1900, le=2200, description="The data year (registration).")]


@router.get("/reports/national/{iso3}", response_class=Response,
            responses={200: {"content": {"text/html": {}, "application/pdf": {}}},
                       503: {"description": "The PDF cannot be printed on this server."}})
def national_report(iso3: Iso3, hub: HubDep, principal: PrincipalDep, year: ReportYear,
                    format: Literal["html", "pdf"] = "html") -> Response:
    """The national report of a country for a data year: the contribution to the
    Secretary-General's report on the resolution "Improving the coordination of efforts against
    trafficking in persons" — as a self-contained HTML page or as PDF."""
    name = f"tiphub-national-{_code(iso3)}-{year}"
    if format == "pdf":
        data = hub.national_report_pdf(iso3, year, principal)
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})
    html = hub.national_report_html(iso3, year, principal)
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{name}.html"'})


@router.get("/reports/glotip/{iso3}.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def glotip_csv(iso3: Iso3, hub: HubDep, principal: PrincipalDep,
               year: Annotated[int | None, Query(ge=1900, le=2200)] = None) -> Response:
    """The country's figures in the shape of UNODC's Global Report long table (``Iso3_code,
    Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year, Unit of
    measurement, txtVALUE, Source``); withheld values stay withheld (``<k``, ``x``, ``<5``)."""
    text = hub.glotip_export(iso3, principal, year=year)
    name = f"tiphub-glotip-{_code(iso3)}" + (f"-{year}" if year else "")
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _code(text: str) -> str:
    """A safe file-name part from the country the client gave."""
    return re.sub(r"[^a-z]", "", text.lower())[:3] or "country"
