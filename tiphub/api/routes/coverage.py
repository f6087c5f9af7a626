"""Coverage and gaps of the programmes (5W): the place × pillar × intervention matrix, overlaps,
and places where victims are detected (published, protected counts) but no protection activity
runs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.coordination.coverage import matrix_csv

router = APIRouter(tags=["coordination"])
Pillar = Literal["prevention", "protection", "prosecution", "partnership"]
Country = Annotated[str | None, Query(max_length=60, description="ISO 3166 code or name.")]
Year = Annotated[int | None, Query(ge=1900, le=2100, description=(
    "Activities whose period intersects this year; victims detected that year."))]


class CoverageOut(BaseModel):
    matrix: list[dict[str, Any]] = Field(description=(
        "One cell per place × pillar × intervention type: organisations (distinct "
        "implementers), activities, targeted, reached, coverage (reached / targeted over the "
        "activities reporting both), by_sex_age."))
    overlaps: list[dict[str, Any]] = Field(description=(
        "Several organisations doing the same type of intervention in the same place in "
        "overlapping periods, with their activities and the common period."))
    gaps: list[dict[str, Any]] = Field(description=(
        "victims_without_protection (victims detected, as published, and no protection "
        "activity) and missing_pillars, most urgent first."))
    countries: list[dict[str, Any]] = Field(description=(
        "Per country: gap, covered, activities or no_data (for a map)."))
    filters: dict[str, Any]
    notes: list[str]


@router.get("/coverage", response_model=CoverageOut)
def coverage(hub: HubDep, principal: PrincipalDep, country: Country = None, year: Year = None,
             pillar: Pillar | None = None) -> dict[str, Any]:
    """Coverage and gaps of the programmes, filtered by country, year and pillar."""
    return hub.coverage(principal, country=country, year=year, pillar=pillar)


@router.get("/coverage.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def coverage_csv(hub: HubDep, principal: PrincipalDep, country: Country = None,
                 year: Year = None, pillar: Pillar | None = None) -> Response:
    """The coverage matrix as CSV: one row per place × pillar × intervention type."""
    result = hub.coverage(principal, country=country, year=year, pillar=pillar)
    return Response(matrix_csv(result["matrix"]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="coverage.csv"'})
