"""Indicators: programme logframes with their progress status (HXL import and export), and the
country indicators of the Global Plan of Action appraisal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.api.uploads import indicators_upload
from tiphub.coordination.indicator_methods import IndicatorImportReport

router = APIRouter(tags=["coordination"])


class MeasurementOut(BaseModel):
    measured_on: str = Field(description="ISO date.")
    sex: str = Field(description="all, female or male.")
    age: str = Field(description="all, children or adults.")
    value: float
    note: str | None = None


class ProgressOut(BaseModel):
    status: str = Field(description="achieved, on_track, at_risk, off_track, no_data or "
                                    "not_started (docs/coordination.md gives the rule).")
    label: str
    reason: str = Field(description="Why, in English.")
    why: str = Field(description="The reason's key (tiphub.coordination.indicators.REASONS), "
                                 "for clients that word it themselves.")
    why_values: dict[str, str | float] = Field(
        default_factory=dict, description="The values the reason names: ISO dates, shares 0–1.")
    on: str = Field(description="The day the status is for (ISO date).")
    latest: float | None = None
    latest_date: str | None = None
    expected: float | None = Field(None, description="Value expected on latest_date.")
    achieved_share: float | None = Field(
        None, description="Share of the baseline → target distance done (None: zero distance).")
    expected_share: float | None = None


class IndicatorOut(BaseModel):
    organisation: str
    programme: str
    programme_name: str
    country: str
    pillar: str
    code: str
    level: str = Field(description="outcome or output.")
    name: str
    unit: str | None = None
    direction: str = Field(description="increase or decrease.")
    disaggregation: str = Field(description="total or sex_age.")
    baseline: float
    baseline_date: str
    target: float
    target_date: str
    latest: float | None = None
    latest_date: str | None = None
    measurements: list[MeasurementOut]
    progress: ProgressOut


class CountryIndicatorOut(BaseModel):
    country: str
    year: int
    indicator: str = Field(description="victims_detected, persons_prosecuted or "
                                       "persons_convicted.")
    label: str
    value: int | None = Field(description="None when withheld.")
    display: str = Field(description="What to print: the count or the withheld mark.")
    suppressed: bool
    source: str
    source_kind: str = Field(description="case_records or global_report.")


@router.get("/indicators", response_model=list[IndicatorOut])
def indicators(hub: HubDep, principal: PrincipalDep,
               country: Annotated[str | None, Query(max_length=60)] = None,
               org: Annotated[str | None, Query(max_length=64)] = None,
               programme: Annotated[str | None, Query(max_length=64)] = None,
               ) -> list[dict[str, Any]]:
    """Programme indicators with their measurements and progress status."""
    return hub.indicators(principal, country=country, org=org, programme=programme)


@router.get("/indicators.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def indicators_csv(hub: HubDep, principal: PrincipalDep,
                   country: Annotated[str | None, Query(max_length=60)] = None,
                   org: Annotated[str | None, Query(max_length=64)] = None,
                   programme: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """The indicators as HXL-tagged CSV, one row per measurement (imports again unchanged)."""
    data = hub.indicators_export(principal, country=country, org=org, programme=programme)
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="indicators.csv"'})


@router.post("/indicators/imports", response_model=IndicatorImportReport, status_code=201)
def import_indicators(
    hub: HubDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="HXL-tagged CSV")],
    org: Annotated[str, Form(max_length=64)],
) -> IndicatorImportReport:
    """Import indicators and measurements: every row stored, or none (a 422 lists every
    problem)."""
    return indicators_upload(hub, file.file, file.filename, org=org, principal=principal)


@router.get("/countries/{iso3}/indicators", response_model=list[CountryIndicatorOut])
def country_indicators(hub: HubDep, principal: PrincipalDep,
                       iso3: Annotated[str, PathParam(max_length=60)],
                       year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
                       ) -> list[dict[str, Any]]:
    """Victims detected, persons prosecuted and persons convicted (Global Plan of Action
    appraisal), per year, each with its source; withheld values keep their mark."""
    return hub.country_indicators(principal, country=iso3, year=year)
