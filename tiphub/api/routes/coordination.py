"""Coordination: the directory of organisations and national mechanisms (public), and
programmes and activities (5W) with their HXL import and export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from fastapi import Path as PathParam

from tiphub.accounts import ANONYMOUS, Principal
from tiphub.api.deps import HubDep, PrincipalDep, optional_principal
from tiphub.api.models import DirectoryEntryIn
from tiphub.api.uploads import programmes_upload
from tiphub.records import Organisation, Programme, ProgrammeImportReport

router = APIRouter(tags=["coordination"])
Kind = Literal["organisation", "national_rapporteur", "national_coordinator", "referral_mechanism"]
Pillar = Literal["prevention", "protection", "prosecution", "partnership"]
Year = Annotated[int | None, Query(ge=1900, le=2200, description=(
    "Programmes running at some time in that year."))]
ProgrammeId = Annotated[int, PathParam(ge=1, le=2**62)]
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def reader(who: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    """Whoever asks, signed in or not (for what the policy makes public)."""
    return who or ANONYMOUS


@router.get("/directory", response_model=list[Organisation])
def directory(hub: HubDep, principal: Annotated[Principal, Depends(reader)],
              kind: Kind | None = None,
              country: Annotated[str | None, Query(max_length=60)] = None) -> list[Organisation]:
    """Organisations and national mechanisms (public: no sign-in needed)."""
    return hub.directory(kind=kind, country=country, principal=principal)


@router.put("/directory/{code}", response_model=Organisation)
def set_entry(code: str, body: DirectoryEntryIn, hub: HubDep,
              principal: PrincipalDep) -> Organisation:
    """Create an entry (hub administrators) or change one (its organisation's administrators:
    name, mandate and contacts)."""
    return hub.update_directory_entry(code[:64], **body.model_dump(exclude_unset=True),
                                      principal=principal)


@router.get("/programmes", response_model=list[Programme])
def programmes(hub: HubDep, principal: PrincipalDep,
               country: Annotated[str | None, Query(max_length=60)] = None,
               pillar: Pillar | None = None,
               intervention: Annotated[str | None, Query(max_length=100)] = None,
               org: Annotated[str | None, Query(max_length=64)] = None,
               year: Year = None) -> list[Programme]:
    """Programmes and activities (5W) of the space, filtered."""
    return hub.programmes(country=country, pillar=pillar, intervention=intervention, org=org,
                          year=year, principal=principal)


def _download(hub: HubDep, principal: Principal, format: str, country: str | None,
              pillar: str | None, org: str | None, intervention: str | None = None,
              year: int | None = None) -> Response:
    data = hub.programmes_export(format, country=country, pillar=pillar, org=org,
                                 intervention=intervention, year=year, principal=principal)
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="programmes.{format}"'})


@router.get("/programmes.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def programmes_csv(hub: HubDep, principal: PrincipalDep,
                   country: Annotated[str | None, Query(max_length=60)] = None,
                   pillar: Pillar | None = None,
                   org: Annotated[str | None, Query(max_length=64)] = None,
                   intervention: Annotated[str | None, Query(max_length=100)] = None,
                   year: Year = None) -> Response:
    """The programmes as HXL-tagged CSV (imports again unchanged)."""
    return _download(hub, principal, "csv", country, pillar, org, intervention, year)


@router.get("/programmes.xlsx", response_class=Response,
            responses={200: {"content": {MEDIA["xlsx"]: {}}}})
def programmes_xlsx(hub: HubDep, principal: PrincipalDep,
                    country: Annotated[str | None, Query(max_length=60)] = None,
                    pillar: Pillar | None = None,
                    org: Annotated[str | None, Query(max_length=64)] = None,
                    intervention: Annotated[str | None, Query(max_length=100)] = None,
                    year: Year = None) -> Response:
    """The programmes as an Excel workbook (same headers and hashtags as the CSV)."""
    return _download(hub, principal, "xlsx", country, pillar, org, intervention, year)


@router.get("/programmes/{programme_id:int}", response_model=Programme)
def programme(programme_id: ProgrammeId, hub: HubDep, principal: PrincipalDep) -> Programme:
    """One programme or activity."""
    return hub.programme(programme_id, principal=principal)


@router.delete("/programmes/{programme_id:int}", status_code=204, response_class=Response)
def delete_programme(programme_id: ProgrammeId, hub: HubDep, principal: PrincipalDep) -> Response:
    """Delete a programme (with its indicators): the implementer's data stewards and
    administrators, and hub administrators. To change one, import it again (same implementer
    and activity code)."""
    hub.delete_programme(programme_id, principal=principal)
    return Response(status_code=204)


@router.post("/programmes/imports", response_model=ProgrammeImportReport, status_code=201)
def import_programmes(
    hub: HubDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="HXL-tagged CSV")],
    org: Annotated[str, Form(max_length=64)],
) -> ProgrammeImportReport:
    """Import a 5W table: every row stored, or none (a 422 lists every problem)."""
    return programmes_upload(hub, file.file, file.filename, org=org, principal=principal)
